/**
 * The operator desk on the memory twins: escalations and reports become cases, operators
 * act on them only as their role allows, every action is audited, and bad input (unknown
 * or closed cases, double claims, strangers, late messages) changes nothing it should not.
 */
import { describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import { slaJobId } from "../../src/cases/sla-service.js";
import { roleOf } from "../../src/operators/access.js";
import type { CaseOutcome } from "../../src/operators/desk.js";
import {
  deskHarness,
  escalateEffect,
  MIN,
  OPERATOR,
  OTHER,
  PERSON_KEY,
  reportEffect,
  STRANGER,
  SUPERVISOR,
  T0,
} from "./fixtures.js";

const ID = "7QX9M-2PAKD";

async function withCase(over: Parameters<typeof escalateEffect>[0] = {}) {
  const h = deskHarness();
  await h.intake.escalate(PERSON_KEY, escalateEffect(over));
  return h;
}

async function claimed() {
  const h = await withCase();
  h.clock.advance(MIN);
  expectOk(await h.desk.claim(OPERATOR, ID));
  return h;
}

function expectOk(r: CaseOutcome): Case {
  if (!r.ok) throw new Error(`expected ok, got ${r.error}`);
  return r.case;
}

function expectRefused(r: { ok: boolean; error?: string }, error: string): void {
  expect(r).toMatchObject({ ok: false, error });
}

function lastAudit(c: Case | undefined) {
  return c?.audit.at(-1);
}

describe("escalations and reports", () => {
  it("creates a help case, arms its timer and shows it", async () => {
    const h = await withCase();
    const c = await h.store.get(ID);
    expect(c).toMatchObject({
      kind: "help",
      channel: "tg",
      priority: "P1",
      status: "queued",
      conversation: PERSON_KEY,
      reasons: ["immediate_danger"],
    });
    expect(h.board.of("show")).toEqual([{ method: "show", id: ID, change: "created" }]);
    const [job] = await h.scheduler.claimDue(T0 + 2 * MIN, 10, 1000);
    expect(job?.id).toBe(slaJobId(ID));
  });

  it("folds a new escalation into the open case and says when priority rose", async () => {
    const h = await withCase({ priority: "P3", reasons: ["asked_for_human"] });
    await h.intake.escalate(PERSON_KEY, escalateEffect({ priority: "P1", reasons: ["beaten"] }));
    const c = await h.store.get(ID);
    expect(c?.priority).toBe("P1");
    expect(c?.reasons).toEqual(["asked_for_human", "beaten"]);
    expect(h.board.calls.at(-1)).toEqual({
      method: "update",
      id: ID,
      event: { kind: "raised", from: "P3", located: false },
    });
  });

  it.each([
    ["P3", ["family_report"]],
    ["P1", ["relative_in_danger", "beaten"]],
  ] as const)(
    "files a family report as a %s family case with the flow's reasons",
    async (p, why) => {
      const h = deskHarness();
      const effect = { ...reportEffect("unknown"), priority: p, reasons: [...why] };
      await h.intake.escalate("wa:+6281200000000", effect);
      const c = await h.store.get("FAM01-AAAAA");
      expect(c).toMatchObject({ kind: "family", priority: p, reasons: why, channel: "wa" });
      expect(h.board.of("show")).toHaveLength(1);
    },
  );

  it("keeps a case even when the board cannot show it", async () => {
    const h = deskHarness();
    h.board.failing = true;
    await expect(h.intake.escalate(PERSON_KEY, escalateEffect())).resolves.toBeUndefined();
    expect(await h.store.get(ID)).toBeDefined();
    expect(h.logs.join("")).toContain("operator board not updated");
  });

  it("refuses a conversation from a channel it does not know, without throwing", async () => {
    const h = deskHarness();
    await h.intake.escalate("xx:1", escalateEffect());
    expect(await h.store.get(ID)).toBeUndefined();
  });

  it("reopens a closed case in the same place when the person asks again", async () => {
    const h = await claimed();
    expectOk(await h.desk.close(OPERATOR, ID, "safe"));
    await h.intake.escalate(PERSON_KEY, escalateEffect({ reasons: ["asked_for_human"] }));
    expect((await h.store.get(ID))?.status).toBe("queued");
    expect(h.board.calls.at(-1)).toEqual({ method: "show", id: ID, change: "reopened" });
  });
});

describe("who may act", () => {
  it("reads roles from the allow-lists; supervising includes operating", () => {
    const lists = { operatorIds: ["11"], supervisorIds: ["22"] };
    expect(roleOf(lists, 11)).toBe("operator");
    expect(roleOf(lists, "22")).toBe("supervisor");
    expect(roleOf(lists, 33)).toBeUndefined();
  });

  const actions: [string, (h: ReturnType<typeof deskHarness>) => Promise<{ ok: boolean }>][] = [
    ["claim", (h) => h.desk.claim(STRANGER, ID)],
    ["release", (h) => h.desk.release(STRANGER, ID)],
    ["mayClose", (h) => h.desk.mayClose(STRANGER, ID)],
    ["close", (h) => h.desk.close(STRANGER, ID, "safe")],
    ["handBack", (h) => h.desk.handBack(STRANGER, ID)],
    ["sendSteps", (h) => h.desk.sendSteps(STRANGER, ID)],
    ["message", (h) => h.desk.message(STRANGER, ID, "halo, saya petugas")],
    ["note", (h) => h.desk.note(STRANGER, ID, "a private note")],
    ["view", (h) => h.desk.view(STRANGER, ID)],
    ["queue", (h) => h.desk.queue(STRANGER)],
    ["mine", (h) => h.desk.mine(STRANGER)],
    ["stats", (h) => h.desk.stats(STRANGER)],
  ];

  it.each(actions)(
    "refuses %s to anyone not on the allow-lists, and logs the id",
    async (_n, act) => {
      const h = await claimed();
      const before = await h.store.get(ID);
      const events = h.person.events.length;
      const boardCalls = h.board.calls.length;
      expectRefused(await act(h), "not_allowed");
      expect(await h.store.get(ID)).toEqual(before);
      expect(h.person.events).toHaveLength(events);
      expect(h.person.said).toHaveLength(0);
      expect(h.board.calls).toHaveLength(boardCalls);
      const line = h.logs.at(-1) ?? "";
      expect(line).toContain(`"user":"${STRANGER}"`);
      expect(line).not.toMatch(/halo|private note/);
    },
  );

  it("gives supervisors the cases others hold", async () => {
    const h = await claimed();
    expectOk(await h.desk.message(SUPERVISOR, ID, "Saya supervisor."));
    expectOk(await h.desk.sendSteps(SUPERVISOR, ID));
    expectOk(await h.desk.release(SUPERVISOR, ID));
    expect((await h.store.get(ID))?.status).toBe("queued");
  });

  it("keeps other operators off a case someone holds", async () => {
    const h = await claimed();
    expectRefused(await h.desk.message(OTHER, ID, "halo"), "not_holder");
    expectRefused(await h.desk.release(OTHER, ID), "not_holder");
    expectRefused(await h.desk.close(OTHER, ID, "safe"), "not_holder");
    expectRefused(await h.desk.mayClose(OTHER, ID), "not_holder");
    expectRefused(await h.desk.handBack(OTHER, ID), "not_holder");
    expectRefused(await h.desk.sendSteps(OTHER, ID), "not_holder");
    expect(h.person.said).toHaveLength(0);
  });
});

describe("claims", () => {
  it("claims once: the person hears a human joined, the reply timer starts, it is audited", async () => {
    const h = await claimed();
    const c = await h.store.get(ID);
    expect(c).toMatchObject({ status: "claimed", operator: OPERATOR });
    expect(lastAudit(c)).toMatchObject({ by: OPERATOR, action: "claimed", at: T0 + MIN });
    expect(h.person.events).toEqual([{ conversation: PERSON_KEY, event: "joined" }]);
    expect(h.board.calls.at(-1)).toEqual({
      method: "update",
      id: ID,
      event: { kind: "claimed", by: OPERATOR },
    });
    const [job] = await h.scheduler.claimDue(T0 + 11 * MIN, 10, 1000);
    expect(job?.id).toBe(slaJobId(ID));
  });

  it("answers a double claim with who holds it, and a repeat claim as already yours", async () => {
    const h = await claimed();
    const other = await h.desk.claim(OTHER, ID);
    expectRefused(other, "already_claimed");
    expect(other.ok ? undefined : other.case?.operator).toBe(OPERATOR);
    const again = await h.desk.claim(OPERATOR, ID);
    expect(again).toMatchObject({ ok: true, changed: false });
    expect(h.person.events).toHaveLength(1);
  });

  it("refuses unknown and closed cases", async () => {
    const h = await claimed();
    expectRefused(await h.desk.claim(OPERATOR, "NOPE-1"), "not_found");
    expectOk(await h.desk.close(OPERATOR, ID, "duplicate"));
    expectRefused(await h.desk.claim(OTHER, ID), "closed");
    expectRefused(await h.desk.release(OPERATOR, ID), "closed");
    expectRefused(await h.desk.close(OPERATOR, ID, "safe"), "closed");
    expectRefused(await h.desk.handBack(OPERATOR, ID), "closed");
    expectRefused(await h.desk.sendSteps(OPERATOR, ID), "closed");
    expectRefused(await h.desk.message(OPERATOR, ID, "halo"), "closed");
    expectRefused(await h.desk.note(OPERATOR, ID, "x"), "closed");
    expectRefused(await h.desk.mayClose(OPERATOR, ID), "closed");
  });

  it("releases to the queue without telling the person (they still wait for a human)", async () => {
    const h = await claimed();
    expectOk(await h.desk.release(OPERATOR, ID));
    const c = await h.store.get(ID);
    expect(c?.status).toBe("queued");
    expect(lastAudit(c)).toMatchObject({ by: OPERATOR, action: "released" });
    expect(h.person.events.map((e) => e.event)).toEqual(["joined"]);
    expectRefused(await h.desk.release(OPERATOR, ID), "not_claimed");
  });
});

describe("talking to the person", () => {
  it("sends the holder's words and audits the reply without its text", async () => {
    const h = await claimed();
    h.clock.advance(MIN);
    const c = expectOk(await h.desk.message(OPERATOR, ID, "Halo, saya Dewi dari tim."));
    expect(h.person.said).toEqual([
      { conversation: PERSON_KEY, text: "Halo, saya Dewi dari tim." },
    ]);
    expect(c.firstReplyAt).toBe(T0 + 2 * MIN);
    expect(lastAudit(c)).toEqual({ at: T0 + 2 * MIN, by: OPERATOR, action: "replied" });
    expect(JSON.stringify(c.audit)).not.toContain("Dewi");
    // Replied: no timer takes the case back any more.
    expect(await h.scheduler.claimDue(T0 + 60 * MIN, 10, 1000)).toEqual([]);
  });

  it("refuses to send nothing, or to a case nobody holds", async () => {
    const h = await withCase();
    expectRefused(await h.desk.message(OPERATOR, ID, "halo"), "not_claimed");
    expectOk(await h.desk.claim(OPERATOR, ID));
    expectRefused(await h.desk.message(OPERATOR, ID, "   "), "empty");
    expect(h.person.said).toHaveLength(0);
  });

  it("says when the person cannot be reached, and audits the failed attempt", async () => {
    const h = await claimed();
    h.person.refuse = "unreachable";
    expectRefused(await h.desk.message(OPERATOR, ID, "halo"), "unreachable");
    const c = await h.store.get(ID);
    expect(lastAudit(c)).toMatchObject({ action: "reply_failed", detail: "unreachable" });
    expect(c?.firstReplyAt).toBeUndefined();
  });

  it("does not write to someone who has been silent longer than the bot may write", async () => {
    const h = await claimed();
    expectOk(await h.desk.message(OPERATOR, ID, "Masih di sana?"));
    h.person.refuse = "window_closed";
    expectRefused(await h.desk.message(OPERATOR, ID, "Halo?"), "window_closed");
    expectRefused(await h.desk.sendSteps(OPERATOR, ID), "window_closed");
    expect(h.person.said.map((s) => s.text)).toEqual(["Masih di sana?"]);
  });

  it("after the window, sends the platform's neutral invitation instead, never the words", async () => {
    const h = deskHarness();
    h.person.refuse = "window_closed";
    const invited: string[] = [];
    h.person.reachOut = async (conversation) => {
      invited.push(conversation);
      return "template_sent";
    };
    await h.intake.escalate(PERSON_KEY, escalateEffect());
    expectOk(await h.desk.claim(OPERATOR, ID));
    h.clock.advance(25 * 60 * MIN);
    expectRefused(await h.desk.message(OPERATOR, ID, "Halo?"), "template_sent");
    expect(invited).toEqual([PERSON_KEY]);
    expect(h.person.said).toEqual([]);
    expect(lastAudit(await h.store.get(ID))).toMatchObject({
      by: OPERATOR,
      action: "template_sent",
    });
  });

  it("sends the embassy steps through the engine, audited", async () => {
    const h = await claimed();
    expectOk(await h.desk.sendSteps(OPERATOR, ID));
    expect(h.person.events.at(-1)).toEqual({ conversation: PERSON_KEY, event: "steps" });
    expect(lastAudit(await h.store.get(ID))).toMatchObject({ by: OPERATOR, action: "steps_sent" });
    expectRefused(await (await withCase()).desk.sendSteps(OPERATOR, ID), "not_claimed");
  });
});

describe("closing and handing back", () => {
  it("closes with an outcome: the person is told, the timer goes", async () => {
    const h = await claimed();
    const c = expectOk(await h.desk.close(OPERATOR, ID, "reached_embassy"));
    expect(c).toMatchObject({ status: "closed", outcome: "reached_embassy" });
    expect(lastAudit(c)).toMatchObject({
      by: OPERATOR,
      action: "closed",
      detail: "reached_embassy",
    });
    expect(h.person.events.at(-1)).toEqual({ conversation: PERSON_KEY, event: "closed" });
    expect(await h.scheduler.claimDue(T0 + 600 * MIN, 10, 1000)).toEqual([]);
  });

  it("hands back to the bot: the case closes, the engine hears `left`", async () => {
    const h = await claimed();
    const c = expectOk(await h.desk.handBack(OPERATOR, ID));
    expect(c).toMatchObject({ status: "closed", outcome: "other" });
    expect(c.audit.slice(-2).map((a) => a.action)).toEqual(["closed", "handed_back"]);
    expect(h.person.events.at(-1)).toEqual({ conversation: PERSON_KEY, event: "left" });
    expect(await h.scheduler.claimDue(T0 + 600 * MIN, 10, 1000)).toEqual([]);
  });

  it("takes a person's message that races the close without reopening anything", async () => {
    const h = await claimed();
    const relay = {
      type: "relay" as const,
      caseRef: ID,
      inbound: { kind: "text" as const, text: "tunggu" },
    };
    await Promise.all([h.desk.close(OPERATOR, ID, "safe"), h.intake.relay(PERSON_KEY, relay)]);
    await h.intake.relay(PERSON_KEY, relay);
    const c = await h.store.get(ID);
    expect(c?.status).toBe("closed");
    const shown = h.board.of("personMessage");
    expect(shown.at(-1)).toMatchObject({ afterClose: true });
  });
});

describe("relays, notes, views and lists", () => {
  it("shows what the person wrote in their case", async () => {
    const h = await claimed();
    h.clock.advance(MIN);
    await h.intake.relay(PERSON_KEY, {
      type: "relay",
      caseRef: ID,
      inbound: { kind: "media", media: "photo", origin: "77" },
    });
    expect((await h.store.get(ID))?.lastPersonMessageAt).toBe(T0 + 2 * MIN);
    expect(h.board.calls.at(-1)).toEqual({
      method: "personMessage",
      id: ID,
      inbound: { kind: "media", media: "photo", origin: "77" },
      afterClose: false,
    });
  });

  it("drops a message for a case that does not exist", async () => {
    const h = deskHarness();
    await h.intake.relay(PERSON_KEY, {
      type: "relay",
      caseRef: "GONE-1",
      inbound: { kind: "text", text: "x" },
    });
    expect(h.board.calls).toEqual([]);
  });

  it("keeps notes, audited; refuses empty ones", async () => {
    const h = await withCase();
    const c = expectOk(await h.desk.note(OTHER, ID, "  called the shelter  "));
    expect(c.notes).toEqual([{ at: T0, by: OTHER, text: "called the shelter" }]);
    expect(lastAudit(c)).toMatchObject({ by: OTHER, action: "note" });
    expectRefused(await h.desk.note(OTHER, ID, " "), "empty");
    expectRefused(await h.desk.note(OTHER, "NOPE-1", "x"), "not_found");
  });

  it("audits who looked at a case", async () => {
    const h = await withCase();
    const c = expectOk(await h.desk.view(OTHER, ID));
    expect(lastAudit(c)).toMatchObject({ by: OTHER, action: "viewed" });
    expectRefused(await h.desk.view(OTHER, "NOPE-1"), "not_found");
  });

  it("lists the queue, one's own cases and today's numbers", async () => {
    const h = await claimed();
    await h.intake.escalate("tg:5", escalateEffect({ caseRef: "SECND-00002", priority: "P3" }));
    const queue = await h.desk.queue(OTHER);
    expect(queue.ok && queue.cases.map((c) => c.id)).toEqual([ID, "SECND-00002"]);
    const mine = await h.desk.mine(OPERATOR);
    expect(mine.ok && mine.cases.map((c) => c.id)).toEqual([ID]);
    const stats = await h.desk.stats(SUPERVISOR);
    expect(stats.ok && stats.stats).toMatchObject({
      created: 2,
      claimed: 1,
      medianSecondsToClaim: 60,
    });
  });

  it("erases: the case becomes a stub, its topic goes, its timer stops", async () => {
    const h = await withCase();
    await h.store.setTopic(ID, 55);
    await h.intake.erase(PERSON_KEY, { type: "erase", caseRef: ID });
    const c = await h.store.get(ID);
    expect(c).toMatchObject({ erased: true, status: "closed" });
    expect(c?.conversation).toBeUndefined();
    expect(h.board.calls.at(-1)).toEqual({ method: "remove", id: ID, topic: 55 });
    expect(await h.scheduler.claimDue(T0 + 600 * MIN, 10, 1000)).toEqual([]);
    // A late message or escalation brings nothing back.
    await h.intake.relay(PERSON_KEY, {
      type: "relay",
      caseRef: ID,
      inbound: { kind: "text", text: "x" },
    });
    await h.intake.escalate(PERSON_KEY, escalateEffect());
    expect((await h.store.get(ID))?.erased).toBe(true);
    expect(h.board.of("personMessage")).toEqual([]);
  });
});
