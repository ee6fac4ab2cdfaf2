/**
 * No message is longer than `safety.max_message_chars` (500) in any language: measured on
 * what a person would get (contacts for every place included), refused where content is
 * checked (start-up, `npm run flows:check`), with the file and the field to shorten.
 */
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createConfig } from "../../src/config.js";
import { loadDirectory } from "../../src/directory/load.js";
import { emergencyText } from "../../src/engine/intents.js";
import { missionSteps } from "../../src/engine/operator.js";
import { newSession } from "../../src/engine/session.js";
import { waitingText } from "../../src/engine/step.js";
import { STEP_KINDS } from "../../src/engine/steps/index.js";
import { packMessages, Turn } from "../../src/engine/turn.js";
import type { Bundle } from "../../src/engine/types.js";
import {
  copyContent,
  edit,
  problemsOf,
  realBundle,
  removeContentCopies,
} from "../helpers/content.js";

afterEach(removeContentCopies);

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const MAX = 500;

/** Every place and country the directory knows, and nowhere. */
function everywhere(): ({ id?: string; country: string } | undefined)[] {
  const data = loadDirectory(createConfig({}).paths.directory);
  return [
    undefined,
    ...data.countries.map((c) => ({ country: c.code })),
    ...data.places.map((p) => ({ id: p.id, country: p.country })),
  ];
}

describe("the longest message", () => {
  it("is 500 characters, set in flows/global.yaml", () => {
    expect(bundle.flows.global.safety.max_message_chars).toBe(MAX);
  });

  it("holds for every text the engine can send, in every language, wherever the person is", () => {
    const tooLong: string[] = [];
    const check = (what: string, texts: readonly string[]) => {
      for (const t of texts) if (t.length > MAX) tooLong.push(`${what}: ${t.length}`);
    };
    for (const lng of bundle.texts.languages) {
      for (const place of everywhere()) {
        for (const reasons of [["immediate_danger"], ["not_safe"], []]) {
          for (const flow of [undefined, "family"]) {
            const turn = () => {
              const s = newSession(0, lng);
              if (flow) s.flow = flow;
              s.reasons = reasons;
              s.code = "ABC2-EFGH-JKR";
              if (place) s.place = { ...place, via: "answer" };
              return new Turn(bundle, s, { now: 0, ids: () => "7QX9M-2PAKD" });
            };
            const where = `${lng} ${place?.id ?? place?.country ?? "-"} ${reasons} ${flow}`;
            check(`emergency ${where}`, packMessages(emergencyText(turn()), MAX));
            check(
              `waiting ${where}`,
              packMessages(waitingText(turn(), { kind: "media", media: "x" }), MAX),
            );
            check(`steps ${where}`, packMessages(missionSteps(turn()), MAX));
            for (const step of bundle.flows.steps.values()) {
              if (step.def.kind !== "say" && place !== undefined) continue;
              const t = turn();
              t.s.resume = step.ref;
              STEP_KINDS[step.def.kind].enter(t, step);
              check(
                `${step.ref} ${where}`,
                t.effects.flatMap((e) => (e.type === "reply" ? [e.text] : [])),
              );
            }
          }
        }
      }
    }
    expect(tooLong).toEqual([]);
  });

  it("refuses a text over the limit, naming the file and the key", () => {
    const paths = copyContent();
    const long = `Layanan KBRI gratis. ${"Ini kalimat yang terlalu panjang. ".repeat(15)}`.trim();
    edit(
      join(paths.locales, "id/answers.json"),
      '"Layanan KBRI gratis.',
      JSON.stringify(long).slice(0, -1),
    );
    expect(problemsOf(paths)).toMatch(
      /id\/answers\.json › cost: in id: a message of \d+ characters; a message holds at most 500 \(safety\.max_message_chars in flows\/global\.yaml\)/,
    );
  });

  it("measures contacts with the text before them, per place, and names the step", () => {
    const paths = copyContent();
    edit(join(paths.flows, "global.yaml"), "max_message_chars: 500", "max_message_chars: 300");
    const problems = problemsOf(paths);
    expect(problems).toMatch(
      /family\.yaml › steps\.mission\.text: in en for (KH|phnom_penh|\w+) \(family:channels\.mission\): a message of \d+ characters; a message holds at most 300/,
    );
  });

  it("splits a step's texts and contacts into as many messages as they need", () => {
    expect(packMessages(["a".repeat(300), "b".repeat(150), "c".repeat(100)], 500)).toEqual([
      `${"a".repeat(300)}\n\n${"b".repeat(150)}`,
      "c".repeat(100),
    ]);
  });
});
