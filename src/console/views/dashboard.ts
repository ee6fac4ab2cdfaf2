/**
 * The coordinators' dashboard: numbers in tables (readable without scripts and by screen
 * readers) and the same numbers drawn by uPlot (served from our own origin). No personal
 * data: counts, times and codes only.
 */
import { html } from "ghtml";
import type { Dashboard } from "../dashboard.js";
import type { T } from "../texts.js";
import { ASSETS, BASE, type PageContext, page } from "./layout.js";

export interface DashboardContext {
  t: T;
  age: (ms: number) => string;
  /** A value's label for a measure (a country's name, an outcome's words). */
  label: (measure: string, value: string) => string;
}

function table(k: DashboardContext, d: Dashboard, measure: string): string {
  const { t } = k;
  const byValue = d.perDay[measure] ?? {};
  const values = Object.keys(byValue).sort();
  if (values.length === 0) return html`<p class="empty">${t("dashboard.no_cases")}</p>`;
  const head = d.days.map((day) => html`<th scope="col">${day.slice(5)}</th>`).join("");
  const rows = values.map((v) => {
    const counts = byValue[v] as number[];
    const total = counts.reduce((a, b) => a + b, 0);
    return html`<tr><th scope="row">${k.label(measure, v)}</th>!${counts.map((n) => html`<td>${n}</td>`).join("")}<td>${total}</td></tr>`;
  });
  return html`<div class="scroll" tabindex="0" role="region" aria-label="${t(`dashboard.by_${measure}`)}"><table>
<caption>${t(`dashboard.by_${measure}`)}</caption>
<thead><tr><th scope="col">${t(`dashboard.${measure}`)}</th>!${head}<th scope="col">${t("dashboard.total")}</th></tr></thead>
<tbody>!${rows.join("")}</tbody>
</table></div>`;
}

export function dashboardPage(ctx: PageContext, k: DashboardContext, d: Dashboard): string {
  const { t } = ctx;
  const share =
    d.withinSla.of === 0
      ? t("dashboard.no_data")
      : `${Math.round((100 * d.withinSla.claimed) / d.withinSla.of)}% (${d.withinSla.claimed}/${d.withinSla.of})`;
  const med = (ms: number | null) => (ms === null ? t("dashboard.no_data") : k.age(ms));
  const openRows = (["P1", "P2", "P3"] as const).map(
    (p) =>
      html`<tr><th scope="row">${p}</th><td>${d.open[p]}</td><td>${d.oldestWaitingMs[p] === undefined ? "—" : k.age(d.oldestWaitingMs[p] as number)}</td></tr>`,
  );
  const chartData = JSON.stringify({ days: d.days, perDay: d.perDay });
  const body = html`<link rel="stylesheet" href="${ASSETS}/uPlot.min.css">
<h1>${t("dashboard.title")}</h1>
<p class="hint">${t("dashboard.period", { from: d.days[0] ?? "", to: d.days.at(-1) ?? "" })}</p>
<section class="figures">
<table>
<caption>${t("dashboard.open")}</caption>
<thead><tr><th scope="col">${t("dashboard.priority")}</th><th scope="col">${t("dashboard.open_count")}</th><th scope="col">${t("dashboard.oldest")}</th></tr></thead>
<tbody>!${openRows.join("")}</tbody>
</table>
<dl class="summary">
<dt>${t("dashboard.within_sla")}</dt><dd>${share}</dd>
<dt>${t("dashboard.median_claim")}</dt><dd>${med(d.medianToClaimMs)}</dd>
<dt>${t("dashboard.median_reply")}</dt><dd>${med(d.medianToFirstReplyMs)}</dd>
</dl>
<p><a href="${BASE}/dashboard.csv" download>${t("dashboard.csv")}</a></p>
</section>
<section aria-label="${t("dashboard.charts")}">
<div id="chart-priority" class="chart" role="img" aria-label="${t("dashboard.by_priority")}" data-figures="${chartData}"></div>
</section>
!${table(k, d, "priority")}
!${table(k, d, "channel")}
!${table(k, d, "country")}
!${table(k, d, "outcome")}`;
  return page({ ...ctx, current: "dashboard" }, t("dashboard.title"), body, [
    `${ASSETS}/uPlot.iife.min.js`,
    `${ASSETS}/dashboard.js`,
  ]);
}
