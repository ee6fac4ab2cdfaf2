/**
 * Which contacts need a human to call or message them: never verified, or verified too
 * long ago. Numbers change and hotlines get abandoned; a wrong number handed to a person
 * in a compound costs them their few minutes with a phone.
 */
import { allContacts, type LocatedContact } from "./load.js";
import type { Confidence, ContactKind, DirectoryData } from "./schema.js";

export interface AuditOptions {
  /** Today, in milliseconds since the epoch (passed in so reports are reproducible). */
  now: number;
  /** A verification older than this many days counts as stale. */
  maxAgeDays: number;
  /**
   * A contact whose newest source is older than this many days is listed as resting on old
   * sources (default two years): a number nobody has published lately may be abandoned.
   */
  maxSourceAgeDays?: number;
  /** Directory folder, for the file column. */
  dir?: string;
}

/** One contact in the report. */
export interface AuditRow {
  id: string;
  owner: string;
  file: string;
  kind: ContactKind;
  value: string;
  status: "active" | "hold" | "do_not_use";
  confidence: Confidence;
  sourceDate: string | null;
  /** Days since the newest source; null when no source is dated. */
  sourceAgeDays: number | null;
  lastVerified: string | null;
  /** Days since the last verification; null when never verified. */
  verifiedAgeDays: number | null;
  /** Why it is listed: never verified, or verified more than `maxAgeDays` ago. */
  reason: "unverified" | "stale" | "do_not_use";
  note?: string;
}

export interface AuditReport {
  maxAgeDays: number;
  maxSourceAgeDays: number;
  /** Contacts that can be shown (active or on hold) and need checking. */
  needsCheck: AuditRow[];
  /** Contacts that can be shown whose every source is older than `maxSourceAgeDays`, or undated. */
  oldSources: AuditRow[];
  /** Never shown; listed so nobody adds them again by mistake. */
  doNotUse: AuditRow[];
  /** Contacts that can be shown, checked or not. */
  usable: number;
}

const DAY_MS = 86_400_000;

/** Two years: the project's rule for a high rating wants a source from the last two years. */
export const DEFAULT_MAX_SOURCE_AGE_DAYS = 730;

/**
 * The to-do list before going live and every few months after: file order, so a
 * coordinator works through one mission at a time.
 */
export function auditContacts(data: DirectoryData, options: AuditOptions): AuditReport {
  const rows = allContacts(data, options.dir).map((lc) => toRow(lc, options));
  const usable = rows.filter((r) => r.status !== "do_not_use");
  const needsCheck = usable.filter(
    (r) => r.verifiedAgeDays === null || r.verifiedAgeDays > options.maxAgeDays,
  );
  for (const r of needsCheck) r.reason = r.verifiedAgeDays === null ? "unverified" : "stale";
  const maxSourceAgeDays = options.maxSourceAgeDays ?? DEFAULT_MAX_SOURCE_AGE_DAYS;
  return {
    maxAgeDays: options.maxAgeDays,
    maxSourceAgeDays,
    needsCheck,
    oldSources: usable.filter(
      (r) => r.sourceAgeDays === null || r.sourceAgeDays > maxSourceAgeDays,
    ),
    doNotUse: rows.filter((r) => r.status === "do_not_use"),
    usable: usable.length,
  };
}

function toRow({ contact: c, file, owner }: LocatedContact, options: AuditOptions): AuditRow {
  const row: AuditRow = {
    id: c.id,
    owner,
    file,
    kind: c.kind,
    value:
      c.kind === "in_person" ? "(in person)" : c.to ? `${c.value} (to ${c.to})` : (c.value ?? ""),
    status: c.status,
    confidence: c.confidence,
    sourceDate: c.source_date,
    sourceAgeDays: ageDays(c.source_date, options.now),
    lastVerified: c.last_verified,
    verifiedAgeDays: ageDays(c.last_verified, options.now),
    reason: "do_not_use",
  };
  if (c.note) row.note = c.note;
  return row;
}

/**
 * Whole days from a date to `now`. A partial date counts from its first day ("2025-10"
 * is 1 October), so an imprecise source never looks fresher than it is.
 */
export function ageDays(date: string | null, now: number): number | null {
  if (date === null) return null;
  const [y, m = 1, d = 1] = date.split("-").map(Number);
  const start = Date.UTC(y ?? 1970, m - 1, d);
  return Math.floor((now - start) / DAY_MS);
}

type Column = [header: string, cell: (r: AuditRow) => string];

const CHECK_COLUMNS: Column[] = [
  ["ID", (r) => r.id],
  ["VALUE", (r) => r.value],
  ["CONF", (r) => r.confidence],
  ["STATUS", (r) => r.status],
  ["SOURCE", (r) => r.sourceDate ?? "undated"],
  ["VERIFIED", (r) => r.lastVerified ?? "never"],
  ["WHY", why],
];

const OLD_SOURCE_COLUMNS: Column[] = [
  ["ID", (r) => r.id],
  ["VALUE", (r) => r.value],
  ["CONF", (r) => r.confidence],
  ["NEWEST SOURCE", (r) => r.sourceDate ?? "undated"],
  ["AGE", (r) => (r.sourceAgeDays === null ? "unknown" : `${r.sourceAgeDays} days`)],
];

const DNU_COLUMNS: Column[] = [
  ["ID", (r) => r.id],
  ["VALUE", (r) => r.value],
  ["NOTE", (r) => r.note ?? ""],
];

function why(r: AuditRow): string {
  const source = r.sourceAgeDays === null ? "source undated" : `source ${r.sourceAgeDays} days old`;
  if (r.reason === "stale") return `verified ${r.verifiedAgeDays} days ago; ${source}`;
  return `never verified; ${source}`;
}

/** A plain-text table: readable in a terminal and in a CI log alike. */
function formatTable(rows: readonly AuditRow[], columns: readonly Column[]): string {
  const cells = rows.map((r) => columns.map(([, cell]) => cell(r)));
  const widths = columns.map(([h], i) =>
    Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)),
  );
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0))).join("  ");
  return [line(columns.map(([h]) => h)), ...cells.map(line)].join("\n");
}

/** The whole report as `npm run contacts:check` prints it. */
export function formatAudit(report: AuditReport): string {
  const { needsCheck, oldSources, doNotUse, maxAgeDays, maxSourceAgeDays, usable } = report;
  const unverified = needsCheck.filter((r) => r.reason === "unverified").length;
  const out = [
    `Contacts to check (never verified, or verified more than ${maxAgeDays} days ago): ${needsCheck.length}`,
  ];
  if (needsCheck.length > 0) out.push(formatTable(needsCheck, CHECK_COLUMNS));
  out.push(
    "",
    `Contacts whose newest source is older than ${maxSourceAgeDays} days, or undated (find a current source): ${oldSources.length}`,
  );
  if (oldSources.length > 0) out.push(formatTable(oldSources, OLD_SOURCE_COLUMNS));
  out.push("", `Do not use (never shown; kept so nobody adds them again): ${doNotUse.length}`);
  if (doNotUse.length > 0) out.push(formatTable(doNotUse, DNU_COLUMNS));
  out.push(
    "",
    `Summary: ${needsCheck.length} of ${usable} usable contacts need checking ` +
      `(${unverified} never verified, ${needsCheck.length - unverified} stale); ` +
      `${oldSources.length} rest on old or undated sources; ` +
      `${doNotUse.length} do-not-use entries.`,
  );
  return out.join("\n");
}
