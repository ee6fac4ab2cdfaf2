/**
 * The queue: open cases, most urgent first (priority, then waiting time), with waiting
 * time, channel, area and reasons. Never a name or a number: the area is a known place or
 * a country, never what the person typed.
 */
import { html } from "ghtml";
import type { Case } from "../../cases/model.js";
import type { SlaPolicy } from "../../cases/sla.js";
import type { OperatorView } from "../../operators/telegram/view.js";
import type { T } from "../texts.js";
import { BASE, type PageContext, page } from "./layout.js";

export interface QueueContext {
  t: T;
  view: OperatorView;
  now: number;
  who: (actor: string) => string;
  /** The desk's time limits: a case unclaimed past its limit is marked. */
  sla: SlaPolicy;
}

/**
 * Unclaimed past its time limit (`SLA_P*_MINUTES`), counted from when it entered the
 * queue: the Telegram group re-announces such a case, the console marks it.
 */
export function unclaimedTooLong(c: Case, now: number, sla: SlaPolicy): boolean {
  return c.status === "queued" && now - c.queuedAt >= sla.unclaimedMs[c.priority];
}

/** What stands out about a case in the list: past its limit, a request to reconnect. */
function flags(q: QueueContext, c: Case): string {
  const out: string[] = [];
  if (unclaimedTooLong(c, q.now, q.sla))
    out.push(html`<span class="flag overdue">${q.t("queue.overdue")}</span>`);
  if (c.pendingReattach)
    out.push(html`<span class="flag reattach">${q.t("queue.reattach")}</span>`);
  return out.join("");
}

/** The list itself (refetched whenever the queue changes). */
export function queueList(q: QueueContext, cases: readonly Case[]): string {
  const { t, view, now } = q;
  if (cases.length === 0) return html`<p class="empty">${t("queue.empty")}</p>`;
  const rows = cases.map((c) => {
    const state =
      c.status === "claimed"
        ? t("queue.claimed_by", { who: q.who(c.operator ?? "?") })
        : t("queue.waiting");
    const late = unclaimedTooLong(c, now, q.sla) ? " overdue" : "";
    return html`<li class="case ${c.priority.toLowerCase()}${late}">
<a href="${BASE}/cases/${c.id}">
<span class="prio">${c.priority}</span>
<span class="id">${c.id}</span>
<span class="age">${t("queue.age", { age: view.age(now - c.createdAt) })}</span>
!${flags(q, c)}
</a>
<dl>
<dt>${t("queue.channel")}</dt><dd>${view.t(`channel.${c.channel}`)}</dd>
<dt>${t("queue.area")}</dt><dd>${view.area(c)}</dd>
<dt>${t("queue.reasons")}</dt><dd>${c.reasons.map((r) => view.reason(r)).join(", ") || "—"}</dd>
<dt>${t("queue.state")}</dt><dd>${state}</dd>
</dl>
</li>`;
  });
  return html`<ol class="queue" aria-label="${t("queue.title")}">!${rows.join("")}</ol>`;
}

/** The queue page: the list, refetched on every `queue` event of the live stream. */
export function queuePage(ctx: PageContext, list: string): string {
  const { t } = ctx;
  const body = html`<h1>${t("queue.title")}</h1>
<p class="hint">${t("queue.hint")}</p>
<div hx-ext="sse" sse-connect="${BASE}/events">
<div id="queue-list" hx-get="${BASE}/queue/list" hx-trigger="sse:queue" aria-live="polite">!${list}</div>
</div>`;
  return page({ ...ctx, current: "queue" }, t("queue.title"), body);
}
