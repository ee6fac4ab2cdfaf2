/**
 * The border rule (docs/decisions/0011): a person a few kilometres across a river must not
 * get only the wrong embassy. What a person at each place is told, in both languages.
 */
import { iso1A2Code } from "@rapideditor/country-coder";
import { describe, expect, it } from "vitest";
import {
  createDirectory,
  DirectoryError,
  type DirectoryProblem,
  MAX_MESSAGE,
} from "../../src/directory/index.js";
import type { PlaceAnswer } from "../../src/engine/types.js";
import { createTexts, readLocales } from "../../src/i18n/texts.js";
import { LOCALES_DIR, problemsOf, real, replaceOnce } from "./fixture.js";

const { view, data } = real();
const LANGS = ["id", "en"] as const;

const YANGON_HOTLINE = "+95 9 503 7055";
const BANGKOK_HOTLINE = "+66 92 903 1103";

/** The mission block a person at a pin gets, with the place the pin resolved to. */
function atPin(lng: "id" | "en", lat: number, lon: number): { place: PlaceAnswer; text: string } {
  const match = view.placeFromPoint(lat, lon);
  if (!match.found) throw new Error(`no place for ${lat}, ${lon}`);
  const place = { country: match.country, ...(match.id ? { id: match.id } : {}) };
  return { place, text: view.render(lng, "mission", place) ?? "" };
}

const headings = (text: string): string[] =>
  text.split("\n").filter((line) => /^(Hubungi|Kalau berada di|Contact the|In \w+\?)/.test(line));

describe("a pin on the Thai bank of the Moei", () => {
  // Pins from the audit (content-audit-2026-12 §2.2); the map puts each in Thailand.
  const thaiBank: [what: string, lat: number, lon: number][] = [
    ["Thai end of the Friendship Bridge (Rim Moei)", 16.698, 98.522],
    ["Thai border market", 16.7, 98.52],
    ["the bank opposite KK Park", 16.645, 98.545],
    ["the bank opposite Shwe Kokko", 16.82, 98.545],
  ];

  it.each(thaiBank)("%s resolves to Thailand and KBRI Bangkok comes first", (_what, lat, lon) => {
    expect(iso1A2Code([lon, lat])).toBe("TH");
    for (const lng of LANGS) {
      const { place, text } = atPin(lng, lat, lon);
      expect(place.country).toBe("TH");
      expect(view.missionFor(place.country, place.id)).toBe("kbri_bangkok");
      expect(text.split("\n")[1]).toContain(BANGKOK_HOTLINE);
    }
  });

  it("near the river also names KBRI Yangon, second, in case the pin is on the other bank", () => {
    const { place, text } = atPin("id", 16.698, 98.522);
    expect(place).toEqual({ country: "TH", id: "rim_moei" });
    expect(headings(text)).toEqual([
      "Hubungi KBRI Bangkok:",
      "Kalau berada di Myanmar, hubungi KBRI Yangon:",
    ]);
    expect(text.indexOf(BANGKOK_HOTLINE)).toBeLessThan(text.indexOf(YANGON_HOTLINE));
  });

  it("in Mae Sot town gives KBRI Bangkok only", () => {
    const { place, text } = atPin("en", 16.713, 98.575);
    expect(place).toEqual({ country: "TH", id: "mae_sot" });
    expect(text).toContain(BANGKOK_HOTLINE);
    expect(text).not.toContain("Yangon");
  });
});

describe("the border places themselves", () => {
  const myanmarBank = ["myawaddy", "kk_park", "shwe_kokko", "lay_kay_kaw", "hpa_lu", "tachileik"];

  it.each(myanmarBank)("%s shows KBRI Yangon, then KBRI Bangkok, in both languages", (id) => {
    const place = { id, country: "MM" };
    expect(view.missionFor("MM", id)).toBe("kbri_yangon");
    const idText = view.render("id", "mission", place) ?? "";
    const enText = view.render("en", "mission", place) ?? "";
    expect(headings(idText)).toEqual([
      "Hubungi KBRI Yangon:",
      "Kalau berada di Thailand, hubungi KBRI Bangkok:",
    ]);
    expect(headings(enText)).toEqual([
      "Contact the Indonesian Embassy in Yangon (KBRI):",
      "In Thailand? Contact the Indonesian Embassy in Bangkok (KBRI):",
    ]);
    for (const text of [idText, enText]) {
      expect(text.indexOf(YANGON_HOTLINE)).toBeGreaterThan(0);
      expect(text.indexOf(BANGKOK_HOTLINE)).toBeGreaterThan(text.indexOf(YANGON_HOTLINE));
    }
  });

  it.each([
    ["KK Park", 16.648, 98.521, "kk_park"],
    ["Myawaddy", 16.6878, 98.5083, "myawaddy"],
    ["Shwe Kokko", 16.8205, 98.5309, "shwe_kokko"],
    ["Lay Kay Kaw", 16.5992, 98.5242, "lay_kay_kaw"],
    ["Tachileik", 20.4475, 99.8808, "tachileik"],
  ])("a pin in %s stays in Myanmar and shows both missions", (_what, lat, lon, id) => {
    const { place, text } = atPin("id", lat, lon);
    expect(place).toEqual({ country: "MM", id });
    expect(text).toContain(YANGON_HOTLINE);
    expect(text).toContain(BANGKOK_HOTLINE);
  });

  it("typed names of the Moei compounds show both missions too", () => {
    for (const typed of ["kk park", "saya di shwe koko", "myawadi", "Dongmei", "Lay Kay Kaw"]) {
      const match = view.placeFromText(typed);
      if (!match.found) throw new Error(`${typed} not found`);
      const text = view.render("id", "mission", { id: match.id, country: match.country }) ?? "";
      expect(text, typed).toContain(YANGON_HOTLINE);
      expect(text, typed).toContain(BANGKOK_HOTLINE);
    }
  });

  it("gives the Golden Triangle SEZ KBRI Vientiane first and KBRI Bangkok's hotline", () => {
    for (const lng of LANGS) {
      const text = view.render(lng, "mission", { id: "golden_triangle_sez", country: "LA" }) ?? "";
      expect(text.split("\n")[0]).toContain("Vientiane");
      expect(text).toContain("+856 21 413 909");
      expect(text).toContain(BANGKOK_HOTLINE);
    }
  });

  it("shows the second mission in full where the message has room, its hotline only where not", () => {
    // Myanmar has no local numbers: room for Bangkok's consular line too.
    const kk = view.render("id", "mission", { id: "kk_park", country: "MM" }) ?? "";
    expect(kk).toContain("+66 2 252 3135");
    // Laos has local numbers: Bangkok is cut to its hotline, and the line stays.
    const gt = view.render("en", "mission", { id: "golden_triangle_sez", country: "LA" }) ?? "";
    expect(gt).toContain(BANGKOK_HOTLINE);
    expect(gt).not.toContain("+66 2 252 3135");
  });

  it("leaves a person elsewhere in the country with one mission", () => {
    expect(headings(view.render("id", "mission", { country: "MM" }) ?? "")).toEqual([
      "Hubungi KBRI Yangon:",
    ]);
    expect(headings(view.render("id", "mission", { id: "yangon", country: "MM" }) ?? "")).toEqual([
      "Hubungi KBRI Yangon:",
    ]);
  });

  it("applies a border place only in its own country", () => {
    // A person placed in Thailand who typed "KK Park" earlier gets Thailand's mission alone.
    const text = view.render("id", "mission", { id: "kk_park", country: "TH" }) ?? "";
    expect(headings(text)).toEqual(["Hubungi KBRI Bangkok:"]);
  });
});

describe("pins that are nowhere the directory knows", () => {
  it("at sea stay at sea, and get the national channels", () => {
    expect(view.placeFromPoint(12, 113)).toEqual({ found: false, reason: "at_sea" });
    const text = view.render("id", "mission", undefined) ?? "";
    expect(text).toContain("+62 812 9007 0027");
  });

  it("an unknown typed place stays unknown", () => {
    expect(view.placeFromText("di sebuah gedung tinggi")).toEqual({
      found: false,
      reason: "unknown",
    });
  });
});

describe("one message per place", () => {
  const places: (PlaceAnswer | undefined)[] = [
    undefined,
    { country: "JP" },
    ...data.countries.map((c) => ({ country: c.code })),
    ...data.places.map((p) => ({ id: p.id, country: p.country })),
  ];

  it("keeps the mission block with local emergency numbers, or the address, within 500 characters", () => {
    let longest = 0;
    for (const lng of LANGS) {
      for (const place of places) {
        const mission = view.render(lng, "mission", place) ?? "";
        for (const companion of ["local_emergency", "mission_address"]) {
          const extra = view.render(lng, companion, place);
          const message = extra === undefined ? mission : `${mission}\n\n${extra}`;
          expect(
            message.length,
            `${lng} ${place?.id ?? place?.country} ${companion}`,
          ).toBeLessThanOrEqual(MAX_MESSAGE);
          longest = Math.max(longest, message.length);
        }
      }
    }
    expect(MAX_MESSAGE).toBe(500);
    expect(longest).toBeGreaterThan(400);
  });

  it("refuses to start when a place's contacts cannot fit, naming the place and language", () => {
    const locales = readLocales(LOCALES_DIR);
    const en = structuredClone(locales.en) as { directory: { notice: Record<string, string> } };
    en.directory.notice.fee_impostor = "x".repeat(300);
    const texts = createTexts({ ...locales, en }, ["id", "en"]);
    let problems: readonly DirectoryProblem[] = [];
    try {
      createDirectory(data, texts);
    } catch (err) {
      if (!(err instanceof DirectoryError)) throw err;
      problems = err.problems;
    }
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          entry: "poipet",
          message: expect.stringMatching(
            /^in en, the mission block with local_emergency is \d+ characters/,
          ),
        }),
      ]),
    );
    expect(problems.every((p) => p.message.startsWith("in en"))).toBe(true);
  });
});

describe("also_missions in places.yaml", () => {
  const kkPark =
    '    core_km: 1\n    also_missions: [kbri_bangkok]\n    source: "contacts.md (sources differ';

  it.each([
    ["not a list", "also_missions: kbri_bangkok", "also_missions", /expected array/i],
    ["a name instead of an id", "also_missions: [KBRI Bangkok]", "also_missions[0]", /lowercase/],
    ["empty", "also_missions: []", "also_missions", /at least one mission/],
    [
      "three missions",
      "also_missions: [kbri_bangkok, kbri_vientiane, kbri_hanoi]",
      "also_missions",
      /at most 2/,
    ],
    ["a mission twice", "also_missions: [kbri_bangkok, kbri_bangkok]", "also_missions", /twice/],
    [
      "a mission that does not exist",
      "also_missions: [kbri_bangkk]",
      "also_missions[0]",
      /^unknown mission "kbri_bangkk"; known: kbri_phnom_penh, /,
    ],
    [
      "the mission already serving the place",
      "also_missions: [kbri_yangon]",
      "also_missions[0]",
      /already serves kk_park/,
    ],
  ])("refuses %s, naming the file, the place and the field", (_what, value, field, message) => {
    const result = problemsOf(
      "places.yaml",
      replaceOnce(kkPark, kkPark.replace("also_missions: [kbri_bangkok]", value)),
    );
    expect(result.problems).toEqual([
      expect.objectContaining({ entry: "kk_park", field, message: expect.stringMatching(message) }),
    ]);
    expect(result.message).toContain(`places.yaml › kk_park › ${field}: `);
  });
});
