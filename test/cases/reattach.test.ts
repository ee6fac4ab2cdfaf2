/**
 * Finding a case again from another account: the right code and the right answer move
 * the case; anything else says the same "does not match", and guessing gets locked out.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MemoryCaseCodes } from "../../src/cases/case-codes.js";
import { MemoryCaseStore } from "../../src/cases/memory-case-store.js";
import { MAX_CODE_FAILURES, ReattachService, withCaseCodes } from "../../src/cases/reattach.js";
import type { Bundle, Effect, Inbound } from "../../src/engine/types.js";
import { createLogger } from "../../src/log.js";
import { realBundle } from "../helpers/content.js";

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const CODE = "ABC1-EFGH-JKMN-PQR0";

async function setup(place: { id?: string; country?: string; text?: string }) {
  const cases = new MemoryCaseStore();
  const codes = new MemoryCaseCodes();
  const told: { key: string; inbound: Inbound }[] = [];
  const reattached: string[] = [];
  const checker = new ReattachService({
    codes,
    cases,
    directory: bundle.directory,
    onReattached: async (c) => {
      reattached.push(c.id);
    },
    log: createLogger("silent"),
    now: () => 5_000,
  });
  const desk = withCaseCodes(
    {
      escalate: async (key, e) => {
        if (e.type !== "escalate") return;
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
      },
      relay: async () => {},
      erase: async () => {},
    },
    codes,
  );
  await desk.escalate("tg:1", {
    type: "escalate",
    caseRef: "C1",
    priority: "P1",
    reasons: ["immediate_danger"],
    summary: { flow: "help", lang: "id", answers: {}, place },
    code: CODE,
  });
  // What the engine is told of each check, in order.
  const service = {
    async reattach(key: string, effect: Extract<Effect, { type: "reattach" }>) {
      told.push({ key, inbound: await checker.reattach(key, effect) });
    },
  };
  return { cases, codes, service, told, reattached };
}

describe("reattaching with a case code", () => {
  it("moves the case to the new account when the place matches", async () => {
    const { cases, service, told, reattached } = await setup({ id: "poipet", country: "KH" });
    await service.reattach("wa:+6281234567890", {
      type: "reattach",
      code: CODE,
      answer: "poipet kamboja",
    });
    expect(told).toEqual([
      { key: "wa:+6281234567890", inbound: { kind: "system", event: "reattached", caseRef: "C1" } },
    ]);
    const c = await cases.get("C1");
    expect(c).toMatchObject({ conversation: "wa:+6281234567890", channel: "wa", reattached: true });
    expect(c?.audit.at(-1)).toMatchObject({ by: "person", action: "reattached" });
    expect(reattached).toEqual(["C1"]);
  });

  it("accepts the same words when the place was typed and not found", async () => {
    const { service, told } = await setup({ text: "gedung biru dekat sungai" });
    await service.reattach("tg:2", {
      type: "reattach",
      code: CODE,
      answer: "Gedung biru, dekat sungai",
    });
    expect(told[0]?.inbound).toMatchObject({ event: "reattached" });
  });

  it.each([
    ["a wrong place", CODE, "Bavet"],
    ["an unknown code", "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "Poipet"],
  ])("refuses %s the same way, and changes nothing", async (_what, code, answer) => {
    const { cases, service, told } = await setup({ id: "poipet", country: "KH" });
    await service.reattach("tg:3", { type: "reattach", code, answer });
    expect(told).toEqual([{ key: "tg:3", inbound: { kind: "system", event: "reattach_failed" } }]);
    expect((await cases.get("C1"))?.conversation).toBe("tg:1");
  });

  it("locks a code after repeated wrong answers, even for the right one", async () => {
    const { service, told } = await setup({ id: "poipet", country: "KH" });
    for (let i = 0; i < MAX_CODE_FAILURES; i++) {
      await service.reattach("tg:4", { type: "reattach", code: CODE, answer: "Bavet" });
    }
    await service.reattach("tg:4", { type: "reattach", code: CODE, answer: "Poipet" });
    expect(told.at(-1)?.inbound).toMatchObject({ event: "reattach_failed" });
  });
});
