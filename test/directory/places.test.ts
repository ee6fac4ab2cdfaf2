import { iso1A2Code } from "@rapideditor/country-coder";
import { describe, expect, it } from "vitest";
import { missionFor } from "../../src/directory/index.js";
import type { PlaceMatch } from "../../src/engine/types.js";
import { real } from "./fixture.js";

const { view, data } = real();

describe("a typed place", () => {
  const table: [typed: string, country: string, id: string | undefined][] = [
    ["Poipet", "KH", "poipet"],
    ["saya di poipet", "KH", "poipet"],
    ["POIPET!!!", "KH", "poipet"],
    ["KK Park", "MM", "kk_park"],
    ["sekarang saya ada di KK Park dekat Myawaddy", "MM", "kk_park"],
    ["kamboja", "KH", undefined],
    ["Cambodia", "KH", undefined],
    ["sihanoukvile", "KH", "sihanoukville"],
    ["Sihanouk Ville", "KH", "sihanoukville"],
    ["Preah Sihanouk", "KH", "sihanoukville"],
    ["Kompong Som", "KH", "sihanoukville"],
    ["Phnom Penh", "KH", "phnom_penh"],
    ["pnom penh", "KH", "phnom_penh"],
    ["Bavet", "KH", "bavet"],
    ["Chrey Thum", "KH", "chrey_thum"],
    ["O'Smach", "KH", "o_smach"],
    ["osmach", "KH", "o_smach"],
    ["Kampot", "KH", "kampot"],
    ["MDS Thmorda SEZ", "KH", "mds_thmorda"],
    ["Myawadi", "MM", "myawaddy"],
    ["Shwe Koko", "MM", "shwe_kokko"],
    ["Hpa Lu", "MM", "hpa_lu"],
    ["Myanmar", "MM", undefined],
    ["Burma", "MM", undefined],
    ["Birma", "MM", undefined],
    ["Golden Triangle", "LA", "golden_triangle_sez"],
    ["segitiga emas", "LA", "golden_triangle_sez"],
    ["Kings Romans", "LA", "golden_triangle_sez"],
    ["Bokeo", "LA", "golden_triangle_sez"],
    ["Ton Pheung", "LA", "golden_triangle_sez"],
    ["Laos", "LA", undefined],
    ["Mae Sot", "TH", "mae_sot"],
    ["Mae Sot, tadinya dari Myanmar", "TH", "mae_sot"],
    ["Bangkok", "TH", "bangkok"],
    ["Thailan", "TH", undefined],
    ["Thailand", "TH", undefined],
    ["Bamban", "PH", "bamban"],
    ["Porac", "PH", "porac"],
    ["Clark", "PH", "clark_angeles"],
    ["Angeles City", "PH", "clark_angeles"],
    ["Pasay", "PH", "pasay"],
    ["Lapu-Lapu", "PH", "lapu_lapu"],
    ["Manila", "PH", "manila"],
    ["Davao", "PH", "davao"],
    ["Tawi-Tawi", "PH", "tawi_tawi"],
    ["Filipina", "PH", undefined],
    ["Philippines", "PH", undefined],
    ["Kuala Lumpur", "MY", "kuala_lumpur"],
    ["Malaysia", "MY", undefined],
    ["Hanoi", "VN", "hanoi"],
    ["Ho Chi Minh City", "VN", "ho_chi_minh"],
    ["Saigon", "VN", "ho_chi_minh"],
    ["Vietnam", "VN", undefined],
  ];

  it.each(table)("%s -> %s %s", (typed, country, id) => {
    const { exact: _exact, ...match } = view.placeFromText(typed) as PlaceMatch & {
      exact?: boolean;
    };
    expect(match).toEqual(id ? { found: true, id, country } : { found: true, country });
  });

  it.each([
    ["Poipet", true],
    ["saya di poipet", true],
    ["poipt", false],
  ])("says whether %j was spelt as the gazetteer writes it (%s)", (typed, exact) => {
    expect(view.placeFromText(typed)).toMatchObject({ found: true, exact });
  });

  it.each([
    ["di sebuah gedung tinggi"],
    [""],
    ["   "],
    // One letter away from everyday Indonesian words or towns: must not send anyone abroad.
    ["dekat pasar"],
    ["Bambang"],
    ["Kendal"],
    ["Bima"],
    ["pusat kota"],
  ])("does not guess for %j", (typed) => {
    expect(view.placeFromText(typed)).toEqual({ found: false, reason: "unknown" });
  });

  it("asks again when the names belong to two countries", () => {
    expect(view.placeFromText("Bangkok atau Poipet")).toEqual({ found: false, reason: "unknown" });
    expect(view.placeFromText("Thailand atau Kamboja")).toEqual({
      found: false,
      reason: "unknown",
    });
  });

  it("takes the first listed of two places in one country", () => {
    expect(view.placeFromText("Davao, Mindanao")).toEqual({
      found: true,
      id: "davao",
      country: "PH",
      exact: true,
    });
  });
});

describe("a shared pin", () => {
  const table: [what: string, lat: number, lon: number, country: string, id: string | undefined][] =
    [
      ["Phnom Penh", 11.5564, 104.9282, "KH", "phnom_penh"],
      ["Poipet", 13.655, 102.56, "KH", "poipet"],
      ["Bavet", 11.06, 106.14, "KH", "bavet"],
      ["Siem Reap, far from any known place", 13.36, 103.86, "KH", undefined],
      ["Shwe Kokko", 16.8205, 98.5309, "MM", "shwe_kokko"],
      ["Yangon", 16.84, 96.17, "MM", "yangon"],
      ["Golden Triangle SEZ", 20.35, 100.1, "LA", "golden_triangle_sez"],
      ["Vientiane", 17.97, 102.63, "LA", "vientiane"],
      ["Mae Sot", 16.713, 98.575, "TH", "mae_sot"],
      ["Bangkok", 13.75, 100.5, "TH", "bangkok"],
      ["Manila", 14.6, 120.98, "PH", "manila"],
      ["Davao", 7.07, 125.61, "PH", "davao"],
      ["Zamboanga, Mindanao outline", 6.91, 122.07, "PH", "mindanao"],
      ["Jolo, Sulu", 6.05, 121.0, "PH", "mindanao"],
      ["Bohol, outside the Mindanao outline", 9.85, 124.15, "PH", undefined],
      ["Surigao, inside the outline", 9.79, 125.49, "PH", "mindanao"],
      ["Camiguin, inside the outline", 9.17, 124.72, "PH", "mindanao"],
      ["Dumaguete (Negros), outside", 9.31, 123.31, "PH", undefined],
      ["Puerto Princesa (Palawan), outside", 9.74, 118.73, "PH", undefined],
      ["Kuala Lumpur", 3.14, 101.69, "MY", "kuala_lumpur"],
      ["Hanoi", 21.03, 105.85, "VN", "hanoi"],
      ["Can Tho, south Vietnam", 10.03, 105.78, "VN", "vietnam_south"],
      ["Jakarta: known country, no mission", -6.2, 106.8, "ID", undefined],
      ["Dubai", 25.2, 55.27, "AE", "dubai"],
      ["Tokyo: a country the directory does not know", 35.68, 139.69, "JP", undefined],
    ];

  it.each(table)("%s", (_what, lat, lon, country, id) => {
    const match = view.placeFromPoint(lat, lon);
    expect(match).toEqual(id ? { found: true, id, country } : { found: true, country });
  });

  it("puts KK Park in Myanmar although the coarse border map says Thailand", () => {
    expect(iso1A2Code([98.521, 16.648])).toBe("TH");
    expect(view.placeFromPoint(16.648, 98.521)).toEqual({
      found: true,
      id: "kk_park",
      country: "MM",
    });
  });

  it("says at sea for open water", () => {
    // 10.0 N 104.0 E is inside Vietnam's waters for country-coder; the South China Sea is not.
    expect(iso1A2Code([113, 12])).toBeNull();
    expect(view.placeFromPoint(12, 113)).toEqual({ found: false, reason: "at_sea" });
    expect(view.placeFromPoint(-10, 90)).toEqual({ found: false, reason: "at_sea" });
  });

  it("rejects impossible coordinates", () => {
    expect(view.placeFromPoint(Number.NaN, 100)).toEqual({ found: false, reason: "unknown" });
    expect(view.placeFromPoint(95, 100)).toEqual({ found: false, reason: "unknown" });
    expect(view.placeFromPoint(10, 200)).toEqual({ found: false, reason: "unknown" });
  });
});

describe("which mission serves a person", () => {
  const table: [
    country: string | undefined,
    placeId: string | undefined,
    mission: string | undefined,
  ][] = [
    ["KH", undefined, "kbri_phnom_penh"],
    ["KH", "poipet", "kbri_phnom_penh"],
    ["MM", "kk_park", "kbri_yangon"],
    ["MM", "myawaddy", "kbri_yangon"],
    ["LA", undefined, "kbri_vientiane"],
    ["TH", undefined, "kbri_bangkok"],
    ["TH", "mae_sot", "kbri_bangkok"],
    ["PH", undefined, "kbri_manila"],
    ["PH", "bamban", "kbri_manila"],
    ["PH", "davao", "kjri_davao"],
    ["PH", "mindanao", "kjri_davao"],
    ["PH", "sulu", "kjri_davao"],
    ["PH", "tawi_tawi", "kjri_davao"],
    ["MY", undefined, "kbri_kuala_lumpur"],
    ["VN", undefined, "kbri_hanoi"],
    ["VN", "ho_chi_minh", "kjri_ho_chi_minh"],
    ["VN", "vietnam_south", "kjri_ho_chi_minh"],
    [undefined, "davao", "kjri_davao"],
    [undefined, "poipet", "kbri_phnom_penh"],
    // A place from another country does not override where the person actually is.
    ["MM", "mae_sot", "kbri_yangon"],
    ["ID", undefined, undefined],
    ["AE", undefined, "kbri_abu_dhabi"],
    ["AE", "dubai", "kjri_dubai"],
    ["JP", undefined, undefined],
    [undefined, undefined, undefined],
    ["KH", "no_such_place", "kbri_phnom_penh"],
  ];

  it.each(table)("%s / %s -> %s", (country, placeId, mission) => {
    expect(view.missionFor(country, placeId)).toBe(mission);
    expect(missionFor(data, country, placeId)).toBe(mission);
  });

  it("sends a person typing Mae Sot to KBRI Bangkok and Davao to KJRI Davao", () => {
    for (const [typed, mission] of [
      ["Mae Sot", "kbri_bangkok"],
      ["Davao", "kjri_davao"],
      ["Myawaddy", "kbri_yangon"],
      ["Saigon", "kjri_ho_chi_minh"],
    ] as const) {
      const match = view.placeFromText(typed);
      if (!match.found) throw new Error(`${typed} not found`);
      expect(view.missionFor(match.country, match.id)).toBe(mission);
    }
  });

  it("knows the countries flows may branch on", () => {
    for (const code of ["KH", "MM", "LA", "TH", "PH", "MY", "VN", "ID"])
      expect(view.hasCountry(code)).toBe(true);
    expect(view.hasCountry("XX")).toBe(false);
    expect(view.hasCountry("kh")).toBe(false);
  });
});
