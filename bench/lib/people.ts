/**
 * Simulated people: the updates each one sends, in the shapes Telegram sends them, and
 * what each update must bring back (every step of the help flow answers with exactly one
 * message; a tap is also answered with answerCallbackQuery). Shared by the benchmarks and
 * the fault tests; bot-independent, so the same updates drive Pulang, the grammY
 * conversations baseline and the floor.
 */
import type { Update } from "grammy/types";

/** One thing a person does. */
export type Move =
  | { kind: "text"; text: string }
  | { kind: "tap"; data: string }
  | { kind: "pin"; lat: number; lon: number };

/** A person: a chat id and the moves they make, in order. */
export interface Person {
  chatId: number;
  moves: Move[];
  /** Escalations this person's moves raise in our flow (each person has at most one case). */
  escalates: boolean;
  /** The help-flow step the conversation is at after the last move (`null`: finished). */
  endsAt: string | null;
}

const text = (t: string): Move => ({ kind: "text", text: t });
const tap = (data: string): Move => ({ kind: "tap", data });
const pin: Move = { kind: "pin", lat: 13.66, lon: 102.56 };

const SAFETY = ["danger", "unsafe", "safe"] as const;

/**
 * The help flow, 10 updates: hello, "I need help now", how safe (a third each in danger, not
 * safe, safe for now), a location pin, the phone question, how many people, injuries,
 * passport, consent (it brings the embassy's steps), and the case code's word, skipped (it
 * brings the handoff).
 */
export function helpFlow(i: number): Move[] {
  return [
    text("halo"),
    tap("c|welcome.menu|help"),
    tap(`c|help.safety|${SAFETY[i % 3]}`),
    pin,
    tap("c|help.phone|anytime"),
    text("3"),
    tap("c|help.injuries|none"),
    tap("c|help.passport|have"),
    tap("c|help.consent|no"),
    tap("c|help.keep_word|_skip"),
  ];
}

/**
 * A conversation still going after exactly `steps` updates (4 to 20), for how cost and
 * storage grow with length: the help flow's first four (hello, help, not safe, a pin), the
 * phone question, then answers the people question does not accept (it asks again), as
 * often as needed. No escalation: every conversation is mid-flow when measured.
 */
export function conversationOf(steps: number): Move[] {
  const moves = [
    text("halo"),
    tap("c|welcome.menu|help"),
    tap("c|help.safety|unsafe"),
    pin,
    tap("c|help.phone|anytime"),
  ];
  while (moves.length < steps) moves.push(text("1000000"));
  return moves.slice(0, steps);
}

/** `count` people running the help flow, chat ids from `firstChat`. */
export function helpPeople(count: number, firstChat: number): Person[] {
  return Array.from({ length: count }, (_, i) => ({
    chatId: firstChat + i,
    moves: helpFlow(i),
    escalates: true,
    endsAt: null,
  }));
}

/** `count` people each having a conversation of `steps` updates. */
export function peopleOf(count: number, steps: number, firstChat: number): Person[] {
  const moves = conversationOf(steps);
  const endsAt = steps === 4 ? "help.phone" : "help.people";
  return Array.from({ length: count }, (_, i) => ({
    chatId: firstChat + i,
    moves,
    escalates: false,
    endsAt,
  }));
}

/** Bot id and identity the updates' bot messages carry (matches the fake's token). */
export const BENCH_BOT = {
  id: 7_000_000_001,
  is_bot: true as const,
  first_name: "Pulang",
  username: "pulang_test_bot",
};

/** Makes updates with increasing update ids; one factory per run. */
export class UpdateMaker {
  #updateId: number;
  #callback = 0;
  /** Last message id per chat (the person's and the bot's share one sequence). */
  readonly #messageIds = new Map<number, number>();

  constructor(firstUpdateId = 100_000_000) {
    this.#updateId = firstUpdateId;
  }

  /** Note a message the bot sent, so later ids in that chat are higher. */
  noteBotMessage(chatId: number, messageId: number): void {
    if ((this.#messageIds.get(chatId) ?? 0) < messageId) this.#messageIds.set(chatId, messageId);
  }

  #nextMessageId(chatId: number): number {
    const id = (this.#messageIds.get(chatId) ?? 0) + 1;
    this.#messageIds.set(chatId, id);
    return id;
  }

  /** The update for `move` by the person in `chatId`; callback ids are unique per run. */
  make(chatId: number, move: Move): { update: Update; callbackId?: string } {
    const update_id = ++this.#updateId;
    const from = { id: chatId, is_bot: false, first_name: "Budi", language_code: "id" };
    const chat = { id: chatId, type: "private" as const, first_name: "Budi" };
    const date = Math.floor(Date.now() / 1000);
    if (move.kind === "tap") {
      const id = `${chatId}${String(++this.#callback).padStart(6, "0")}`;
      const message = {
        message_id: Math.max(1, this.#messageIds.get(chatId) ?? 1),
        from: BENCH_BOT,
        chat,
        date,
        text: "…",
      };
      return {
        update: {
          update_id,
          callback_query: { id, from, message, chat_instance: `ci${chatId}`, data: move.data },
        } as Update,
        callbackId: id,
      };
    }
    const base = { message_id: this.#nextMessageId(chatId), from, chat, date };
    const message =
      move.kind === "text"
        ? { ...base, text: move.text }
        : { ...base, location: { latitude: move.lat, longitude: move.lon } };
    return { update: { update_id, message } as Update };
  }
}
