/**
 * What operators read in the Telegram group, as pure functions of a case: topic titles,
 * the case card and its buttons, lines in a topic, announcements, lists and numbers. All
 * text is Telegram HTML with every value escaped; every word comes from
 * `locales/<lng>/operators.json` in the operators' language.
 *
 * What is never shown: a name or number in a topic title (titles show in notifications and
 * chat lists), the person's phone numbers unless they agreed to share them, and secret
 * answers (the word typed with a case code).
 */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from "grammy/types";
import { type Case, OUTCOMES, SYSTEM } from "../../cases/model.js";
import type { CaseStats } from "../../cases/store.js";
import { chunks, escapeHtml } from "../../channels/telegram/render.js";
import type { CompiledFlows } from "../../engine/flow-model.js";
import type { AnswerValue, Inbound, Priority, Texts } from "../../engine/types.js";
import type { BoardEvent } from "../desk.js";
import { type CardAction, encodeTap } from "./callback.js";

/** What a view needs to know: where it renders, in which language and time zone. */
export interface OperatorViewOptions {
  texts: Texts;
  flows: CompiledFlows;
  /** The operators' language (`config.operators.language`). */
  lang: string;
  /** The operators' supergroup, for links to topics. */
  chatId: number;
  timeZone: string;
  /** Mentioned by the loudest announcements. */
  supervisorIds: readonly string[];
  /** What operators read for an operator's stored name (`OperatorIds.label`). */
  operatorLabel?: (actor: string) => string;
}

const DOT: Record<Priority, string> = { P1: "🔴", P2: "🟠", P3: "🟡" };
/** Telegram's topic icon colours (the only six allowed): red, yellow, blue. */
export const TOPIC_COLOR = {
  P1: 16478047,
  P2: 16766590,
  P3: 7322096,
} as const satisfies Record<Priority, number>;
/** What the person typed is cut into parts this long (Telegram counts text after parsing). */
const PART = 4000;
/** Telegram's limits: topic names and callback answers. */
const MAX_TITLE = 128;
const MAX_ANSWER = 200;
/** Words that read better in capitals when an id is shown as a name. */
const ACRONYMS = new Set(["kbri", "kjri", "kk", "sez", "mds", "wni"]);

/** `kk_park` -> `KK Park`: ids are lowercase words joined by `_`. */
export function prettyId(id: string): string {
  return id
    .split(/[_\s]+/)
    .filter((w) => w.length > 0)
    .map((w) => (ACRONYMS.has(w) ? w.toUpperCase() : w[0]?.toUpperCase() + w.slice(1)))
    .join(" ");
}

/** The link that opens a topic of a supergroup (`-100123...` -> `t.me/c/123.../thread`). */
export function topicLink(chatId: number, threadId: number): string {
  return `https://t.me/c/${String(chatId).replace(/^-100/, "")}/${threadId}`;
}

/** See the file comment. */
export class OperatorView {
  readonly #o: OperatorViewOptions;
  /** Answer name -> option id -> text key of its label (from the flows' choice steps). */
  readonly #options = new Map<string, Map<string, string>>();
  /** Answers that hold phone numbers (`ask` steps with `format: phone`). */
  readonly #phones = new Set<string>();
  /** Answers that are secrets (the confirming answer of a case code). */
  readonly #secrets = new Set<string>();
  readonly #time: Intl.DateTimeFormat;

  constructor(o: OperatorViewOptions) {
    this.#o = o;
    this.#readFlows(o.flows);
    this.#time = new Intl.DateTimeFormat(o.lang, {
      timeZone: o.timeZone,
      dateStyle: "short",
      timeStyle: "short",
    });
  }

  /** A text in the operators' language (plain: escape before putting it in HTML). */
  t(key: string, vars?: Record<string, string | number>): string {
    return this.#o.texts.t(this.#o.lang, `operators:${key}`, vars);
  }

  // ---- Topics and cards ------------------------------------------------------------------

  /** `🔴 P1 · 7QX9M-2PAKD · Poipet`; `✅` instead of the dot once closed. */
  title(c: Case): string {
    const mark = c.status === "closed" ? "✅" : DOT[c.priority];
    return `${mark} ${c.priority} · ${c.id} · ${this.area(c)}`.slice(0, MAX_TITLE);
  }

  /** Where, as far as a title may say: the known place or the country, never typed text. */
  area(c: Case): string {
    const place = c.summary.place;
    if (place?.id) return prettyId(place.id);
    const country = place?.country ?? c.summary.country;
    return country ? this.country(country) : this.t("card.area_unknown");
  }

  /** The case card (HTML). */
  card(c: Case, now: number): string {
    const lines = [
      `${DOT[c.priority]} <b>${c.priority}</b> · <code>${escapeHtml(c.id)}</code> · ${this.#e(this.t(`kind.${c.kind}`))}`,
      this.#field("card.reasons", c.reasons.map((r) => this.reason(r)).join(", ") || "—"),
      this.#field("card.status", this.status(c)),
      ...(c.status === "closed"
        ? []
        : [
            this.#field(
              "card.waiting",
              this.t("card.since", {
                age: this.age(now - c.createdAt),
                since: this.clock(c.createdAt),
              }),
            ),
          ]),
      `${this.#field("card.channel", this.t(`channel.${c.channel}`))} · ${this.#field("card.language", this.language(c.lang))}`,
      ...this.#placeLines(c),
      ...(c.reattached && c.status !== "closed" ? [`<i>${this.#e(this.t("card.back"))}</i>`] : []),
      ...(c.erased ? [`<i>${this.#e(this.t("card.erased"))}</i>`] : []),
      "",
      `<b>${this.#e(this.t("card.answers"))}</b>`,
      ...this.#answerLines(c),
      ...(c.notes.length > 0 ? [this.#field("card.notes", String(c.notes.length))] : []),
    ];
    return lines.join("\n");
  }

  /** The card's buttons, or none once the case is closed. */
  keyboard(c: Case): InlineKeyboardMarkup | undefined {
    if (c.status === "closed") return undefined;
    const b = (action: CardAction): InlineKeyboardButton => ({
      text: this.t(`button.${action}`),
      callback_data: encodeTap(action, c.id),
    });
    return {
      inline_keyboard: [[b("claim"), b("release")], [b("close"), b("steps")], [b("handback")]],
    };
  }

  /** Under a request from another account: confirm it is the person, or refuse. */
  relinkKeyboard(c: Case): InlineKeyboardMarkup {
    return {
      inline_keyboard: [
        [{ text: this.t("button.relink"), callback_data: encodeTap("relink", c.id) }],
        [{ text: this.t("button.norelink"), callback_data: encodeTap("norelink", c.id) }],
      ],
    };
  }

  /** The buttons offered after "Close": one per outcome, and back. */
  outcomeKeyboard(c: Case): InlineKeyboardMarkup {
    const rows = OUTCOMES.map((o) => [
      { text: this.t(`outcome.${o}`), callback_data: encodeTap("close", c.id, o) },
    ]);
    rows.push([{ text: this.t("button.cancel"), callback_data: encodeTap("cancel", c.id) }]);
    return { inline_keyboard: rows };
  }

  /** The card of `/case`, with the notes (which the topic's card only counts). */
  details(c: Case, now: number): string {
    const notes = c.notes.map(
      (n) => `• ${this.#e(this.clock(n.at))} · ${this.#e(n.by)}: ${this.#e(n.text)}`,
    );
    return notes.length === 0 ? this.card(c, now) : [this.card(c, now), "", ...notes].join("\n");
  }

  // ---- Lines in a topic ------------------------------------------------------------------

  /**
   * What the person sent, as lines for their case's topic (long text in several parts);
   * none for operator and system events. Media is shown as `[photo]`; the board copies it
   * instead where it can.
   */
  personLines(inbound: Inbound, afterClose: boolean): string[] {
    const parts =
      inbound.kind === "text"
        ? chunks(inbound.text, PART).map((t) => `👤 ${this.#e(t)}`)
        : [this.#personBody(inbound)].filter((b): b is string => b !== undefined);
    if (parts.length === 0 || !afterClose) return parts;
    const note = `<i>${this.#e(this.t("line.after_close"))}</i>`;
    return [...parts.slice(0, -1), `${parts.at(-1)}\n${note}`];
  }

  /** A line saying what happened, or undefined when the card says enough (claims, notes). */
  eventLine(c: Case, event: BoardEvent): string | undefined {
    switch (event.kind) {
      case "raised": {
        const reasons = c.reasons.map((r) => this.reason(r)).join(", ");
        const line = this.t("line.raised", { from: event.from, to: c.priority, reasons });
        return `${DOT[c.priority]} ${this.#e(line)}`;
      }
      case "updated":
      case "claimed":
      case "noted":
        return undefined;
      case "released":
      case "steps":
      case "handed_back":
        return this.#e(this.t(`line.${event.kind}`, { who: this.#who(event.by) }));
      case "closed": {
        // Closed by the retention timer (idle), not by a person.
        const key = event.by === SYSTEM ? "line.closed_idle" : "line.closed";
        return this.#e(
          this.t(key, { who: this.#who(event.by), outcome: this.t(`outcome.${event.outcome}`) }),
        );
      }
      case "reattach_requested":
        return this.#e(
          this.t(event.word ? "line.reattach_requested" : "line.reattach_requested_no_word", {
            channel: this.t(`channel.${event.channel}`),
          }),
        );
      case "reattached":
        return this.#e(
          this.t("line.reattached", {
            channel: this.t(`channel.${event.channel}`),
            who: this.#who(event.by),
          }),
        );
      case "reattach_refused":
        return this.#e(this.t("line.reattach_refused", { who: this.#who(event.by) }));
      case "left_quickly":
        return `<b>${this.#e(this.t("line.left_quickly"))}</b>`;
      case "delivery_failed":
        // The platform's own reason when it refused; else why we did not write.
        if (event.code === undefined && event.why) return this.#e(this.t(`error.${event.why}`));
        return this.#e(
          this.t("line.delivery_failed", { code: event.code ?? 0, title: event.title ?? "?" }),
        );
    }
  }

  /** The case came back after it was closed. */
  reopenedLine(): string {
    return this.#e(this.t("line.reopened"));
  }

  /** The case went back to the queue because its holder never replied. */
  returnedLine(c: Case, now: number): string {
    return this.#e(this.t("line.returned", { age: this.age(now - (c.claimedAt ?? now)) }));
  }

  // ---- The General topic ------------------------------------------------------------------

  /**
   * An unclaimed case, announced again: louder with each level; from level 3 the supervisors
   * are mentioned by id (a tg://user link notifies them).
   */
  overdue(c: Case, level: number, now: number): string {
    const step = Math.min(Math.max(level, 1), 3);
    const vars = { priority: c.priority, id: c.id, age: this.age(now - c.queuedAt) };
    return this.#loud(step, this.t(`announce.overdue_${step}`, vars), c);
  }

  /**
   * Several unclaimed cases of one priority, in one line instead of one per case ("5 P1
   * cases waiting, oldest 12 min"), linking the oldest; louder with each round.
   */
  overdueSummary(oldest: Case, count: number, level: number, now: number): string {
    const step = Math.min(Math.max(level, 1), 3);
    const vars = { count, priority: oldest.priority, age: this.age(now - oldest.queuedAt) };
    return this.#loud(step, this.t(`announce.summary_${step}`, vars), oldest);
  }

  /** An announcement: bold from level 2, supervisors mentioned (by id) from level 3. */
  #loud(step: number, text: string, c: Case): string {
    const head = step >= 2 ? `<b>${this.#e(text)}</b>` : this.#e(text);
    const lines = [`${head} — ${this.#caseLink(c)}`];
    if (step >= 3 && this.#o.supervisorIds.length > 0) {
      const mentions = this.#o.supervisorIds.map((id) => `<a href="tg://user?id=${id}">${id}</a>`);
      lines.push(`${this.#e(this.t("announce.supervisors"))} ${mentions.join(" ")}`);
    }
    return lines.join("\n");
  }

  /** A claimed case whose holder never replied went back to the queue. */
  returned(c: Case, now: number): string {
    const age = this.age(now - (c.claimedAt ?? now));
    const text = this.#e(this.t("announce.returned", { priority: c.priority, id: c.id, age }));
    return `${text} — ${this.#caseLink(c)}`;
  }

  // ---- Commands --------------------------------------------------------------------------

  /** `/queue` and `/mine`: one line per case, most urgent first. */
  list(kind: "queue" | "mine", cases: readonly Case[], now: number, limit?: number): string {
    const head = `<b>${this.#e(this.t(`list.${kind}`, { count: cases.length }))}</b>`;
    if (cases.length === 0) return `${head}\n${this.#e(this.t("list.empty"))}`;
    const lines = cases.map((c) => this.#listLine(c, now));
    const more =
      limit !== undefined && cases.length >= limit
        ? [`<i>${this.#e(this.t("list.more", { count: limit }))}</i>`]
        : [];
    return [head, ...lines, ...more].join("\n");
  }

  /** `/stats`: today's numbers. */
  stats(s: CaseStats): string {
    const closed = OUTCOMES.filter((o) => s.closedByOutcome[o] > 0)
      .map((o) => `${this.t(`outcome.${o}`)} ${s.closedByOutcome[o]}`)
      .join(", ");
    const median = (v: number | null) =>
      v === null ? this.t("stats.no_data") : this.age(Math.round(v * 1000));
    return [
      `<b>${this.#e(this.t("stats.title", { day: s.day, zone: s.timeZone }))}</b>`,
      this.#e(this.t("stats.created", { count: s.created })),
      this.#e(this.t("stats.claimed", { count: s.claimed })),
      this.#e(this.t("stats.closed", { count: s.closed })) +
        (closed ? ` (${this.#e(closed)})` : ""),
      this.#e(this.t("stats.to_claim", { value: median(s.medianSecondsToClaim) })),
      this.#e(this.t("stats.to_reply", { value: median(s.medianSecondsToFirstReply) })),
    ].join("\n");
  }

  /** A refusal as a short sentence (plain text, at most 200 characters for a button's answer). */
  refusal(error: string, c?: Case): string {
    const who = this.#who(c?.operator);
    const key = `error.${error}`;
    const text = this.#o.texts.has(this.#o.lang, `operators:${key}`)
      ? this.t(key, { who })
      : this.t("error.broken");
    return text.slice(0, MAX_ANSWER);
  }

  // ---- Words -----------------------------------------------------------------------------

  /** A triage reason's label (`immediate_danger` -> "In danger now"). */
  reason(r: string): string {
    return this.#label(`reason.${r}`, r);
  }

  /** The case's status and holder. */
  status(c: Case): string {
    if (c.status === "claimed") return this.t("status.claimed", { who: this.#who(c.operator) });
    if (c.status === "closed")
      return this.t("status.closed", { outcome: this.t(`outcome.${c.outcome ?? "other"}`) });
    return this.t("status.queued");
  }

  /** A language's name in the operators' language (`id` -> "Indonesian"). */
  language(code: string): string {
    try {
      return new Intl.DisplayNames([this.#o.lang], { type: "language" }).of(code) ?? code;
    } catch {
      return code;
    }
  }

  /** A country's name: the directory's, else the platform's, else the code. */
  country(code: string): string {
    const key = `directory:country.${code}`;
    if (this.#o.texts.has(this.#o.lang, key)) return this.#o.texts.t(this.#o.lang, key);
    try {
      return new Intl.DisplayNames([this.#o.lang], { type: "region" }).of(code) ?? code;
    } catch {
      return code;
    }
  }

  /** A duration, short: `45 s`, `4 min`, `2 h 5 min`, `3 d 4 h`. */
  age(ms: number): string {
    const s = Math.max(0, Math.floor(ms / 1000));
    if (s < 60) return this.t("duration.seconds", { s });
    const m = Math.floor(s / 60);
    if (m < 60) return this.t("duration.minutes", { m });
    const h = Math.floor(m / 60);
    if (h < 24) return this.t("duration.hours", { h, m: m % 60 });
    return this.t("duration.days", { d: Math.floor(h / 24), h: h % 24 });
  }

  /** A time of day (with the date) in the helpline's time zone. */
  clock(ms: number): string {
    return this.#time.format(ms);
  }

  // ---- Internals -------------------------------------------------------------------------

  #readFlows(flows: CompiledFlows): void {
    for (const step of flows.steps.values()) {
      const def = step.def;
      if (def.kind === "choice" && def.save) {
        const options = this.#options.get(def.save) ?? new Map<string, string>();
        for (const o of def.options) if (!options.has(o.id)) options.set(o.id, `${o.text}.label`);
        this.#options.set(def.save, options);
      }
      if (def.kind === "ask" && def.format === "phone") this.#phones.add(def.save);
      if (def.kind === "reattach") this.#secrets.add(def.answer);
    }
  }

  #answerLines(c: Case): string[] {
    const shown = Object.entries(c.summary.answers).filter(([k]) => !this.#secrets.has(k));
    if (shown.length === 0) return [this.#e(this.t("card.no_answers"))];
    return shown.map(
      ([k, v]) => `• ${this.#e(this.#label(`field.${k}`, k))}: ${this.#answer(c, k, v)}`,
    );
  }

  /** One answer as HTML: a choice's label, yes/no, or what they typed (escaped). */
  #answer(c: Case, key: string, value: AnswerValue): string {
    if (this.#phones.has(key) && !this.#mayShowPhone(c, key))
      return `<i>${this.#e(this.t("value.hidden_phone"))}</i>`;
    if (typeof value === "boolean") return this.#e(this.t(value ? "value.yes" : "value.no"));
    const labelKey = this.#options.get(key)?.get(String(value));
    if (labelKey && this.#o.texts.has(this.#o.lang, labelKey))
      return this.#e(this.#o.texts.t(this.#o.lang, labelKey));
    return this.#e(String(value));
  }

  /**
   * The person's own numbers only when they said yes to sharing them (the help flow's
   * `consent`); a family's `reporter_contact` is the reporter's own, given to be called back.
   */
  #mayShowPhone(c: Case, key: string): boolean {
    return key === "reporter_contact" || c.summary.answers.consent === "yes";
  }

  #placeLines(c: Case): string[] {
    const { place, country, mission } = c.summary;
    const where: string[] = [];
    if (place?.id) where.push(prettyId(place.id));
    const code = place?.country ?? country;
    if (code) where.push(this.country(code));
    const extras: string[] = [];
    if (place?.text) extras.push(this.t("card.typed", { text: place.text }));
    if (place?.lat !== undefined && place.lon !== undefined) extras.push(this.t("card.pin"));
    const lines: string[] = [];
    if (where.length > 0 || extras.length > 0) {
      const text = [where.join(", "), extras.length > 0 ? `(${extras.join("; ")})` : ""]
        .filter((s) => s !== "")
        .join(" ");
      lines.push(this.#field("card.place", text));
    }
    if (mission) lines.push(this.#field("card.mission", this.#mission(mission)));
    return lines;
  }

  #mission(id: string): string {
    const key = `directory:mission.${id}`;
    return this.#o.texts.has(this.#o.lang, key) ? this.#o.texts.t(this.#o.lang, key) : prettyId(id);
  }

  #personBody(inbound: Inbound): string | undefined {
    const prefix = "👤 ";
    switch (inbound.kind) {
      case "text":
        return prefix + this.#e(inbound.text);
      case "media":
        return prefix + this.#e(this.t("line.media", { kind: inbound.media }));
      case "location":
        return prefix + this.#e(this.t("line.location"));
      case "contact":
        return prefix + this.#e(this.t("line.contact", { phone: inbound.phone }));
      case "choice":
        return prefix + this.#e(this.t("line.choice", { option: inbound.option }));
      case "command":
        return prefix + this.#e(this.t("line.command", { name: inbound.name }));
      case "start":
        return prefix + this.#e(this.t("line.start"));
      case "operator":
      case "system":
        return undefined;
    }
  }

  #listLine(c: Case, now: number): string {
    const state =
      c.status === "claimed"
        ? this.t("list.claimed_by", { who: this.#who(c.operator) })
        : this.t("list.waiting", { age: this.age(now - c.createdAt) });
    const id =
      c.topic === undefined
        ? `<code>${this.#e(c.id)}</code>`
        : `<a href="${topicLink(this.#o.chatId, c.topic)}">${this.#e(c.id)}</a>`;
    return `${DOT[c.priority]} ${c.priority} · ${id} · ${this.#e(this.area(c))} · ${this.#e(state)}`;
  }

  #caseLink(c: Case): string {
    if (c.topic === undefined) return `<code>${this.#e(c.id)}</code>`;
    return `<a href="${topicLink(this.#o.chatId, c.topic)}">${this.#e(this.t("announce.open"))}</a>`;
  }

  /** `<b>Label:</b> value`, both escaped. */
  #field(labelKey: string, value: string): string {
    return `<b>${this.#e(this.t(labelKey))}:</b> ${this.#e(value)}`;
  }

  /** A label from the locale, or the key's own words when the locale has none. */
  #label(key: string, fallback: string): string {
    return this.#o.texts.has(this.#o.lang, `operators:${key}`)
      ? this.t(key)
      : fallback.replace(/_/g, " ");
  }

  /** An operator as operators read them: their Telegram id, not the stored name. */
  /** How an operator is named in the group (their label, or the stored id). */
  who(actor: string | undefined): string {
    return this.#who(actor);
  }

  #who(actor: string | undefined): string {
    if (actor === undefined) return "?";
    return this.#o.operatorLabel ? this.#o.operatorLabel(actor) : actor;
  }

  #e(text: string): string {
    return escapeHtml(text);
  }
}
