/**
 * What every WhatsApp store must do, in memory, on one Redis, on a Cluster and under
 * Sentinel: sent messages with their delivery status, which only moves forward.
 */
import { describe, expect, it } from "vitest";
import type { WhatsAppStore } from "../../src/channels/whatsapp/store.js";

export const HOUR = 60 * 60 * 1000;
export const KEY = "wa:+6281234567890";
export const WAMID = "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjQ2QkY1QTA=";

export function whatsAppStoreContract(
  name: string,
  make: (clock: { now: number }) => WhatsAppStore,
) {
  describe(`WhatsApp store (${name})`, () => {
    it("records sent messages and moves their status only forward", async () => {
      const clock = { now: 10 * HOUR };
      const store = make(clock);
      await store.sent(WAMID, KEY, clock.now);
      expect(await store.statusOf(WAMID)).toBe("sent");
      expect(await store.status(WAMID, "read", clock.now)).toEqual({
        changed: true,
        conversation: KEY,
      });
      expect(await store.status(WAMID, "delivered", clock.now)).toEqual({
        changed: false,
        conversation: KEY,
      });
      expect(await store.statusOf(WAMID)).toBe("read");
      expect(await store.status(WAMID, "failed", clock.now)).toEqual({
        changed: true,
        conversation: KEY,
      });
      expect(await store.status(WAMID, "failed", clock.now)).toEqual({
        changed: false,
        conversation: KEY,
      });
    });

    it("takes a receipt that comes before the send was recorded", async () => {
      const clock = { now: 10 * HOUR };
      const store = make(clock);
      expect(await store.status("wamid.early", "delivered", clock.now)).toEqual({ changed: true });
      await store.sent("wamid.early", KEY, clock.now);
      expect(await store.statusOf("wamid.early")).toBe("delivered");
      expect(await store.status("wamid.early", "read", clock.now)).toEqual({
        changed: true,
        conversation: KEY,
      });
    });
  });
}
