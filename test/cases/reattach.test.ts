/**
 * Finding a case again from another account: the right code and the person's own word ask
 * operators to confirm, and move nothing; anything else says the same "does not match",
 * and guessing gets locked out. The word is kept only as an Argon2 hash.
 */
import { describe, expect, it } from "vitest";
import { MemoryCaseCodes } from "../../src/cases/case-codes.js";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import { MAX_CODE_FAILURES, ReattachService, withCaseCodes } from "../../src/cases/reattach.js";
import type { Effect, Inbound } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";

const CODE = "ABC1-EFGH-JKMN-PQR0";

async function setup(word?: string) {
  const cases = new MemoryCaseStore();
  const codes = new MemoryCaseCodes();
  const told: { key: string; inbound: Inbound }[] = [];
  const requested: string[] = [];
  const passedOn: Effect[] = [];
  const checker = new ReattachService({
    codes,
    cases,
    onRequested: async (c) => {
      requested.push(c.id);
    },
    log: createLogger("silent"),
    now: () => 5_000,
  });
  const desk = withCaseCodes(
    {
      escalate: async (key, e) => {
        passedOn.push(e);
        if (e.type !== "escalate") return undefined;
        await cases.upsert({
          caseRef: e.caseRef,
          conversation: key,
          channel: "tg",
          kind: "help",
          priority: e.priority,
          reasons: e.reasons,
          summary: e.summary,
          lang: "id",
          now: 1_000,
        });
        return undefined;
      },
      relay: async () => undefined,
      erase: async () => {},
    },
    codes,
  );
  await desk.escalate("tg:1", {
    type: "escalate",
    caseRef: "C1",
    priority: "P1",
    reasons: ["immediate_danger"],
    summary: { flow: "help", lang: "id", answers: {}, place: { id: "poipet", country: "KH" } },
    code: CODE,
    ...(word ? { word } : {}),
  });
  // What the engine is told of each check, in order.
  const service = {
    async reattach(key: string, effect: Extract<Effect, { type: "reattach" }>) {
      told.push({ key, inbound: await checker.reattach(key, effect) });
    },
  };
  return { cases, codes, service, told, requested, passedOn };
}

describe("the person's word at handoff", () => {
  it("is kept only as an Argon2 hash, and goes no further than the code", async () => {
    const { codes, passedOn } = await setup("melati biru");
    const kept = await codes.word(CODE);
    expect(kept).toMatch(/^\$argon2id\$/);
    expect(kept).not.toContain("melati");
    expect(JSON.stringify(passedOn)).not.toContain("melati");
  });
});

describe("reattaching with a case code", () => {
  it("with the right word, asks operators to confirm and moves nothing yet", async () => {
    const { cases, service, told, requested } = await setup("melati biru");
    await service.reattach("wa:+6281234567890", {
      type: "reattach",
      code: CODE,
      answer: "Melati  Biru!",
    });
    expect(told).toEqual([
      { key: "wa:+6281234567890", inbound: { kind: "system", event: "reattach_pending" } },
    ]);
    const c = await cases.get("C1");
    expect(c?.conversation).toBe("tg:1");
    expect(c?.pendingReattach).toEqual({
      conversation: "wa:+6281234567890",
      channel: "wa",
      at: 5_000,
      word: true,
    });
    expect(c?.audit.at(-1)).toMatchObject({ by: "person", action: "reattach_requested" });
    expect(requested).toEqual(["C1"]);
  });

  it("the place the person was in, which a captor knows, is refused", async () => {
    const { cases, service, told } = await setup("melati biru");
    await service.reattach("tg:3", { type: "reattach", code: CODE, answer: "Poipet" });
    expect(told).toEqual([{ key: "tg:3", inbound: { kind: "system", event: "reattach_failed" } }]);
    expect((await cases.get("C1"))?.pendingReattach).toBeUndefined();
  });

  it("a case with no word chosen still goes to operators, who are told so", async () => {
    const { cases, service, told } = await setup();
    await service.reattach("tg:5", { type: "reattach", code: CODE, answer: "tidak ada" });
    expect(told[0]?.inbound).toEqual({ kind: "system", event: "reattach_pending" });
    expect((await cases.get("C1"))?.pendingReattach?.word).toBe(false);
  });

  it.each([
    ["a wrong word", CODE, "mawar merah"],
    ["an unknown code", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "melati biru"],
  ])("refuses %s the same way, and changes nothing", async (_what, code, answer) => {
    const { cases, service, told } = await setup("melati biru");
    await service.reattach("tg:3", { type: "reattach", code, answer });
    expect(told).toEqual([{ key: "tg:3", inbound: { kind: "system", event: "reattach_failed" } }]);
    expect((await cases.get("C1"))?.conversation).toBe("tg:1");
    expect((await cases.get("C1"))?.pendingReattach).toBeUndefined();
  });

  it("locks a code after repeated wrong words, even for the right one", async () => {
    const { service, told } = await setup("melati biru");
    for (let i = 0; i < MAX_CODE_FAILURES; i++) {
      await service.reattach("tg:4", { type: "reattach", code: CODE, answer: "Bavet" });
    }
    await service.reattach("tg:4", { type: "reattach", code: CODE, answer: "melati biru" });
    expect(told.at(-1)?.inbound).toMatchObject({ event: "reattach_failed" });
  });
});
