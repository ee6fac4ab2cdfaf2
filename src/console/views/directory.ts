/**
 * The directory, read-only (the YAML in git stays the source of truth): every mission's
 * and channel's contacts with their source, source date, confidence and last
 * verification; stale or never-verified contacts are highlighted.
 */
import { html } from "ghtml";
import type { T } from "../texts.js";
import { type PageContext, page } from "./layout.js";

export interface DirectoryRow {
  owner: string;
  label: string;
  kind: string;
  value: string;
  status: string;
  confidence: string;
  sources: string;
  sourceDate: string | null;
  lastVerified: string | null;
  /** `fresh`, `stale` (verified too long ago) or `unverified`. */
  freshness: "fresh" | "stale" | "unverified";
}

export function directoryPage(
  ctx: PageContext,
  rows: readonly DirectoryRow[],
  maxAgeDays: number,
): string {
  const { t } = ctx;
  const body = html`<h1>${t("directory.title")}</h1>
<p class="hint">${t("directory.hint", { days: maxAgeDays })}</p>
<div class="scroll" tabindex="0" role="region" aria-label="${t("directory.title")}"><table class="directory">
<thead><tr>
<th scope="col">${t("directory.owner")}</th><th scope="col">${t("directory.contact")}</th>
<th scope="col">${t("directory.value")}</th><th scope="col">${t("directory.confidence")}</th>
<th scope="col">${t("directory.source")}</th><th scope="col">${t("directory.source_date")}</th>
<th scope="col">${t("directory.verified")}</th>
</tr></thead>
<tbody>!${rows.map((r) => row(t, r)).join("")}</tbody>
</table></div>`;
  return page({ ...ctx, current: "directory" }, t("directory.title"), body);
}

function row(t: T, r: DirectoryRow): string {
  const flag =
    r.freshness === "fresh"
      ? ""
      : html` <strong class="flag">${t(`directory.${r.freshness}`)}</strong>`;
  const status = r.status === "active" ? "" : html` <em>${t(`directory.status_${r.status}`)}</em>`;
  return html`<tr class="${r.freshness}">
<td>${r.owner}</td><td>${r.label} (${r.kind})!${status}</td><td class="value">${r.value}</td>
<td>${t(`directory.confidence_${r.confidence}`)}</td><td>${r.sources}</td><td>${r.sourceDate ?? "—"}</td>
<td>${r.lastVerified ?? t("directory.never")}!${flag}</td>
</tr>`;
}
