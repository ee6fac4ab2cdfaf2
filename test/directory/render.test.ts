import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allContacts } from "../../src/directory/index.js";
import { valueKey } from "../../src/directory/load.js";
import { requiredTextKeys } from "../../src/directory/render.js";
import type { PlaceAnswer } from "../../src/engine/types.js";
import { LOCALES_DIR, real } from "./fixture.js";

const { view, data, texts } = real();
const LANGS = ["id", "en"] as const;
const BLOCKS = ["mission", "mission_address", "local_emergency", "national"];

/** Every place a person could be resolved to, plus country-only and unknown. */
const everywhere: (PlaceAnswer | undefined)[] = [
  undefined,
  {},
  ...data.countries.map((c) => ({ country: c.code })),
  ...data.places.map((p) => ({ id: p.id, country: p.country })),
];

function everyRendering(): string[] {
  const out: string[] = [];
  for (const lng of LANGS) {
    for (const place of everywhere) {
      for (const block of BLOCKS) {
        const text = view.render(lng, block, place);
        if (text) out.push(text);
      }
    }
    for (const { contact } of allContacts(data)) {
      const text = view.render(lng, `contact:${contact.id}`, undefined);
      if (text) out.push(text);
    }
  }
  return out;
}

const digits = (s: string): string => s.replace(/\D/g, "");

describe("the mission block", () => {
  it("gives a person in Poipet the Phnom Penh protection hotline first, in both languages", () => {
    const place = { id: "poipet", country: "KH" };
    const id = view.render("id", "mission", place) ?? "";
    const en = view.render("en", "mission", place) ?? "";
    expect(id.split("\n")[1]).toBe("Hotline Pelindungan WNI (WhatsApp): +855 12 813 282");
    expect(en.split("\n")[1]).toBe("Citizen protection hotline (WhatsApp): +855 12 813 282");
    expect(id).toContain("KBRI Phnom Penh");
    expect(en).toContain("Indonesian Embassy in Phnom Penh");
    expect(id.indexOf("+855 61 844 661")).toBeLessThan(id.indexOf("+855 23 217 934"));
  });

  it("gives Laos the Vientiane phones with the Kemlu hotline and KP2MI, not Peduli WNI", () => {
    for (const lng of LANGS) {
      const text = view.render(lng, "mission", { country: "LA" }) ?? "";
      expect(text).toContain("+856 21 413 909, +856 21 413 910, +856 21 413 900");
      expect(text).toContain("+62 812 9007 0027");
      expect(text).toContain("+62 21 2924 4800");
      // A portal that needs an account verified for days is no help in danger (audit 2026-12).
      expect(text).not.toContain("peduliwni.kemlu.go.id");
    }
  });

  it("shows the Manila landline, no hotline on hold, and the Kemlu hotline for after hours", () => {
    const text = view.render("id", "mission", { country: "PH" }) ?? "";
    expect(text.split("\n")[1]).toContain("+63 2 8892 5061 sampai 5068");
    expect(text).not.toContain("954 158 3125");
    expect(text).not.toContain("917 319 8470");
    expect(text).toContain("Hotline Kemlu untuk WNI: +62 812 9007 0027");
  });

  it("routes Davao to the consulate, its hotline first", () => {
    const id = view.render("id", "mission", { id: "davao", country: "PH" }) ?? "";
    const en = view.render("en", "mission", { id: "davao", country: "PH" }) ?? "";
    expect(id.split("\n").slice(0, 2)).toEqual([
      "Hubungi KJRI Davao:",
      "Hotline: +63 966 2455 472",
    ]);
    expect(en).toContain("Hotline: +63 966 2455 472");
    expect(en).toContain("+62 812 9007 0027");
  });

  it("gives a person in Mae Sot KBRI Bangkok's hotline", () => {
    const text = view.render("en", "mission", { id: "mae_sot", country: "TH" }) ?? "";
    expect(text).toContain("+66 92 903 1103");
    expect(text).not.toContain("Yangon");
  });

  it("falls back to the national channels when the place is unknown or at home", () => {
    for (const place of [undefined, {}, { country: "ID" }]) {
      const text = view.render("id", "mission", place) ?? "";
      expect(text.split("\n")).toEqual([
        "Layanan resmi Kemlu untuk WNI:",
        "Hotline Kemlu untuk WNI: +62 812 9007 0027",
        "KP2MI dari luar negeri (24 jam): +62 21 2924 4800",
        "Portal Peduli WNI (lapor dan daftar diri): peduliwni.kemlu.go.id",
      ]);
    }
  });

  it("tells a person in a country without a mission so, with the national channels", () => {
    // Japan: country-coder knows it, the directory does not.
    const place = view.placeFromPoint(35.68, 139.69);
    expect(place).toEqual({ found: true, country: "JP" });
    const id = view.render("id", "mission", { country: "JP" }) ?? "";
    const en = view.render("en", "mission", { country: "JP" }) ?? "";
    expect(id.split("\n")[0]).toBe("Kami belum punya kontak KBRI untuk negara itu.");
    expect(en.split("\n")[0]).toBe("We have no embassy contacts yet for the country you are in.");
    for (const text of [id, en]) {
      expect(text).toContain("+62 812 9007 0027");
      expect(text).toContain("+62 21 2924 4800");
    }
  });

  it("never offers the Safe Travel app in a block, whose panic button is unverified since 2019", () => {
    for (const lng of LANGS) {
      for (const place of everywhere) {
        for (const block of BLOCKS) {
          expect(view.render(lng, block, place) ?? "").not.toMatch(
            /Safe Travel|tombol darurat|panic/,
          );
        }
      }
    }
  });

  it("never claims 24 hours for the Kemlu hotline, whose only such source is from 2018", () => {
    for (const lng of LANGS) {
      const line = view.render(lng, "contact:kemlu.hotline", undefined) ?? "";
      expect(line).toContain("+62 812 9007 0027");
      expect(line).not.toMatch(/24/);
    }
  });
});

describe("other blocks", () => {
  it("gives the mission's current address, not an old one", () => {
    const text = view.render("id", "mission_address", { id: "poipet", country: "KH" }) ?? "";
    // The landmark is what a tuk-tuk driver knows (audit 2026-12 §1.1).
    expect(text).toBe(
      "KBRI Phnom Penh\nAlamat: No. 33, Street 268 (Preah Suramarit Blvd), di seberang Patung Raja Norodom Sihanouk, Phnom Penh",
    );
    expect(view.render("id", "mission_address", undefined)).toBeUndefined();
  });

  it("puts the local-police caution before local emergency numbers", () => {
    const id = view.render("id", "local_emergency", { country: "KH" }) ?? "";
    const en = view.render("en", "local_emergency", { country: "KH" }) ?? "";
    expect(id.split("\n")[0]).toMatch(/hubungi KBRI dulu.*polisi setempat/i);
    expect(en.split("\n")[0]).toMatch(/KBRI first.*police directly can put you at risk/i);
    expect(id.indexOf("KBRI")).toBeLessThan(id.indexOf("117"));
    expect(id).toContain("Kamboja");
  });

  it.each([
    ["TH", ["191", "1155", "1669", "1300"]],
    ["LA", ["1190"]],
    ["PH", ["911", "1343"]],
  ])("lists local emergency numbers for %s", (country, numbers) => {
    const text = view.render("en", "local_emergency", { country }) ?? "";
    for (const n of numbers) expect(text).toMatch(new RegExp(`: ${n}$`, "m"));
  });

  it("marks Laos' police and ambulance numbers as unconfirmed: no public source names them", () => {
    const text = view.render("en", "local_emergency", { country: "LA" }) ?? "";
    expect(text).toContain("Police: 1191 (not yet confirmed)");
    expect(text).toContain("Ambulance: 1195 (not yet confirmed)");
  });

  it("gives Myanmar the caution and no number; nothing where no country is known", () => {
    expect(view.render("id", "local_emergency", { country: "MM" })).toBe(
      "Sebaiknya hubungi KBRI dulu. Menghubungi polisi setempat langsung bisa membahayakanmu.",
    );
    expect(view.render("id", "local_emergency", { country: "MY" })).toBeUndefined();
    expect(view.render("id", "local_emergency", undefined)).toBeUndefined();
  });

  it("renders one contact by id", () => {
    expect(view.render("id", "contact:kp2mi.call_centre", undefined)).toBe(
      "Call center KP2MI (gratis, 24 jam, dari Indonesia): 0800-1000",
    );
    expect(view.render("en", "contact:peduli_wni", undefined)).toBe(
      "Peduli WNI portal (report, register yourself): peduliwni.kemlu.go.id",
    );
    expect(view.render("en", "contact:police.local_station", undefined)).toBe(
      "Report at the nearest police station in Indonesia",
    );
  });

  it("knows which blocks flows may reference", () => {
    for (const block of [...BLOCKS, "contact:kp2mi.call_centre", "contact:peduli_wni"]) {
      expect(view.hasBlock(block)).toBe(true);
    }
    expect(view.hasBlock("contact:kbri_phnom_penh.unsourced_phone")).toBe(false);
    expect(view.hasBlock("contact:no_such_contact")).toBe(false);
    expect(view.hasBlock("embassy")).toBe(false);
    // On hold: flows stay valid, but nothing is shown until someone checks the number.
    expect(view.hasBlock("contact:kbri_manila.hotline_a")).toBe(true);
    expect(view.render("id", "contact:kbri_manila.hotline_a", undefined)).toBeUndefined();
    expect(view.render("id", "contact:kbri_phnom_penh.unsourced_phone", undefined)).toBeUndefined();
  });
});

describe("what is never shown", () => {
  const rendered = everyRendering();

  it("renders something for every place", () => {
    expect(rendered.length).toBeGreaterThan(100);
  });

  it("never shows a do-not-use or on-hold number, in any block, place or language", () => {
    const hidden = allContacts(data)
      .map((c) => c.contact)
      .filter((c) => c.status !== "active" && (c.kind === "phone" || c.kind === "whatsapp"));
    const named = [
      "+855-12-810-005",
      "+95-9-450-014-300",
      "+856 20 55 97 05 20",
      "+856 20 55 97 0581",
    ];
    expect(hidden.map((c) => c.value)).toEqual(expect.arrayContaining(named));
    // Long numbers must not appear anywhere in a line; short ones ("119 ext 5") must not be
    // a line's whole number (Laos' ambulance 1195 is fine).
    for (const text of rendered) {
      for (const line of text.split("\n")) {
        const shown = digits(line);
        for (const c of hidden) {
          const banned = digits(c.value ?? "");
          if (banned.length >= 8) expect(shown).not.toContain(banned);
          else
            expect(valueKey({ kind: "phone", value: line.split(": ").at(-1) })).not.toBe(
              valueKey(c),
            );
        }
      }
    }
  });

  it("never shows a Singapore (+65) number or an out-of-date address", () => {
    for (const text of rendered) {
      expect(text).not.toMatch(/\+\s*65/);
      expect(text).not.toMatch(/Street 466|Street 400|Thadeua/);
    }
  });

  it("never shows a raw text key", () => {
    for (const text of rendered) expect(text).not.toContain("directory:");
  });

  it("keeps every block short enough for a phone screen", () => {
    for (const text of rendered) {
      expect(text.split("\n").length).toBeLessThanOrEqual(10);
      for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(130);
    }
  });
});

describe("the texts", () => {
  const files = LANGS.map((lng) =>
    JSON.parse(readFileSync(join(LOCALES_DIR, lng, "directory.json"), "utf8")),
  );

  it("has every key rendering uses, in both languages", () => {
    const keys = requiredTextKeys(data);
    expect(keys).toContain("directory:caution.local_police");
    for (const lng of LANGS) {
      const missing = keys.filter((k) => !texts.has(lng, k));
      expect(missing, lng).toEqual([]);
    }
  });

  it("has the same keys in Indonesian and English", () => {
    const leaves = (o: object, prefix = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === "object" && v !== null ? leaves(v, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    expect(leaves(files[0]).sort()).toEqual(leaves(files[1]).sort());
  });

  it("never judges, and never promises rescue or an outcome", () => {
    const banned =
      /criminal|scammer|penjahat|penipu|kriminal|rescue|menyelamatkan|guarantee|dijamin|pasti (dibantu|pulang|aman)|immunity|kekebalan/i;
    for (const file of files) expect(JSON.stringify(file)).not.toMatch(banned);
  });

  it("is plain text: no HTML or Markdown", () => {
    for (const file of files)
      expect(JSON.stringify(file)).not.toMatch(/<[a-z/]|\*\*|__|\[[^\]]*\]\(/i);
  });
});
