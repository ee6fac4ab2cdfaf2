/**
 * What a channel says about a question that will not fit its limits, for the content
 * check (`npm run flows:check`, start-up). Each channel measures its own rendering, so
 * the check and what is sent cannot drift apart.
 */
import type { Effect } from "../engine/types.js";

/** A question as the engine asks it: a reply with a step and (usually) buttons. */
export type Question = Extract<Effect, { type: "reply" }>;

/** What is over a limit, and by how much, in words a content editor can act on. */
export interface LimitProblem {
  /**
   * `text`: the question's text; `label`/`id`: one button (by option id);
   * `word`: a text the channel adds itself (its locale key).
   */
  subject:
    | { kind: "text" }
    | { kind: "label" | "id"; button: string }
    | { kind: "word"; key: string };
  /** Says what is allowed, e.g. `Telegram allows 64 bytes of button data; "c|…" has 70`. */
  message: string;
}
