/**
 * Golden transcripts: scripted conversations through every flow in both languages,
 * with the expectations a person would notice checked at each turn, and the whole
 * exchange kept in `test/transcripts/__golden__/` for review (update with `-u`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import type { Bundle, Effect } from "../../src/engine/types.js";
import { renderEffect } from "../../src/sim/render.js";
import { Chat } from "../helpers/chat.js";
import { realBundle } from "../helpers/content.js";

const DIR = join(import.meta.dirname, "../transcripts");

const expectSchema = z
  .object({
    at: z.string().nullable().optional(),
    says: z.union([z.string(), z.array(z.string())]).optional(),
    not_says: z.union([z.string(), z.array(z.string())]).optional(),
    escalate: z.enum(["P1", "P2", "P3"]).optional(),
    reasons: z.array(z.string()).optional(),
    report: z.boolean().optional(),
    erase: z.boolean().optional(),
    end: z.boolean().optional(),
    relay: z.boolean().optional(),
    lang: z.string().optional(),
  })
  .strict();

const turnSchema = z
  .object({
    say: z.string().optional(),
    tap: z.string().optional(),
    pin: z.tuple([z.number(), z.number()]).optional(),
    contact: z.string().optional(),
    start: z.string().nullable().optional(),
    media: z.string().optional(),
    expect: expectSchema.optional(),
  })
  .strict();

const scriptSchema = z
  .object({ name: z.string(), lang: z.string().optional(), turns: z.array(turnSchema).min(1) })
  .strict();

type Turn = z.infer<typeof turnSchema>;

let bundle: Bundle;
beforeAll(() => {
  bundle = realBundle();
});

const files = readdirSync(DIR).filter((f) => f.endsWith(".yaml"));

function send(chat: Chat, turn: Turn): { label: string; effects: Effect[] } {
  if (turn.say !== undefined) return { label: turn.say, effects: chat.say(turn.say) };
  if (turn.tap !== undefined) {
    const label = chat.question()?.buttons?.find((b) => b.id === turn.tap)?.label ?? turn.tap;
    return { label: `[tap] ${label}`, effects: chat.tap(turn.tap) };
  }
  if (turn.pin) return { label: `[pin] ${turn.pin.join(", ")}`, effects: chat.pin(...turn.pin) };
  if (turn.contact)
    return {
      label: `[contact] ${turn.contact}`,
      effects: chat.send({ kind: "contact", phone: turn.contact }),
    };
  if (turn.media)
    return { label: `[${turn.media}]`, effects: chat.send({ kind: "media", media: turn.media }) };
  if (turn.start !== undefined) {
    const inbound = turn.start
      ? { kind: "start" as const, payload: turn.start }
      : { kind: "start" as const };
    return { label: `/start ${turn.start ?? ""}`.trim(), effects: chat.send(inbound) };
  }
  throw new Error("a turn needs say, tap, pin, contact, media or start");
}

function check(chat: Chat, e: z.infer<typeof expectSchema>, where: string): void {
  if (e.at !== undefined) expect(chat.at ?? null, `${where}: at`).toBe(e.at);
  for (const s of [e.says ?? []].flat()) expect(chat.text, `${where}: says`).toContain(s);
  for (const s of [e.not_says ?? []].flat())
    expect(chat.text, `${where}: not_says`).not.toContain(s);
  if (e.escalate) expect(chat.of("escalate")[0]?.priority, `${where}: escalate`).toBe(e.escalate);
  for (const r of e.reasons ?? [])
    expect(chat.of("escalate")[0]?.reasons, `${where}: reasons`).toContain(r);
  if (e.report !== undefined)
    expect(chat.of("report").length > 0, `${where}: report`).toBe(e.report);
  if (e.erase !== undefined) expect(chat.of("erase").length > 0, `${where}: erase`).toBe(e.erase);
  if (e.end !== undefined) expect(chat.of("end").length > 0, `${where}: end`).toBe(e.end);
  if (e.relay !== undefined) expect(chat.of("relay").length > 0, `${where}: relay`).toBe(e.relay);
  if (e.lang) expect(chat.session?.lang, `${where}: lang`).toBe(e.lang);
}

describe("golden transcripts", () => {
  it("cover every flow in both languages", () => {
    const names = files.join(" ");
    for (const flow of ["welcome", "help", "family", "gotout", "erase"]) {
      for (const lang of ["id", "en"])
        expect(names, `${flow}.${lang}`).toContain(`${flow}.${lang}`);
    }
  });

  it.each(files)("%s", async (file) => {
    const script = scriptSchema.parse(parse(readFileSync(join(DIR, file), "utf8")));
    const chat = new Chat(bundle, script.lang);
    const lines = [`# ${script.name}`, ""];
    for (const [i, turn] of script.turns.entries()) {
      const { label, effects } = send(chat, turn);
      lines.push(`you> ${label}`);
      for (const effect of effects) lines.push(renderEffect(effect));
      lines.push("");
      if (turn.expect) check(chat, turn.expect, `${file} turn ${i + 1}`);
      expect(
        effects.some((ef) => ef.type === "error"),
        `${file} turn ${i + 1}: flow error`,
      ).toBe(false);
      for (const ef of effects)
        if (ef.type === "reply")
          expect(ef.text.length, `${file} turn ${i + 1}: message length`).toBeLessThanOrEqual(
            bundle.flows.global.safety.max_message_chars,
          );
    }
    await expect(lines.join("\n")).toMatchFileSnapshot(
      join(DIR, "__golden__", file.replace(/\.yaml$/, ".txt")),
    );
  });
});
