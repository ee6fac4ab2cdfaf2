/**
 * WhatsApp's limits on what flows ask, measured on the rendered messages. The renderer
 * shortens a label that is too long and splits a question too long for buttons, so a
 * person would see "Saya tidak tahu di…" or a question cut from its buttons: the content
 * check refuses both before they ship.
 */
import type { LimitProblem, Question } from "../limits.js";
import { decodeChoiceId } from "./choice-id.js";
import {
  type OutboundMessage,
  type RenderWords,
  renderReplies,
  WHATSAPP_LIMITS,
} from "./render.js";

const L = WHATSAPP_LIMITS;

/** Every part of `question` that WhatsApp would refuse, or the renderer would cut. */
export function whatsappLimitProblems(question: Question, words: RenderWords): LimitProblem[] {
  const rendered = renderReplies([question], words);
  const labels = new Map((question.buttons ?? []).map((b) => [b.id, b.label]));
  const problems: LimitProblem[] = [];
  if (rendered.some((m) => m.type === "interactive") && question.text.length > L.interactiveBody) {
    problems.push({
      subject: { kind: "text" },
      message: `WhatsApp allows ${L.interactiveBody} characters in a message with buttons; this text has ${question.text.length} (it would be cut from its buttons)`,
    });
  }
  for (const message of rendered) problems.push(...messageProblems(message, labels, words));
  return problems;
}

/** One interactive message's ids, titles and the words the renderer added. */
function messageProblems(
  message: OutboundMessage,
  labels: ReadonlyMap<string, string>,
  words: RenderWords,
): LimitProblem[] {
  if (message.type !== "interactive") return [];
  const i = message.interactive;
  const problems: LimitProblem[] = [];
  // The renderer fits a question's own text; the words it adds are sent as they are.
  if (i.body.text === words.moreChoices && i.body.text.length > L.interactiveBody) {
    problems.push(wordProblem("whatsapp:more_choices", words.moreChoices, L.interactiveBody));
  }
  if (i.type === "button") {
    for (const { reply } of i.action.buttons) {
      problems.push(
        ...choiceProblems(reply.id, labels, {
          idMax: L.buttonId,
          titleMax: L.buttonTitle,
          shown: "on a reply button (questions with up to 3 options)",
        }),
      );
    }
  }
  if (i.type === "list") {
    for (const row of i.action.sections.flatMap((s) => s.rows)) {
      problems.push(
        ...choiceProblems(row.id, labels, {
          idMax: L.rowId,
          titleMax: L.rowTitle,
          shown: `in a list row (questions with 4 to ${L.listRows} options)`,
        }),
      );
    }
    if (words.choose.length > L.listButton) {
      problems.push(wordProblem("whatsapp:choose", words.choose, L.listButton));
    }
  }
  return problems;
}

/** A button's id as sent, and its label as written (the rendered title may be cut). */
function choiceProblems(
  id: string,
  labels: ReadonlyMap<string, string>,
  limit: { idMax: number; titleMax: number; shown: string },
): LimitProblem[] {
  const option = decodeChoiceId(id)?.option ?? id;
  const label = labels.get(option) ?? "";
  const problems: LimitProblem[] = [];
  if (label.length > limit.titleMax) {
    problems.push({
      subject: { kind: "label", button: option },
      message: `WhatsApp shows at most ${limit.titleMax} characters ${limit.shown}; "${label}" has ${counted(label)}`,
    });
  }
  if (id.length > limit.idMax) {
    problems.push({
      subject: { kind: "id", button: option },
      message: `WhatsApp allows ${limit.idMax} characters in a choice id; "${id}" has ${id.length}: shorten the step id or the option id`,
    });
  }
  return problems;
}

/**
 * A length as the renderer counts it (UTF-16 units, as JavaScript and, conservatively, the
 * limit do), saying so where an emoji makes that differ from what an editor counts.
 */
function counted(text: string): string {
  return [...text].length === text.length
    ? `${text.length}`
    : `${text.length} (an emoji counts as 2)`;
}

function wordProblem(key: string, text: string, max: number): LimitProblem {
  return {
    subject: { kind: "word", key },
    message: `WhatsApp allows ${max} characters here; "${text}" has ${counted(text)}`,
  };
}
