/**
 * kill -9 between an operator's words being saved and their delivery: the service process
 * dies while Telegram is not taking messages to the person; after the restart the words
 * reach the person, once, even when Telegram delivers the operator's update again.
 */
import type { Message } from "grammy/types";
import { afterAll, describe, expect, it } from "vitest";
import type { BotProcess } from "../../bench/lib/bots.js";
import {
  callbackUpdate,
  groupTextUpdate,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { crashLines, eventually, openEnvironment, postUpdate, startService } from "./harness.js";

const GROUP = -1_001_777_000_001;
const OPERATOR = 5151;
const PERSON = 4_400_000_001;
const OPERATORS = {
  OPERATOR_CHAT_ID: String(GROUP),
  OPERATOR_IDS: String(OPERATOR),
  OPERATOR_LANGUAGE: "en",
  TELEGRAM_GROUP_PER_MINUTE: "10000",
};
/** What the service's start-up recovery waits for before taking an entry as abandoned. */
const ABANDONED_AFTER_MS = 5_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe("kill -9 between an operator's commit and its delivery", () => {
  it("delivers the operator's words after the restart, once", async () => {
    const { fake, setup } = await openEnvironment(cleanups);
    const lines: string[] = [];
    const first = (await startService(setup, lines, OPERATORS)).bot;
    cleanups.push(() => first.kill());
    const post = async (bot: BotProcess, update: unknown) =>
      expect(await postUpdate(bot.port, update)).toBe(200);

    // A person in danger at Poipet; their case's topic and card appear in the group.
    await post(first, textUpdate(PERSON, "halo", { languageCode: "id" }));
    await post(first, callbackUpdate(PERSON, "c|welcome.menu|help"));
    await post(first, callbackUpdate(PERSON, "c|help.safety|danger"));
    await post(first, locationUpdate(PERSON, 13.66, 102.56));
    const topic = await fake.waitFor((c) => c.method === "createForumTopic" && c.ok, 15_000);
    const caseId = /P1 · ([0-9A-Z]{5}-[0-9A-Z]{5})/.exec(String(topic.params.name))?.[1];
    expect(caseId).toBeDefined();
    await eventually(() => fake.sentTo(GROUP).some((m) => !!m.reply_markup), "the case card");
    const card = fake.sentTo(GROUP).find((m) => !!m.reply_markup) as Message;
    const thread = card.message_thread_id as number;

    // The operator claims, and the person hears a human joined.
    await post(first, callbackUpdate(GROUP, `o|claim|${caseId}`, card, { userId: OPERATOR }));
    await eventually(
      () => (fake.lastTextTo(PERSON) ?? "").includes("Halo, saya di sini"),
      "the person told a human joined",
    );

    // Telegram stops taking messages to the person; the operator writes; it is saved.
    fake.failNext("sendMessage", { chatId: PERSON, dropConnection: true, times: 1_000_000 });
    const words = "Halo, saya Rina dari tim. Kami segera hubungi KBRI.";
    const update = groupTextUpdate(GROUP, OPERATOR, words, thread);
    await post(first, update);
    const saved = Date.now();
    await fake.waitFor(
      (c) => c.method === "sendMessage" && Number(c.params.chat_id) === PERSON && !c.ok,
      15_000,
    );
    await first.kill();

    // Telegram is well again; the service comes back once the entry counts as abandoned.
    fake.clearFaults();
    await new Promise((r) =>
      setTimeout(r, Math.max(0, saved + ABANDONED_AFTER_MS + 500 - Date.now())),
    );
    const second = (await startService(setup, lines, OPERATORS)).bot;
    cleanups.push(() => second.stop());
    const received = () => fake.sentTo(PERSON).filter((m) => m.text === words).length;
    await eventually(() => received() > 0, "the operator's words reach the person", 30_000);

    // Telegram delivers the operator's update again (as it would had the crash come before
    // the answer): recognised, not sent again.
    await post(second, update);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(received()).toBe(1);
    expect(second.alive).toBe(true);
    expect(lines.join("\n")).not.toContain("Rina");
    expect(crashLines(lines.join("\n") + second.stderr.join(""))).toEqual([]);
  });
});
