/**
 * Every step kind on a small flow of its own, including what the real flows do not use
 * (branch) and what validation would refuse (a loop), to prove the engine's own guards.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { STEP_LIMIT } from "../../src/engine/run.js";
import { STEP_KINDS } from "../../src/engine/steps/index.js";
import type { Bundle } from "../../src/engine/types.js";
import { compileFlows } from "../../src/flows/compile.js";
import type { FlowSources } from "../../src/flows/load.js";
import { flowSchema, type GlobalFile } from "../../src/flows/schema.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

let real: Bundle;
beforeAll(() => {
  real = realBundle();
});

/** A bundle whose only flow is `steps` (checked by the schema only, not cross-checked). */
function miniBundle(steps: Record<string, unknown>): Bundle {
  const flow = flowSchema.parse({ id: "mini", start: Object.keys(steps)[0], steps });
  const global: GlobalFile = {
    ...real.flows.global,
    start: "@mini",
    menu: "@mini",
    start_payloads: {},
    intents: {
      emergency: { flag: "emergency_word", next: "@mini", resume_in: [] },
      human: { flag: "asked_for_human" },
      erase: { next: "@mini" },
      language: { next: "@mini" },
    },
  };
  const sources: FlowSources = { dir: "mini", global, flows: [{ file: "mini.yaml", flow }] };
  return { ...real, flows: compileFlows(sources, real.texts, real.understanding) };
}

const ASK = { kind: "choice", text: "help:safety.question" };
const option = (id: string, next: string, extra: object = {}) => ({
  id,
  text: `help:safety.${id}`,
  next,
  ...extra,
});

const cases: Record<string, () => void> = {
  say() {
    const chat = new Chat(
      miniBundle({
        hello: {
          kind: "say",
          text: ["help:urgent", "help:directions.intro"],
          show: ["national"],
          next: "done",
        },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    expect(chat.text).toContain("Our team has been told");
    expect(chat.text).toContain("Here are the contacts for where you are");
    expect(chat.text).toContain("+62 812 9007 0027");
  },
  choice() {
    const chat = new Chat(
      miniBundle({
        q: { ...ASK, save: "s", options: [option("safe", "done", { set: { x: 1 } })] },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    chat.tap("safe");
    expect(chat.session?.answers).toEqual({});
    expect(chat.at).toBeUndefined();
  },
  ask() {
    const chat = new Chat(
      miniBundle({
        q: {
          kind: "ask",
          text: "help:people.question",
          save: "n",
          format: "number",
          min: 1,
          max: 9,
          next: "r",
        },
        r: { kind: "report", fields: ["n"], next: "done" },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    chat.say("4");
    expect(chat.of("report")[0]?.report).toEqual({ n: 4 });
  },
  place() {
    const chat = new Chat(
      miniBundle({
        p: { kind: "place", text: "help:place.question", next: "done" },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    expect(chat.question()).toMatchObject({
      request: { kind: "location", label: "📍 Share my location" },
      expects: "place",
    });
    chat.say("Bavet");
    expect(chat.session?.place).toMatchObject({ country: "KH" });
  },
  code() {
    const bundle = miniBundle({
      q: { ...ASK, options: [option("safe", "e"), option("danger", "c")] },
      e: { kind: "escalate", text: "help:handoff", next: "c" },
      c: { kind: "code", text: "privacy:code.show", none: "privacy:code.none", next: "done" },
      done: { kind: "end" },
    });
    const without = new Chat(bundle, "en");
    without.say("hi");
    without.tap("danger");
    expect(without.text).toContain("You don't have a code yet");
    const given = new Chat(bundle, "en");
    given.say("hi");
    given.tap("safe");
    expect(given.text).toContain("Your code: ABC2-EFGH-JKR");
  },
  language() {
    const chat = new Chat(
      miniBundle({
        l: { kind: "language", text: "common:language.question", next: "done" },
        done: { kind: "end", text: "gotout:done" },
      }),
    );
    chat.say("hi");
    chat.tap("en");
    expect(chat.text).toContain("We hope your journey home goes well.");
  },
  escalate() {
    const chat = new Chat(
      miniBundle({ e: { kind: "escalate", flag: "injured", text: "help:handoff" } }),
      "en",
    );
    chat.say("hi");
    expect(chat.of("escalate")[0]).toMatchObject({
      priority: "P1",
      reasons: ["injured"],
      caseRef: "CASE-1",
    });
    expect(chat.session?.waiting).toBe(true);
  },
  report() {
    const chat = new Chat(
      miniBundle({
        r: { kind: "report", text: "family:report.filed", fields: ["nothing"], next: "done" },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    expect(chat.text).toContain("Report number: CASE-1");
    expect(chat.of("report")[0]?.report).toEqual({});
  },
  branch() {
    const bundle = miniBundle({
      q: { ...ASK, save: "s", options: [option("safe", "b"), option("danger", "b")] },
      b: {
        kind: "branch",
        when: [
          { if: { s: "danger", country: ["KH", "MM"] }, next: "hot" },
          { if: { s: ["danger"] }, next: "warm" },
        ],
        else: "cold",
      },
      hot: { kind: "end", text: "help:urgent" },
      warm: { kind: "end", text: "help:handoff" },
      cold: { kind: "end", text: "gotout:done" },
    });
    const run = (answer: string, pin?: [number, number]) => {
      const chat = new Chat(bundle, "en");
      chat.say("hi");
      if (pin) chat.pin(...pin);
      chat.tap(answer);
      return chat.text;
    };
    expect(run("danger", [13.65, 102.567])).toContain("Our team has been told");
    expect(run("danger")).toContain("Our team will reply here");
    expect(run("safe", [13.65, 102.567])).toContain("We hope your journey home");
  },
  end() {
    const chat = new Chat(
      miniBundle({ e: { kind: "end", text: "gotout:done", handoff: true } }),
      "en",
    );
    chat.say("hi");
    expect(chat.session?.waiting).toBe(true);
  },
  secret_word() {
    const chat = new Chat(
      miniBundle({
        w: { kind: "secret_word", text: "privacy:exit_word.question", word: "exit", next: "done" },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    chat.say("one two three four");
    expect(chat.text).toContain("one to three words");
    chat.say("Mango Tree");
    expect(chat.session?.safety.exitWord).toBeDefined();
    chat.say("MANGO tree!");
    expect(chat.of("wipe")).toHaveLength(1);
  },
  checkin() {
    const chat = new Chat(
      miniBundle({
        q: { ...ASK, options: [option("safe", "c", { set: { in: 60, win: 15 } })] },
        c: { kind: "checkin", text: "checkin:set", in: "in", window: "win", next: "done" },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    chat.tap("safe");
    const [scheduled] = chat.of("schedule");
    expect(scheduled).toMatchObject({ job: "checkin" });
    expect(chat.text).toContain("We will write in 1 hours");
    expect(chat.session?.checkin).toMatchObject({ windowMin: 15, pinged: false });
  },
  reattach() {
    const chat = new Chat(
      miniBundle({
        a: { kind: "ask", text: "reattach:question", save: "ans", next: "r" },
        r: { kind: "reattach", answer: "ans", next: "done" },
        done: { kind: "end" },
      }),
      "en",
    );
    chat.say("hi");
    if (chat.session) chat.session.pendingCode = "ABC2-EFGH-JKR";
    chat.say("Poipet");
    expect(chat.of("reattach")[0]).toEqual({
      type: "reattach",
      code: "ABC2-EFGH-JKR",
      answer: "Poipet",
    });
  },
  erase() {
    const chat = new Chat(miniBundle({ e: { kind: "erase", text: "erase:done" } }), "en");
    chat.say("hi");
    expect(chat.of("erase")).toHaveLength(1);
    expect(chat.text).toContain("This conversation's data has been erased");
  },
};

describe("step kinds", () => {
  it("every registered kind has a case here", () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(STEP_KINDS).sort());
  });

  it.each(Object.keys(cases))("%s", (kind) => {
    cases[kind]?.();
  });
});

describe("guards against broken flow content", () => {
  it("stops a loop that never asks anything, with a kind reply and an error effect", () => {
    const chat = new Chat(
      miniBundle({
        a: { kind: "say", text: "help:urgent", next: "b" },
        b: { kind: "say", text: "help:urgent", next: "a" },
      }),
      "en",
    );
    chat.say("hi");
    const [error] = chat.of("error");
    expect(error).toMatchObject({ code: "step_limit" });
    expect(chat.of("reply")).toHaveLength(STEP_LIMIT + 1);
    expect(chat.text).toContain("something went wrong on our side");
    expect(chat.at).toBeUndefined();
  });
});
