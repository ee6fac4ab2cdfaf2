/**
 * One case: its card (the operators' card, with the same consent rules as in the Telegram
 * group: `OperatorView`, which escapes every value), a map pin when the person shared one,
 * what was said since the handoff both ways with the delivery of each reply, the case's
 * history, and the actions this user may take now.
 */
import { html } from "ghtml";
import { type Case, OUTCOMES } from "../../cases/model.js";
import type { OperatorView } from "../../operators/telegram/view.js";
import type { T } from "../texts.js";
import type { TranscriptEntry } from "../transcript.js";
import { BASE, csrfField, notice, type PageContext, page } from "./layout.js";
import { pinMap } from "./map.js";

/** Longest reply accepted (Telegram's limit for one message). */
export const REPLY_MAX = 4096;
/** Longest note accepted. */
export const NOTE_MAX = 2000;

/** What this user may do to this case now. */
export interface Allowed {
  claim: boolean;
  /** Release, reply, steps, hand back. */
  work: boolean;
  close: boolean;
  note: boolean;
  reassign: boolean;
  /** Confirm or refuse a request from another account (decision 0028). */
  relink: boolean;
}

export interface CaseContext {
  t: T;
  view: OperatorView;
  now: number;
  csrf: string;
  who: (actor: string) => string;
  allowed: Allowed;
  /** Who a supervisor may hand the case to: [actor, name]. */
  colleagues: readonly [string, string][];
}

/** The part of the case page refetched live and after each action. */
export function caseLive(
  k: CaseContext,
  c: Case,
  transcript: readonly TranscriptEntry[],
  message?: { kind: "error" | "ok"; text: string },
): string {
  const { t, view, now } = k;
  const pin = c.summary.place;
  const map =
    pin?.lat !== undefined && pin.lon !== undefined ? pinMap(pin.lat, pin.lon, t("case.map")) : "";
  return html`<div id="case-live">
!${message ? notice(message.kind, message.text) : ""}
<section class="card" aria-label="${t("case.card")}">!${view.details(c, now)}</section>
!${map}
!${reattachRequest(k, c)}
!${actions(k, c)}
<section aria-labelledby="messages-h">
<h2 id="messages-h">${t("case.messages")}</h2>
!${messages(k, transcript)}
</section>
<details>
<summary>${t("case.history")}</summary>
<ol class="history">!${c.audit
    .map(
      (a) =>
        html`<li><time>${view.clock(a.at)}</time> ${k.who(a.by)}: ${t(`action.${a.action}`)}!${a.detail ? html` (${a.detail})` : ""}</li>`,
    )
    .join("")}</ol>
</details>
</div>`;
}

function messages(k: CaseContext, entries: readonly TranscriptEntry[]): string {
  const { t, view } = k;
  if (entries.length === 0) return html`<p class="empty">${t("case.no_messages")}</p>`;
  const items = entries.map((e) => {
    const time = html`<time>${view.clock(e.at)}</time>`;
    switch (e.from) {
      case "person":
        return html`<li class="msg person"><span class="from">${t("case.person")}</span> !${time}<p>${personText(t, e)}</p>!${e.afterClose ? html`<p class="hint">${t("case.after_close")}</p>` : ""}</li>`;
      case "operator":
        return html`<li class="msg operator"><span class="from">${e.by ? k.who(e.by) : t("case.operator")}</span> !${time}<p>${e.text}</p><p class="delivery ${e.state}">${t(`delivery.${e.state}`)}</p></li>`;
      default:
        return html`<li class="msg event">!${time} ${t(`event.${e.kind}`, { who: e.by ? k.who(e.by) : "", detail: e.detail ?? "" })}</li>`;
    }
  });
  return html`<ol class="messages" aria-live="polite">!${items.join("")}</ol>`;
}

function personText(t: T, e: Extract<TranscriptEntry, { from: "person" }>): string {
  if (e.kind === "text") return e.text ?? "";
  return t(`inbound.${e.kind}`, { value: e.text ?? "" });
}

/** A one-button form posting to an action of the case. */
function button(k: CaseContext, c: Case, action: string, label: string, extra = ""): string {
  return html`<form method="post" action="${BASE}/cases/${c.id}/${action}" hx-post="${BASE}/cases/${c.id}/${action}" hx-target="#case-live" hx-swap="outerHTML" class="inline">
!${csrfField(k.csrf)}!${extra}
<button type="submit">${label}</button>
</form>`;
}

/**
 * Someone typed the case code from another account: the same warning as in the Telegram
 * group, and the two answers. Nothing reaches that account until one is chosen.
 */
function reattachRequest(k: CaseContext, c: Case): string {
  const pending = c.pendingReattach;
  if (!pending || !k.allowed.relink) return "";
  const { t, view } = k;
  const text = view.t(
    pending.word ? "line.reattach_requested" : "line.reattach_requested_no_word",
    {
      channel: view.t(`channel.${pending.channel}`),
    },
  );
  return html`<section class="reattach" aria-labelledby="reattach-h">
<h2 id="reattach-h">${t("case.reattach")}</h2>
<p>${text}</p>
!${button(k, c, "relink", t("case.relink"))}!${button(k, c, "norelink", t("case.norelink"))}
</section>`;
}

function actions(k: CaseContext, c: Case): string {
  const { t, allowed } = k;
  const out: string[] = [];
  if (allowed.claim) out.push(button(k, c, "claim", t("case.claim")));
  if (allowed.work) {
    out.push(button(k, c, "release", t("case.release")));
    out.push(button(k, c, "steps", t("case.steps")));
    out.push(button(k, c, "handback", t("case.handback")));
  }
  if (allowed.close) {
    // No outcome is chosen for the operator: the browser asks for one before closing.
    const options = OUTCOMES.map(
      (o) =>
        html`<label class="choice"><input type="radio" name="outcome" value="${o}" required> ${t(`outcome.${o}`)}</label>`,
    );
    out.push(
      button(
        k,
        c,
        "close",
        t("case.close"),
        html`<fieldset class="outcomes"><legend>${t("case.outcome")}</legend>!${options.join("")}</fieldset>`,
      ),
    );
  }
  if (allowed.reassign && k.colleagues.length > 0) {
    const options = k.colleagues.map(
      ([actor, name]) => html`<option value="${actor}">${name}</option>`,
    );
    out.push(
      button(
        k,
        c,
        "reassign",
        t("case.reassign"),
        html`<label for="reassign-to">${t("case.reassign_to")}</label><select id="reassign-to" name="to">!${options.join("")}</select>`,
      ),
    );
  }
  if (out.length === 0) return "";
  return html`<section class="actions" aria-label="${t("case.actions")}">!${out.join("")}</section>`;
}

/** The reply and note forms: outside the live part, so what is being typed survives updates. */
export function caseForms(
  k: CaseContext,
  c: Case,
  o: { draft?: string; oob?: boolean; nonce: string },
): string {
  const { t } = k;
  const reply = k.allowed.work
    ? html`<form id="reply-form" method="post" action="${BASE}/cases/${c.id}/reply" hx-post="${BASE}/cases/${c.id}/reply" hx-target="#case-live" hx-swap="outerHTML" class="stack">
!${csrfField(k.csrf)}
<input type="hidden" name="nonce" value="${o.nonce}">
<label for="reply">${t("case.message")}</label>
<textarea id="reply" name="text" rows="3" required>${o.draft ?? ""}</textarea>
<button type="submit" class="primary">${t("case.send")}</button>
</form>`
    : html`<div id="reply-form"></div>`;
  const note = k.allowed.note
    ? html`<form id="note-form" method="post" action="${BASE}/cases/${c.id}/note" hx-post="${BASE}/cases/${c.id}/note" hx-target="#case-live" hx-swap="outerHTML" class="stack">
!${csrfField(k.csrf)}
<label for="note">${t("case.note")}</label>
<textarea id="note" name="text" rows="2" maxlength="${NOTE_MAX}" required></textarea>
<button type="submit">${t("case.add_note")}</button>
</form>`
    : "";
  return html`<div id="case-forms"!${o.oob ? ' hx-swap-oob="true"' : ""}>!${reply}!${note}</div>`;
}

export function casePage(ctx: PageContext, c: Case, live: string, forms: string): string {
  const { t } = ctx;
  const body = html`<p><a href="${BASE}/queue">${t("case.back")}</a></p>
<h1>${t("case.title", { id: c.id, priority: c.priority })}</h1>
<div hx-ext="sse" sse-connect="${BASE}/events?case=${c.id}">
<div hx-get="${BASE}/cases/${c.id}/live" hx-trigger="sse:case" hx-target="#case-live" hx-swap="outerHTML"></div>
!${live}
</div>
!${forms}`;
  return page(
    { ...ctx, current: "queue" },
    t("case.title", { id: c.id, priority: c.priority }),
    body,
  );
}
