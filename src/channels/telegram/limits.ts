/**
 * Telegram's limits on what flows ask, measured on the rendered messages: a button's
 * callback data (`c|<step>|<option>`) may hold at most 64 bytes, or Telegram refuses
 * the whole message.
 */
import type { LimitProblem, Question } from "../limits.js";
import { decodeChoice, MAX_CALLBACK_BYTES } from "./callback-data.js";
import { renderReplies } from "./render.js";

/** Every button of `question` whose data Telegram would refuse. */
export function telegramLimitProblems(question: Question): LimitProblem[] {
  const problems: LimitProblem[] = [];
  for (const message of renderReplies([question])) {
    const markup = message.reply_markup;
    if (!markup || !("inline_keyboard" in markup)) continue;
    for (const button of markup.inline_keyboard.flat()) {
      const data = "callback_data" in button ? button.callback_data : undefined;
      if (data === undefined) continue;
      const bytes = Buffer.byteLength(data);
      if (bytes <= MAX_CALLBACK_BYTES) continue;
      problems.push({
        subject: { kind: "id", button: decodeChoice(data)?.option ?? data },
        message: `Telegram allows ${MAX_CALLBACK_BYTES} bytes of button data; "${data}" has ${bytes}: shorten the step id or the option id`,
      });
    }
  }
  return problems;
}
