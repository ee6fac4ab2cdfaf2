/**
 * Nothing a person writes to operators is lost (issue 13, point 7): while the operators'
 * group cannot be written to, their messages stay in the outbox, `/readyz` says the
 * operator channel is failing (and the service stays ready to take messages), and the
 * operators see everything, in order, once the group is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { textUpdate } from "../fakes/telegram-api.js";
import { claimedCase, type GroupService, startGroupService } from "./group-service.js";

const GROUP = -1_009_876_500_007;
const OPERATOR = 4747;
let g: GroupService;

beforeAll(async () => {
  g = await startGroupService(GROUP, OPERATOR);
});

afterAll(async () => {
  await g.stop();
});

async function readyz(): Promise<{ status: number; body: { checks: unknown[] } }> {
  const res = await fetch(`${g.svc.base}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: unknown[] } };
}

describe("a person's message while the operators' group is away", () => {
  it("stays pending, /readyz reports it, and operators see it once the group is back", async () => {
    const chat = 7_900_001;
    const { thread } = await claimedCase(g, chat);
    expect((await readyz()).body.checks).toContainEqual({
      name: "operators",
      ok: true,
      critical: false,
    });

    // The bot was removed from the group: nothing can be posted there.
    g.fake.failNext("sendMessage", {
      chatId: GROUP,
      error_code: 403,
      description: "Forbidden: bot was kicked from the supergroup chat",
      times: 1000,
    });
    for (const words of ["mereka bawa kami pindah", "ke gedung sebelah, lantai 5"])
      await g.post(textUpdate(chat, words, { languageCode: "id" }));
    expect(g.topic(thread).some((m) => m.text?.includes("lantai 5"))).toBe(false);

    const down = await readyz();
    expect(down.status).toBe(200);
    expect(down.body.checks).toContainEqual({ name: "operators", ok: false, critical: false });
    // Tried again while still away (the outbox keeps its own time): still kept.
    await g.clock.advance(g.svc, 3);
    await g.svc.app.runtime.recover(0);
    expect(g.topic(thread).some((m) => m.text?.includes("lantai 5"))).toBe(false);

    g.fake.clearFaults();
    await g.clock.advance(g.svc, 3);
    await g.svc.app.runtime.recover(0);
    await g.svc.app.runtime.drain();
    const lines = g.topic(thread).map((m) => m.text ?? "");
    const first = lines.findIndex((t) => t.includes("mereka bawa kami pindah"));
    const second = lines.findIndex((t) => t.includes("ke gedung sebelah, lantai 5"));
    expect(first).toBeGreaterThan(-1);
    expect(second).toBeGreaterThan(first);
    expect((await readyz()).body.checks).toContainEqual({
      name: "operators",
      ok: true,
      critical: false,
    });
  });
});
