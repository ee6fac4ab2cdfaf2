/**
 * One turn of the conversation: the session being changed and the effects collected,
 * with the small helpers every step kind uses to speak and to record what it learned.
 */
import type { Reading } from "../understanding/index.js";
import type { CompiledStep } from "./flow-model.js";
import type { Session } from "./session.js";
import { priorityOf } from "./triage.js";
import type {
  AnswerValue,
  Bundle,
  Button,
  CaseSummary,
  Effect,
  Lang,
  Priority,
  StepContext,
} from "./types.js";

/** Messages longer than this are cut before being stored as an answer. */
export const MAX_STORED_TEXT = 500;

/** `{{name}}` in a text. */
const PLACEHOLDER = /\{\{(\w+)\}\}/g;

export class Turn {
  readonly effects: Effect[] = [];
  /** Reasons held before this turn; an open case is updated when they change. */
  readonly reasonsBefore: readonly string[];
  /** Where the person was known to be before this turn; an open case is updated when it changes. */
  readonly placeBefore: string;

  constructor(
    readonly bundle: Bundle,
    readonly s: Session,
    readonly ctx: StepContext,
  ) {
    this.reasonsBefore = [...s.reasons];
    this.placeBefore = placeKey(s);
  }

  #read: { text: string; reading: Reading } | undefined;

  /** What `text` says, read once per message. */
  read(text: string): Reading {
    if (this.#read?.text !== text)
      this.#read = { text, reading: this.bundle.understanding.read(text) };
    return this.#read.reading;
  }

  /**
   * Set when the message might mean danger: if it answers nothing, the person is asked
   * whether they are in danger instead of being told it was not understood.
   */
  unsure = false;

  /** The language to speak: the person's, or the first configured one until known. */
  get lang(): Lang {
    return this.s.lang ?? (this.bundle.texts.languages[0] as Lang);
  }

  /**
   * Set when this message speaks of someone else (a family's first message): it is
   * answered as a family is, with "Anda".
   */
  aboutRelative = false;

  /**
   * Whether the person is a family reporting a relative (a flow in
   * `understanding.about_someone_else_in`, or a first message about a relative): texts
   * with a `_family` variant are read in that variant, which says "Anda".
   */
  get family(): boolean {
    const flow = this.s.flow;
    const flows = this.bundle.flows.global.understanding.about_someone_else_in;
    return this.aboutRelative || (flow !== undefined && flows.includes(flow));
  }

  /**
   * The text `key` in the person's language and register. Placeholders the caller does
   * not fill are filled from what the conversation knows: `{{code}}` (the case code),
   * `{{ref}}` (the case or report number), `{{time}}` (how soon operators aim to answer
   * at this priority) and `{{wait}}` (what happens next, from `common:wait.<priority>`).
   */
  t(key: string, vars?: Record<string, string | number>): string {
    const texts = this.bundle.texts;
    const variant = `${key}_family`;
    const k = this.family && texts.has(this.lang, variant) ? variant : key;
    const text = texts.t(this.lang, k, vars);
    if (!text.includes("{{")) return text;
    const known: Record<string, string | number> = {};
    for (const [, name] of text.matchAll(PLACEHOLDER)) {
      const value = this.#placeholder(name as string);
      if (value !== undefined) known[name as string] = value;
    }
    return texts.t(this.lang, k, { ...known, ...vars });
  }

  #placeholder(name: string): string | undefined {
    switch (name) {
      case "code":
        return this.s.code ?? "";
      case "ref":
        return this.s.caseRef ?? "";
      case "time":
        return this.waitTime();
      case "wait":
        // Told once: messages while waiting are then acknowledged in a line.
        this.s.waitTold = true;
        return this.t(`common:wait.${this.priority}`);
      default:
        return undefined;
    }
  }

  /** How soon operators aim to answer at the current priority: "2 menit", "1 jam". */
  waitTime(): string {
    const minutes = this.bundle.waitMinutes[this.priority];
    return minutes < 60 || minutes % 60 !== 0
      ? this.bundle.texts.t(this.lang, "common:duration.minutes", { count: minutes })
      : this.bundle.texts.t(this.lang, "common:duration.hours", { count: minutes / 60 });
  }

  /** Directory facts (`mission`, `local_emergency`...) for where the person is, as text. */
  facts(blocks: readonly string[]): string[] {
    return blocks
      .map((b) => this.bundle.directory.render(this.lang, b, this.s.place))
      .filter((lines): lines is string => lines !== undefined);
  }

  /** Send a message. */
  reply(text: string, extra: Omit<Extract<Effect, { type: "reply" }>, "type" | "text"> = {}): void {
    this.effects.push({ type: "reply", text, ...extra });
  }

  /**
   * Send `parts` (texts and directory blocks, in order) in as few messages as fit the
   * longest message a person gets (`safety.max_message_chars`): parts are joined by a
   * blank line while they fit, and a part that does not fit starts a new message.
   */
  replyAll(parts: readonly string[]): void {
    for (const text of packMessages(parts, this.bundle.flows.global.safety.max_message_chars))
      this.reply(text);
  }

  /** Send a question with buttons that answer `step`. */
  ask(step: CompiledStep, text: string, buttons: Button[], request?: "location" | "contact"): void {
    const kind = step.def.kind;
    this.reply(text, {
      stepRef: step.ref,
      expects: kind === "ask" ? "text" : kind === "place" ? "place" : "choice",
      ...(buttons.length > 0 ? { buttons } : {}),
      ...(request
        ? { request: { kind: request, label: this.t(`common:button.share_${request}`) } }
        : {}),
    });
  }

  record(values: Readonly<Record<string, AnswerValue>> | undefined): void {
    if (values) Object.assign(this.s.answers, values);
  }

  /** Add a triage reason (once). */
  flag(reason: string | undefined): void {
    if (reason && !this.s.reasons.includes(reason)) this.s.reasons.push(reason);
  }

  get priority(): Priority {
    const triage = this.bundle.flows.global.triage;
    return priorityOf(this.s.reasons, triage.reasons, triage.default);
  }

  /** The case reference, created on first need. */
  caseRef(): string {
    this.s.caseRef ??= this.ctx.ids();
    return this.s.caseRef;
  }

  /** What the bot learned, for operators. `flow`: the flow that raised it, if any. */
  summary(flow?: string): CaseSummary {
    const { s, bundle } = this;
    const country = s.place?.country;
    const mission = bundle.directory.missionFor(country, s.place?.id);
    return {
      flow: flow ?? s.flow ?? null,
      lang: this.lang,
      answers: { ...s.answers },
      ...(s.place ? { place: { ...s.place } } : {}),
      ...(country ? { country } : {}),
      ...(mission ? { mission } : {}),
    };
  }

  /** Hand the conversation to operators (or update its open case). */
  escalate(flow?: string): void {
    const kind = flow ?? this.s.flow;
    // People in danger get a secret code to find their case from another account.
    if (
      this.s.code === undefined &&
      kind !== undefined &&
      !this.bundle.flows.global.safety.not_discreet_in.includes(kind)
    ) {
      this.s.code = (this.ctx.codes ?? this.ctx.ids)();
    }
    this.effects.push({
      type: "escalate",
      caseRef: this.caseRef(),
      priority: this.priority,
      reasons: [...this.s.reasons],
      summary: this.summary(flow),
      ...(this.s.code ? { code: this.s.code } : {}),
    });
  }

  /** Whether an escalation was already sent this turn. */
  get escalated(): boolean {
    return this.effects.some((e) => e.type === "escalate");
  }
}

/** Where a session knows the person is, as one comparable string ("" when unknown). */
export function placeKey(s: Session): string {
  const p = s.place;
  return p ? `${p.country ?? ""}|${p.id ?? ""}|${p.lat ?? ""}|${p.lon ?? ""}|${p.via ?? ""}` : "";
}

/**
 * Parts joined by a blank line into messages of at most `max` characters, in order. A part
 * longer than `max` on its own stays whole (the content check refuses such a part).
 *
 * @example packMessages(["Simpan kontak ini.", block], 500) // one message while it fits
 */
export function packMessages(parts: readonly string[], max: number): string[] {
  const out: string[] = [];
  let current = "";
  for (const part of parts) {
    if (part === "") continue;
    if (current === "") current = part;
    else if (current.length + 2 + part.length <= max) current = `${current}\n\n${part}`;
    else {
      out.push(current);
      current = part;
    }
  }
  if (current !== "") out.push(current);
  return out;
}
