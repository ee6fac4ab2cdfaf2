/**
 * The baseline: the help flow built the usual way, with grammY, @grammyjs/conversations v2
 * (a conversation is a function that waits for updates; on every update the plugin replays
 * it from the start, from a log of past updates and API results kept in storage) and
 * @grammyjs/storage-redis. Same questions, texts, buttons (same callback data, so the same
 * updates drive it) and escalations (a case in Redis and a sorted-set queue) as Pulang,
 * without Pulang's engine, encryption, dedupe, outbox or pacing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from "@grammyjs/conversations";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { Bot, type Context } from "grammy";
import type { InlineKeyboardMarkup, ReplyKeyboardMarkup } from "grammy/types";
import { Redis } from "ioredis";
import { env, serve } from "./serve.js";

type Outer = ConversationFlavor<Context>;
type Convo = Conversation<Outer, Context>;

const LOCALES = join(import.meta.dirname, "../../locales/id");
const texts: Record<string, unknown> = Object.fromEntries(
  ["welcome", "help", "common"].map((ns) => [
    ns,
    JSON.parse(readFileSync(join(LOCALES, `${ns}.json`), "utf8")),
  ]),
);

/** `help:safety.question` from locales/id. */
function t(ref: string): string {
  const [ns, path] = ref.split(":") as [string, string];
  let node: unknown = texts[ns];
  for (const part of path.split(".")) node = (node as Record<string, unknown>)?.[part];
  if (typeof node !== "string") throw new Error(`no text ${ref}`);
  return node;
}

/** Buttons for a question: each option's label, data `c|<step>|<option>` (as Pulang's). */
function buttons(ns: string, step: string, options: string[]): InlineKeyboardMarkup {
  return {
    inline_keyboard: options.map((o) => [
      { text: t(`${ns}:${step.split(".")[1]}.${o}.label`), callback_data: `c|${step}|${o}` },
    ]),
  };
}

const MENU = buttons("welcome", "welcome.menu", ["help", "family", "gotout", "other"]);
const SAFETY = buttons("help", "help.safety", ["danger", "unsafe", "safe"]);
const PHONE = buttons("help", "help.phone", ["anytime", "sometimes", "at_risk"]);
const INJURIES = buttons("help", "help.injuries", ["none", "hurt", "sick"]);
const PASSPORT = buttons("help", "help.passport", ["have", "held", "lost", "unknown"]);
const CONSENT = buttons("help", "help.consent", ["yes", "no"]);
/** The case code's word, which the bench's people skip (as Pulang's flow offers). */
const KEEP_WORD: InlineKeyboardMarkup = {
  inline_keyboard: [[{ text: t("common:button.skip"), callback_data: "c|help.keep_word|_skip" }]],
};
const SHARE_LOCATION: ReplyKeyboardMarkup = {
  keyboard: [[{ text: t("common:button.share_location"), request_location: true }]],
  resize_keyboard: true,
  one_time_keyboard: true,
};
const MISSION =
  "KBRI Phnom Penh\nTelepon: +855 23 216 148\nDarurat WNI (WhatsApp): +855 12 813 282\nNo. 90, Preah Norodom Blvd, Phnom Penh\n\nPolisi setempat: 117";

const redis = new Redis(env("REDIS_URL"));
const prefix = env("REDIS_KEY_PREFIX");

/** A case for operators: the whole case as JSON, and its place in the open queue. */
async function escalate(
  caseId: string,
  chatId: number,
  priority: "P1" | "P2",
  answers: Record<string, unknown>,
): Promise<void> {
  const rank = priority === "P1" ? 1 : 2;
  await redis
    .multi()
    .hset(`${prefix}case:${caseId}`, "d", JSON.stringify({ caseId, chatId, priority, answers }))
    .zadd(`${prefix}cases:open`, rank * 1e13 + Date.now(), caseId)
    .exec();
}

/** Wait for a tap on one of `step`'s buttons and stop its spinner. */
async function tap(conversation: Convo, step: string) {
  const ctx = await conversation.waitForCallbackQuery(
    new RegExp(`^c\\|${step.replace(".", "\\.")}\\|`),
  );
  await ctx.answerCallbackQuery();
  return { ctx, option: (ctx.callbackQuery.data ?? "").split("|")[2] ?? "" };
}

async function help(conversation: Convo, ctx: Context): Promise<void> {
  const chatId = ctx.chat?.id ?? 0;
  const answers: Record<string, unknown> = {};
  await ctx.reply(`${t("welcome:intro")}\n\n${t("welcome:menu.question")}`, {
    reply_markup: MENU,
  });
  const menu = await tap(conversation, "welcome.menu");
  await menu.ctx.reply(t("help:safety.question"), { reply_markup: SAFETY });
  const safety = await tap(conversation, "help.safety");
  answers.safety = safety.option;
  const caseId = await conversation.external(() =>
    Math.floor(Math.random() * 36 ** 10)
      .toString(36)
      .toUpperCase(),
  );
  const danger = safety.option === "danger";
  if (danger) await conversation.external(() => escalate(caseId, chatId, "P1", answers));
  await safety.ctx.reply(
    danger ? `${t("help:urgent")}\n\n${t("help:place.question")}` : t("help:place.question"),
    { reply_markup: SHARE_LOCATION },
  );
  const place = await conversation.waitFor(["message:location", "message:text"]);
  answers.place = place.msg.location
    ? { lat: place.msg.location.latitude, lon: place.msg.location.longitude }
    : { text: place.msg.text };
  await place.reply(t("help:phone.question"), { reply_markup: PHONE });
  const phone = await tap(conversation, "help.phone");
  answers.phone = phone.option;
  await phone.ctx.reply(t("help:people.question"));
  for (;;) {
    const answer = await conversation.waitFor("message:text");
    const n = Number(answer.msg.text.trim());
    if (Number.isInteger(n) && n >= 1 && n <= 5000) {
      answers.people = n;
      await answer.reply(t("help:injuries.question"), { reply_markup: INJURIES });
      break;
    }
    await answer.reply(
      `${t("common:ask.number").replace("{{min}}", "1").replace("{{max}}", "5000")}\n\n${t("help:people.question")}`,
    );
  }
  const injuries = await tap(conversation, "help.injuries");
  answers.injuries = injuries.option;
  await injuries.ctx.reply(t("help:passport.question"), { reply_markup: PASSPORT });
  const passport = await tap(conversation, "help.passport");
  answers.passport = passport.option;
  await passport.ctx.reply(t("help:consent.question"), { reply_markup: CONSENT });
  const consent = await tap(conversation, "help.consent");
  answers.consent = consent.option;
  await consent.ctx.reply(
    `${t("help:directions.intro")}\n\n${MISSION}\n\n${t("help:keep_word.question")}`,
    { reply_markup: KEEP_WORD },
  );
  const word = await tap(conversation, "help.keep_word");
  await conversation.external(() => escalate(caseId, chatId, danger ? "P1" : "P2", answers));
  await word.ctx.reply(t("help:handoff").replace("{{code}}", caseId));
}

const bot = new Bot<Outer>(env("TELEGRAM_BOT_TOKEN"), {
  client: { apiRoot: env("TELEGRAM_API_ROOT") },
});
bot.use(
  conversations<Outer, Context>({
    storage: {
      type: "key",
      prefix: `${prefix}conv:`,
      adapter: new RedisAdapter({ instance: redis, ttl: 30 * 86_400 }),
    },
  }),
);
bot.use(createConversation(help, "help"));
bot.on("message", async (ctx) => {
  if (ctx.conversation.active("help") > 0) return;
  await ctx.conversation.enter("help");
});
bot.on("callback_query", (ctx) => ctx.answerCallbackQuery());

await serve("baseline", bot);
