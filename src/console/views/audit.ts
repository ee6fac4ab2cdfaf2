/** The audit log, for supervisors: sign-ins, case views, actions and refusals, newest first. */
import { html } from "ghtml";
import type { ConsoleAuditEntry } from "../audit-log.js";
import { BASE, type PageContext, page } from "./layout.js";

export function auditPage(
  ctx: PageContext,
  entries: readonly ConsoleAuditEntry[],
  clock: (ms: number) => string,
): string {
  const { t } = ctx;
  const rows = entries.map(
    (e) => html`<tr class="${e.ok ? "ok" : "refused"}">
<td><time>${clock(e.at)}</time></td><td>${e.by}</td><td>${t(`action.${e.action}`)}</td>
<td>!${e.case ? html`<a href="${BASE}/cases/${e.case}">${e.case}</a>` : "—"}</td>
<td>${e.ok ? t("audit.done") : t("audit.refused")}${e.detail ? ` (${e.detail})` : ""}</td>
</tr>`,
  );
  const body = html`<h1>${t("audit.title")}</h1>
<p class="hint">${t("audit.hint")}</p>
<div class="scroll" tabindex="0" role="region" aria-label="${t("audit.title")}"><table>
<thead><tr><th scope="col">${t("audit.when")}</th><th scope="col">${t("audit.who")}</th><th scope="col">${t("audit.what")}</th><th scope="col">${t("audit.case")}</th><th scope="col">${t("audit.result")}</th></tr></thead>
<tbody>!${rows.join("")}</tbody>
</table></div>`;
  return page({ ...ctx, current: "audit" }, t("audit.title"), body);
}
