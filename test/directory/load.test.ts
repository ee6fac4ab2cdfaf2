import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  allContacts,
  createDirectory,
  DirectoryError,
  loadDirectory,
} from "../../src/directory/index.js";
import { createTexts } from "../../src/i18n/texts.js";
import { brokenCopy, DIRECTORY_DIR, problemsOf, real, replaceOnce } from "./fixture.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the real directory", () => {
  const { data } = real();

  it("has every mission in contacts.md and the audit of December 2026", () => {
    expect(data.missions.map((m) => m.id)).toEqual([
      "kbri_phnom_penh",
      "kbri_yangon",
      "kbri_bangkok",
      "kri_songkhla",
      "kbri_vientiane",
      "kbri_manila",
      "kjri_davao",
      "kbri_kuala_lumpur",
      "kjri_johor_bahru",
      "kjri_penang",
      "kjri_kuching",
      "kjri_kota_kinabalu",
      "kri_tawau",
      "kbri_hanoi",
      "kjri_ho_chi_minh",
      "kbri_abu_dhabi",
      "kjri_dubai",
      "kbri_dili",
      "kbri_pretoria",
      "kjri_cape_town",
      "kbri_kyiv",
    ]);
  });

  it("records source, date, confidence and verification for every contact, verified by nobody yet", () => {
    for (const { contact } of allContacts(data)) {
      expect(contact.sources.length, contact.id).toBeGreaterThan(0);
      expect(contact.last_verified, contact.id).toBeNull();
    }
  });

  it("keeps the do-not-use entries, each with a reason", () => {
    const dnu = allContacts(data).filter((c) => c.contact.status === "do_not_use");
    expect(dnu.map((c) => c.contact.value)).toEqual(
      expect.arrayContaining([
        "+855-12-810-005",
        "+95-9-450-014-300",
        "+856 20 55 97 05 20",
        "+856 20 55 97 0581",
        "+65 92903 1103",
        "+62 813 9003 2112",
        "1500-454",
        "119 ext 5",
      ]),
    );
    for (const c of dnu) expect(c.contact.note).toBeTruthy();
  });
});

describe("load errors name the file, the entry and the field", () => {
  it("rejects any +65 (Singapore) value for KBRI Bangkok", () => {
    const { problems, message } = problemsOf(
      "missions.yaml",
      replaceOnce('value: "+66 2 252 3135"', 'value: "+65 6 252 3135"'),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ entry: "kbri_bangkok.consular", field: "value" });
    expect(problems[0]?.file).toMatch(/missions\.yaml$/);
    expect(message).toContain("Singapore");
  });

  it("rejects the circulating +65 typo of the Bangkok hotline twice over", () => {
    const { problems } = problemsOf(
      "missions.yaml",
      replaceOnce('value: "+66 92 903 1103"', 'value: "+65 92903 1103"'),
    );
    expect(problems.map((p) => `${p.entry} ${p.field}`)).toEqual([
      "kbri_bangkok.hotline value",
      "kbri_bangkok.hotline value",
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining("rejected pattern"),
      expect.stringContaining("kbri_bangkok.typo_singapore"),
    ]);
  });

  it("says which confidence levels are allowed", () => {
    const { problems } = problemsOf("missions.yaml", (t) =>
      replaceOnce(
        'value: "+855 61 844 661"\n        hotline: true\n        confidence: high',
        'value: "+855 61 844 661"\n        hotline: true\n        confidence: certain',
      )(t),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      entry: "kbri_phnom_penh.hotline_consular",
      field: "confidence",
    });
    expect(problems[0]?.message).toMatch(/high.*medium.*low/);
  });

  it("names a misspelt field", () => {
    const { problems } = problemsOf(
      "national.yaml",
      replaceOnce("    kind: web\n    value: peduliwni", "    kind: web\n    vaule: peduliwni"),
    );
    const fields = problems.map((p) => `${p.entry} ${p.field} ${p.message}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^peduli_wni .*"vaule"/),
        expect.stringMatching(/^peduli_wni value required/),
      ]),
    );
  });

  it("names a place that points at a mission that does not exist", () => {
    const { problems } = problemsOf(
      "places.yaml",
      replaceOnce(
        "    coords: { lat: 7.0731, lon: 125.6128 }\n    mission: kjri_davao",
        "    coords: { lat: 7.0731, lon: 125.6128 }\n    mission: kjri_davoa",
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        entry: "davao",
        field: "mission",
        message: expect.stringContaining('unknown mission "kjri_davoa"'),
      }),
    ]);
    expect(problems[0]?.file).toMatch(/places\.yaml$/);
  });

  it("refuses a do-not-use number added again under another id", () => {
    const { problems } = problemsOf(
      "missions.yaml",
      replaceOnce('value: "+855 23 216 148"', 'value: "+855 12 810 005"'),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        entry: "kbri_phnom_penh.phone_2",
        field: "value",
        message: expect.stringContaining("kbri_phnom_penh.unsourced_phone"),
      }),
    ]);
  });

  it("wants source_date to be the newest source date", () => {
    const { problems } = problemsOf(
      "missions.yaml",
      replaceOnce(
        '          - { name: "Antara (24/7, WhatsApp)", date: "2020-04-02" }\n        source_date: "2025-07-25"',
        '          - { name: "Antara (24/7, WhatsApp)", date: "2020-04-02" }\n        source_date: "2020-04-02"',
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        entry: "kbri_bangkok.hotline",
        field: "source_date",
        message: expect.stringContaining("2025-07-25"),
      }),
    ]);
  });

  it("wants a reason for a number on hold", () => {
    const { problems } = problemsOf(
      "missions.yaml",
      replaceOnce(
        '        note: "The newer official listing points here, but it conflicts with kbri_manila.hotline_b: hold until someone calls both."\n',
        "",
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({ entry: "kbri_manila.hotline_a", field: "note" }),
    ]);
  });

  it("names a bad date inside a source", () => {
    const { problems } = problemsOf(
      "emergency.yaml",
      replaceOnce('"VietnamPlus", date: "2022-08-31"', '"VietnamPlus", date: "31/08/2022"'),
    );
    expect(problems[0]).toMatchObject({ entry: "emergency.kh.police", field: "sources[0].date" });
    expect(problems[0]?.message).toContain("YYYY-MM-DD");
  });

  it("names a local emergency country the places file does not know", () => {
    const { problems } = problemsOf("emergency.yaml", replaceOnce("  MM:\n", "  XY:\n"));
    expect(problems).toEqual([
      expect.objectContaining({
        entry: "XY",
        message: expect.stringContaining("not listed under countries"),
      }),
    ]);
  });

  it("refuses one name for two places", () => {
    const { problems } = problemsOf(
      "places.yaml",
      replaceOnce("names: [Svay Rieng]", "names: [Svay Rieng, Poipet]"),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        entry: "svay_rieng",
        field: "names[1]",
        message: expect.stringContaining("poipet"),
      }),
    ]);
  });

  it("reports broken YAML and missing files with the file name", () => {
    const bad = problemsOf("places.yaml", (t) => `${t}\n  - id: [unclosed\n`);
    expect(bad.problems[0]?.file).toMatch(/places\.yaml$/);
    expect(bad.problems[0]?.message).toMatch(/not valid YAML/);
    const dir = brokenCopy("national.yaml", () => "");
    made.push(dir);
    rmSync(join(dir, "national.yaml"));
    expect(() => loadDirectory(dir)).toThrow(/national\.yaml: missing/);
  });

  it("puts file, entry and field in the message a coordinator reads", () => {
    const { message } = problemsOf(
      "missions.yaml",
      replaceOnce('value: "+95 9 503 7055"', 'value: "call the embassy"'),
    );
    expect(message).toMatch(/missions\.yaml › kbri_yangon\.hotline › value: a phone number/);
  });
});

describe("texts the directory needs", () => {
  it("refuses to start when a language lacks a label, naming the locale file and key", () => {
    const { data } = real();
    const texts = createTexts({ id: { directory: {} }, en: { directory: {} } }, ["id", "en"]);
    let error: unknown;
    try {
      createDirectory(data, texts);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DirectoryError);
    const problems = (error as DirectoryError).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          file: "locales/en/directory.json",
          entry: "label.hotline_protection",
        }),
        expect.objectContaining({
          file: "locales/id/directory.json",
          entry: "caution.local_police",
        }),
      ]),
    );
  });

  it("loads from the repository folder", () => {
    expect(() => loadDirectory(DIRECTORY_DIR)).not.toThrow();
  });
});
