import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ageDays, auditContacts, formatAudit, loadDirectory } from "../../src/directory/index.js";
import { brokenCopy, DIRECTORY_DIR, real, replaceOnce } from "./fixture.js";

const NOW = Date.UTC(2026, 10, 23);
const { data } = real();

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the directory where the Phnom Penh protection hotline was checked on `date`. */
function verifiedOn(date: string): string {
  const dir = brokenCopy(
    "missions.yaml",
    replaceOnce(
      '        source_date: "2025-12-08"\n        last_verified: null\n      - id: kbri_phnom_penh.hotline_consular',
      `        source_date: "2025-12-08"\n        last_verified: "${date}"\n        verified_by: "test: WhatsApp message answered"\n      - id: kbri_phnom_penh.hotline_consular`,
    ),
  );
  made.push(dir);
  return dir;
}

describe("the contacts audit", () => {
  it("lists every shown contact as unverified, since nothing was checked live", () => {
    const report = auditContacts(data, { now: NOW, maxAgeDays: 180 });
    const ids = report.needsCheck.map((r) => r.id);
    expect(ids).toContain("kbri_phnom_penh.hotline_protection");
    expect(ids).toContain("kbri_manila.hotline_a");
    expect(ids).not.toContain("kbri_phnom_penh.unsourced_phone");
    expect(report.needsCheck.every((r) => r.reason === "unverified")).toBe(true);
    expect(report.needsCheck).toHaveLength(report.usable);
  });

  it("lists do-not-use entries separately", () => {
    const report = auditContacts(data, { now: NOW, maxAgeDays: 180 });
    expect(report.doNotUse.map((r) => r.value)).toEqual(
      expect.arrayContaining(["+855-12-810-005", "+95-9-450-014-300"]),
    );
    expect(report.doNotUse.every((r) => r.status === "do_not_use")).toBe(true);
  });

  it("drops a recently verified contact and lists it again once stale", () => {
    const fresh = auditContacts(loadDirectory(verifiedOn("2026-10-01")), {
      now: NOW,
      maxAgeDays: 180,
    });
    expect(fresh.needsCheck.map((r) => r.id)).not.toContain("kbri_phnom_penh.hotline_protection");
    const stale = auditContacts(loadDirectory(verifiedOn("2026-01-01")), {
      now: NOW,
      maxAgeDays: 180,
    });
    const row = stale.needsCheck.find((r) => r.id === "kbri_phnom_penh.hotline_protection");
    expect(row).toMatchObject({
      reason: "stale",
      verifiedAgeDays: 326,
      lastVerified: "2026-01-01",
    });
    expect(formatAudit(stale)).toMatch(
      /kbri_phnom_penh\.hotline_protection .*verified 326 days ago/,
    );
  });

  it("lists every shown contact whose newest source is older than two years, or undated", () => {
    const report = auditContacts(data, { now: NOW, maxAgeDays: 180 });
    expect(report.maxSourceAgeDays).toBe(730);
    const ids = report.oldSources.map((r) => r.id);
    // Newest sources from 2021 (Yangon hotline, Kemlu hotline), 2018 (PH 911); undated (TH 191).
    expect(ids).toEqual(
      expect.arrayContaining([
        "kbri_yangon.hotline",
        "kemlu.hotline",
        "emergency.ph.911",
        "emergency.th.police",
      ]),
    );
    // Sources from 2025: not listed. Do-not-use entries are never shown: not listed.
    expect(ids).not.toContain("kbri_bangkok.hotline");
    expect(ids).not.toContain("kbri_phnom_penh.hotline_protection");
    expect(ids).not.toContain("kbri_yangon.unsourced_phone");
    expect(report.oldSources.every((r) => r.sourceAgeDays === null || r.sourceAgeDays > 730)).toBe(
      true,
    );
  });

  it("draws the old-source line at the age given", () => {
    // The Phnom Penh protection hotline's newest source is 350 days old on NOW.
    const at = (days: number) =>
      auditContacts(data, { now: NOW, maxAgeDays: 180, maxSourceAgeDays: days }).oldSources.map(
        (r) => r.id,
      );
    expect(at(349)).toContain("kbri_phnom_penh.hotline_protection");
    expect(at(350)).not.toContain("kbri_phnom_penh.hotline_protection");
  });

  it("counts a month-only source date from the first of the month", () => {
    expect(ageDays("2026-11", NOW)).toBe(22);
    expect(ageDays("2026", NOW)).toBe(326);
    expect(ageDays(null, NOW)).toBeNull();
  });

  it("prints a table and a summary", () => {
    const report = auditContacts(data, { now: NOW, maxAgeDays: 180 });
    const text = formatAudit(report);
    const n = report.needsCheck.length;
    expect(text).toMatch(/^ID +VALUE +CONF +STATUS +SOURCE +VERIFIED +WHY$/m);
    expect(text).toMatch(
      /^kbri_phnom_penh\.hotline_protection +\+855 12 813 282 +high +active +2025-12-08 +never +never verified; source 350 days old$/m,
    );
    expect(text).toMatch(/^police\.local_station +\(in person\) /m);
    expect(text).toContain(
      `Do not use (never shown; kept so nobody adds them again): ${report.doNotUse.length}`,
    );
    expect(text).toContain(
      `Summary: ${n} of ${n} usable contacts need checking (${n} never verified, 0 stale)`,
    );
  });
});

describe("npm run contacts:check", () => {
  const script = fileURLToPath(new URL("../../src/scripts/contacts-check.ts", import.meta.url));
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", script, ...args], { encoding: "utf8" });

  it("is a report: exit code 0, with --strict 1 when anything needs checking", () => {
    const plain = run("--dir", DIRECTORY_DIR);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain("Summary:");
    expect(run("--dir", DIRECTORY_DIR, "--strict").status).toBe(1);
  });

  it("lists contacts resting on sources older than two years", () => {
    const out = run("--dir", DIRECTORY_DIR).stdout;
    expect(out).toMatch(/newest source is older than 730 days, or undated .*: \d+/);
    expect(out).toMatch(/^kbri_yangon\.hotline +\+95 9 503 7055 +medium +2021-03-07 +\d+ days$/m);
    expect(out).toMatch(/^emergency\.th\.police +191 +medium +undated +unknown$/m);
    expect(run("--dir", DIRECTORY_DIR, "--max-source-age-days", "100000").stdout).toContain(
      "older than 100000 days, or undated (find a current source): ",
    );
  });

  it("explains a bad --max-source-age-days", () => {
    const bad = run("--dir", DIRECTORY_DIR, "--max-source-age-days", "two years");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--max-source-age-days must be a whole number");
  });

  it("explains a bad --max-age-days", () => {
    const bad = run("--dir", DIRECTORY_DIR, "--max-age-days", "soon");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--max-age-days must be a whole number");
  });
});
