/**
 * What every set of console stores must do, in memory, on one Redis, on a Cluster and under
 * Sentinel (test/cluster/stores.test.ts): each test builds its own stores from `make`.
 */
import { describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import type { ConsoleEvent } from "../../src/console/events.js";
import type { ConsoleStores } from "../../src/console/stores.js";

export const CONSOLE_CONFIG = {
  enabled: true,
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
  maxFailures: 3,
  lockoutMs: 15 * 60_000,
  signInPerMinute: 10,
  totpRequiredFor: [],
  secureCookies: false,
} as const;
const config = CONSOLE_CONFIG;

export const T0 = Date.UTC(2026, 5, 1, 3, 0, 0);

export function consoleStoresContract(kind: string, make: () => ConsoleStores): void {
  describe(`console stores (${kind})`, () => {
    it("keeps accounts, and lists them", async () => {
      const s = make();
      const a = {
        username: `ana-${kind}`,
        role: "operator" as const,
        passwordHash: "h",
        createdAt: T0,
      };
      await s.accounts.put(a);
      expect(await s.accounts.get(a.username)).toEqual(a);
      expect((await s.accounts.list()).map((x) => x.username)).toContain(a.username);
      expect(await s.accounts.remove(a.username)).toBe(true);
      expect(await s.accounts.get(a.username)).toBeUndefined();
    });

    it("ends a session when idle too long or too old, and when told to", async () => {
      const s = make();
      const id = await s.sessions.create("ana", T0);
      expect((await s.sessions.get(id, T0 + 60_000))?.username).toBe("ana");
      expect(await s.sessions.get(id, T0 + 60_000 + config.idleMs + 1)).toBeUndefined();
      const other = await s.sessions.create("ana", T0);
      let t = T0;
      // Used every 20 minutes: never idle, yet ended 12 hours after signing in.
      while (t < T0 + config.absoluteMs - 20 * 60_000) {
        t += 20 * 60_000;
        expect(await s.sessions.get(other, t)).toBeDefined();
      }
      expect(await s.sessions.get(other, T0 + config.absoluteMs)).toBeUndefined();
      const third = await s.sessions.create("ana", T0);
      await s.sessions.endAll("ana");
      expect(await s.sessions.get(third, T0 + 1)).toBeUndefined();
    });

    it("locks after the allowed failures, until the lockout has passed", async () => {
      const s = make();
      const user = `bob-${kind}`;
      expect(await s.lockout.failed(user, T0)).toBe(false);
      expect(await s.lockout.failed(user, T0)).toBe(false);
      expect(await s.lockout.failed(user, T0)).toBe(true);
      expect(await s.lockout.locked(user, T0 + 1000)).toBe(true);
      await s.lockout.clear(user);
      expect(await s.lockout.locked(user, T0 + 1000)).toBe(false);
    });

    it("keeps the audit log newest first", async () => {
      const s = make();
      await s.audit.add({ at: T0, by: "ana", action: "sign_in", ok: true });
      await s.audit.add({
        at: T0 + 1,
        by: "ana",
        action: "view",
        ok: false,
        case: "C1",
        detail: "not_yours",
      });
      const recent = await s.audit.recent(T0 + 2, 10);
      expect(recent.map((e) => e.action).slice(0, 2)).toEqual(["view", "sign_in"]);
    });

    it("keeps a case's transcript in order, with each reply's delivery, until removed", async () => {
      const s = make();
      const caseId = `CASE-${kind}`;
      await s.transcripts.add(caseId, { from: "person", at: T0, kind: "text", text: "tolong" });
      const reply = await s.transcripts.add(caseId, {
        from: "operator",
        at: T0 + 1,
        text: "Halo",
        state: "sending",
      });
      await s.transcripts.setState(caseId, reply, "done");
      const list = await s.transcripts.list(caseId);
      expect(list.map((e) => e.from)).toEqual(["person", "operator"]);
      expect(list[1]).toMatchObject({ text: "Halo", state: "done" });
      expect(await s.transcripts.caseIds()).toContain(caseId);
      await s.transcripts.remove(caseId);
      expect(await s.transcripts.list(caseId)).toEqual([]);
    });

    it("keeps anonymised figures per case, the latest state of each", async () => {
      const s = make();
      const c = {
        id: `F-${kind}`,
        createdAt: T0,
        priority: "P1",
        channel: "tg",
        kind: "help",
        summary: {
          flow: null,
          lang: "id",
          answers: { name: "Siti" },
          place: { country: "KH", lat: 13.6, lon: 102.5 },
        },
        audit: [{ at: T0 + 60_000, by: "web:ana", action: "claimed" }],
        status: "claimed",
      } as unknown as Case;
      await s.figures.record(c);
      await s.figures.record({ ...c, status: "closed", closedAt: T0 + 120_000, outcome: "safe" });
      const figures = await s.figures.since(T0 + 1000, 7);
      expect(figures).toEqual([
        {
          createdAt: T0,
          priority: "P1",
          channel: "tg",
          kind: "help",
          country: "KH",
          claimedAt: T0 + 60_000,
          closedAt: T0 + 120_000,
          outcome: "safe",
        },
      ]);
      expect(JSON.stringify(figures)).not.toContain("Siti");
    });
  });
}

/**
 * Live updates between instances: what one instance publishes reaches the consoles
 * connected to another (`make` builds one instance's stores, each on its own connection).
 */
export function consoleEventsContract(kind: string, make: () => Promise<ConsoleStores>): void {
  describe(`console live updates across instances (${kind})`, () => {
    it("reach a console on the other instance", async () => {
      const [a, b] = await Promise.all([make(), make()]);
      const heard: ConsoleEvent[] = [];
      const stop = b.events.subscribe((e) => heard.push(e));
      try {
        // The subscription is made in the background: publish until it is heard.
        for (let i = 0; i < 100 && heard.length === 0; i++) {
          await a.events.publish({ topic: "case", id: `C-${kind}` });
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(heard[0]).toEqual({ topic: "case", id: `C-${kind}` });
      } finally {
        stop();
        await Promise.all([a.events.close(), b.events.close()]);
      }
    });
  });
}
