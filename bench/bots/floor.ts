/**
 * The floor: a bare grammY webhook bot that answers every update with one message (a tap
 * is also answered with answerCallbackQuery, as any bot must) and keeps no session. No
 * Redis, no state: the least any bot on this path can do, so its throughput is the ceiling.
 */
import { Bot } from "grammy";
import { env, serve } from "./serve.js";

/** About the size of one of Pulang's questions, with three buttons. */
const TEXT = "Apakah kamu bisa terus memakai HP ini? Pilih salah satu jawaban di bawah ini.";
const KEYBOARD = {
  inline_keyboard: [
    [{ text: "Ya, kapan saja", callback_data: "c|help.phone|anytime" }],
    [{ text: "Hanya kadang-kadang", callback_data: "c|help.phone|sometimes" }],
    [{ text: "HP bisa diambil", callback_data: "c|help.phone|at_risk" }],
  ],
};

const bot = new Bot(env("TELEGRAM_BOT_TOKEN"), {
  client: { apiRoot: env("TELEGRAM_API_ROOT") },
});
bot.on("callback_query", async (ctx) => {
  await Promise.all([ctx.answerCallbackQuery(), ctx.reply(TEXT, { reply_markup: KEYBOARD })]);
});
bot.on("message", (ctx) => ctx.reply(TEXT, { reply_markup: KEYBOARD }));

await serve("floor", bot);
