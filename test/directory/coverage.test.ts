/**
 * Places the content audit of December 2026 found failing, as people type them, and the
 * mission each one reaches; consulates by pin; words that must not send anyone abroad.
 */
import { describe, expect, it } from "vitest";
import { real } from "./fixture.js";

const { view } = real();

/** Where a typed answer sends a person: the place, its country and the serving mission. */
function typed(text: string): { id?: string; country?: string; mission?: string } {
  const match = view.placeFromText(text);
  if (!match.found) return {};
  const mission = view.missionFor(match.country, match.id);
  return { ...(match.id ? { id: match.id } : {}), country: match.country, mission };
}

describe("a typed place the audit found failing", () => {
  const table: [typed: string, id: string | undefined, country: string, mission: string][] = [
    // Cambodia
    ["Koh Kong", "koh_kong", "KH", "kbri_phnom_penh"],
    ["Dara Sakor", "koh_kong", "KH", "kbri_phnom_penh"],
    ["Kampong Speu", "kampong_speu", "KH", "kbri_phnom_penh"],
    ["Mondulkiri", "mondulkiri", "KH", "kbri_phnom_penh"],
    ["Bokor", "kampot", "KH", "kbri_phnom_penh"],
    ["Otres", "sihanoukville", "KH", "kbri_phnom_penh"],
    ["Jin Bei", "sihanoukville", "KH", "kbri_phnom_penh"],
    ["O'Neang", "poipet", "KH", "kbri_phnom_penh"],
    ["Pnom Pen", "phnom_penh", "KH", "kbri_phnom_penh"],
    // Myanmar
    ["Tachileik", "tachileik", "MM", "kbri_yangon"],
    ["Tachilek", "tachileik", "MM", "kbri_yangon"],
    ["Payathonzu", "payathonzu", "MM", "kbri_yangon"],
    ["Three Pagodas Pass", "payathonzu", "MM", "kbri_yangon"],
    ["Lay Kay Kaw", "lay_kay_kaw", "MM", "kbri_yangon"],
    ["Dongmei", "lay_kay_kaw", "MM", "kbri_yangon"],
    ["Laukkai", "laukkai", "MM", "kbri_yangon"],
    ["Mongla", "mong_la", "MM", "kbri_yangon"],
    // Thailand
    ["Mae Sai", "mae_sai", "TH", "kbri_bangkok"],
    ["Chiang Rai", "chiang_rai", "TH", "kbri_bangkok"],
    ["Rim Moei", "rim_moei", "TH", "kbri_bangkok"],
    ["Songkhla", "songkhla", "TH", "kri_songkhla"],
    ["Hat Yai", "hat_yai", "TH", "kri_songkhla"],
    ["Phuket", "phuket", "TH", "kri_songkhla"],
    ["Surat Thani", "thailand_south", "TH", "kri_songkhla"],
    // Laos
    ["Boten", "boten", "LA", "kbri_vientiane"],
    // Vietnam
    ["Moc Bai", "moc_bai", "VN", "kjri_ho_chi_minh"],
    ["Tay Ninh", "tay_ninh", "VN", "kjri_ho_chi_minh"],
    ["Da Nang", "da_nang", "VN", "kbri_hanoi"],
    // Philippines
    ["Zamboanga", "mindanao", "PH", "kjri_davao"],
    // Malaysia and its consulates
    ["Johor", "johor", "MY", "kjri_johor_bahru"],
    ["Johor Bahru", "johor", "MY", "kjri_johor_bahru"],
    ["Melaka", "melaka", "MY", "kjri_johor_bahru"],
    ["Pahang", "pahang", "MY", "kjri_johor_bahru"],
    ["Penang", "penang", "MY", "kjri_penang"],
    ["Kedah", "kedah", "MY", "kjri_penang"],
    ["Kuching", "sarawak", "MY", "kjri_kuching"],
    ["Sarawak", "sarawak", "MY", "kjri_kuching"],
    ["Sabah", "sabah", "MY", "kjri_kota_kinabalu"],
    ["Kota Kinabalu", "sabah", "MY", "kjri_kota_kinabalu"],
    ["Tawau", "tawau", "MY", "kri_tawau"],
    ["Lahad Datu", "lahad_datu", "MY", "kri_tawau"],
    // Further away
    ["Dubai", "dubai", "AE", "kjri_dubai"],
    ["Abu Dhabi", "abu_dhabi", "AE", "kbri_abu_dhabi"],
    ["Uni Emirat Arab", undefined, "AE", "kbri_abu_dhabi"],
    ["Timor Leste", undefined, "TL", "kbri_dili"],
    ["Dili", "dili", "TL", "kbri_dili"],
    ["Afrika Selatan", undefined, "ZA", "kbri_pretoria"],
    ["Cape Town", "cape_town", "ZA", "kjri_cape_town"],
    ["Georgia", undefined, "GE", "kbri_kyiv"],
  ];

  it.each(table)("%s -> %s (%s), %s", (text, id, country, mission) => {
    expect(typed(text)).toEqual({ ...(id ? { id } : {}), country, mission });
  });
});

describe("what people plausibly type", () => {
  const table: [typed: string, id: string][] = [
    ["sihanukvil", "sihanoukville"],
    ["sihanoukvile", "sihanoukville"],
    ["shianokvil", "sihanoukville"],
    ["saya di sihanokvil", "sihanoukville"],
    ["phnom phen", "phnom_penh"],
    ["pnom pen", "phnom_penh"],
    ["phnom pen", "phnom_penh"],
    ["poi pet", "poipet"],
    ["poipet dekat perbatasan", "poipet"],
    ["bavet", "bavet"],
    ["bafet", "bavet"],
    ["myawadi", "myawaddy"],
    ["miyawadi", "myawaddy"],
    ["kk park", "kk_park"],
    ["kkpark", "kk_park"],
    ["KK PARK!!", "kk_park"],
    ["shwe koko", "shwe_kokko"],
    ["swe koko", "shwe_kokko"],
    ["golden triangel", "golden_triangle_sez"],
    ["goldeen triangle", "golden_triangle_sez"],
    ["segitiga emas", "golden_triangle_sez"],
    ["tachilek", "tachileik"],
    ["mae sot", "mae_sot"],
    ["maesai", "mae_sai"],
    ["chiangrai", "chiang_rai"],
    ["mondulkri", "mondulkiri"],
    ["kampung speu", "kampong_speu"],
    ["dubay", "dubai"],
    ["sharjah", "sharjah"],
  ];

  it.each(table)("%s -> %s", (text, id) => {
    expect(typed(text).id).toBe(id);
  });
});

describe("everyday words one letter from a place name", () => {
  it.each([
    ["satu orang"], // Satun
    ["kucing saya"], // Kuching
    ["di kedai"], // Kedah
    ["sabar ya"], // Sabah
    ["di sawah"], // Sabah
    ["tawar menawar"], // Tawau
    ["celaka"], // Melaka
    ["lampunya terang"], // Trang
    ["petani"], // Pattani
    ["naik kuda"], // Kudat
    ["atapnya bocor"], // Bokor
    ["dagang"], // Danang
    ["di spark"], // KKPark
    ["menang"], // Penang
    ["pinang"], // Penang
    ["Tanjung Pinang"], // Penang: Riau Islands, Indonesia
    ["Labuhan Bajo"], // Labuan
    ["Labuan Bajo"], // Labuan: Flores, Indonesia
    ["Timor Tengah Selatan"], // Timor-Leste: NTT, Indonesia
    ["Kupang, Timor"], // Timor-Leste
    ["mobil Dongfeng"], // Dongfeng Park
  ])("%j resolves to no place abroad", (text) => {
    expect(view.placeFromText(text)).toEqual({ found: false, reason: "unknown" });
  });
});

describe("a shared pin reaches the consulate that serves the area", () => {
  const table: [what: string, lat: number, lon: number, id: string | undefined, mission: string][] =
    [
      ["Johor Bahru", 1.49, 103.74, "johor", "kjri_johor_bahru"],
      ["Melaka", 2.19, 102.25, "melaka", "kjri_johor_bahru"],
      ["Kuala Lumpur", 3.14, 101.69, "kuala_lumpur", "kbri_kuala_lumpur"],
      ["George Town", 5.41, 100.33, "penang", "kjri_penang"],
      ["Kuching", 1.55, 110.36, "sarawak", "kjri_kuching"],
      ["Miri, by Sarawak's outline", 4.4, 113.99, "sarawak", "kjri_kuching"],
      ["Kota Kinabalu", 5.98, 116.07, "sabah", "kjri_kota_kinabalu"],
      ["Sandakan", 5.84, 118.12, "sandakan", "kjri_kota_kinabalu"],
      ["Tawau", 4.24, 117.89, "tawau", "kri_tawau"],
      ["Semporna", 4.48, 118.61, "semporna", "kri_tawau"],
      ["Phuket", 7.88, 98.39, "phuket", "kri_songkhla"],
      ["Surat Thani, by the southern outline", 9.14, 99.33, "thailand_south", "kri_songkhla"],
      ["Hua Hin, north of the outline", 12.57, 99.96, undefined, "kbri_bangkok"],
      ["Dubai", 25.2, 55.27, "dubai", "kjri_dubai"],
      ["Ras Al Khaimah", 25.79, 55.95, "ras_al_khaimah", "kjri_dubai"],
      ["Abu Dhabi", 24.45, 54.38, "abu_dhabi", "kbri_abu_dhabi"],
      ["Dili", -8.56, 125.57, "dili", "kbri_dili"],
      ["Cape Town", -33.92, 18.42, "cape_town", "kjri_cape_town"],
      ["Johannesburg", -26.2, 28.05, "johannesburg", "kbri_pretoria"],
      ["Tbilisi", 41.72, 44.83, "tbilisi", "kbri_kyiv"],
      ["Koh Kong", 11.62, 102.98, "koh_kong", "kbri_phnom_penh"],
      ["Golden Triangle SEZ", 20.36, 100.1, "golden_triangle_sez", "kbri_vientiane"],
      [
        "Sop Ruak, Thai side of the Golden Triangle",
        20.355,
        100.083,
        "chiang_saen",
        "kbri_bangkok",
      ],
    ];

  it.each(table)("%s", (_what, lat, lon, id, mission) => {
    const match = view.placeFromPoint(lat, lon);
    if (!match.found) throw new Error("not found");
    expect(match.id).toBe(id);
    expect(view.missionFor(match.country, match.id)).toBe(mission);
  });
});

describe("what a person is told at a new place", () => {
  it("in Johor: the consulate's lines, then KBRI Kuala Lumpur's hotline, named", () => {
    const text = view.render("id", "mission", { id: "johor", country: "MY" }) ?? "";
    expect(text.split("\n")).toEqual([
      "Hubungi KJRI Johor Bahru:",
      "Telepon kantor: +60 7 227 4188, +60 7 221 3241",
      "Bisa juga menghubungi:",
      "KBRI Kuala Lumpur, Hotline: +60 17 668 8032",
    ]);
  });

  it("in Kuala Lumpur: the hotline as a phone line, not a WhatsApp complaints line", () => {
    const text = view.render("en", "mission", { id: "kuala_lumpur", country: "MY" }) ?? "";
    expect(text.split("\n")[1]).toBe("Hotline: +60 17 668 8032");
    expect(text).not.toMatch(/WhatsApp|complaints/);
  });

  it("in Dubai: KJRI Dubai, the Kemlu hotline, never the hoax number", () => {
    const text = view.render("en", "mission", { id: "dubai", country: "AE" }) ?? "";
    expect(text).toContain("+971 4 398 5666");
    expect(text).toContain("+62 812 9007 0027");
    expect(text.replace(/\D/g, "")).not.toContain("6281390032112");
  });

  it("in Phnom Penh: the fee and impostor notice with the contacts", () => {
    const id = view.render("id", "mission", { country: "KH" }) ?? "";
    const en = view.render("en", "mission", { country: "KH" }) ?? "";
    expect(id).toContain("Layanan KBRI gratis, kecuali biaya resmi SPLP.");
    expect(id).toContain("mengaku dari KBRI lalu meminta uang");
    expect(en).toContain("KBRI services are free, except the official SPLP fee.");
  });

  it("in Yangon: the hotline, then the embassy's landlines", () => {
    const text = view.render("id", "mission", { country: "MM" }) ?? "";
    expect(text.split("\n").slice(1)).toEqual([
      "Hotline: +95 9 503 7055",
      "Telepon kantor: +95 1 254 465, +95 1 254 469, +95 1 229 750",
    ]);
  });
});
