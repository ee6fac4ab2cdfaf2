/**
 * A review of every text a person can read, in every language: no judging word, and no
 * promise of rescue, immunity or any outcome.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const LOCALES = join(import.meta.dirname, "../../locales");

/** Every string in a locale file, with its key path. */
function strings(tree: unknown, path = ""): [string, string][] {
  if (typeof tree === "string") return [[path, tree]];
  if (Array.isArray(tree)) return tree.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (tree && typeof tree === "object") {
    return Object.entries(tree).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** Texts people read (keyword lists are words people type, not words we say). */
const texts = readdirSync(LOCALES).flatMap((lng) =>
  readdirSync(join(LOCALES, lng))
    // keywords.json and understanding.json hold words people write to us, never words we send.
    .filter((f) => f.endsWith(".json") && f !== "keywords.json" && f !== "understanding.json")
    .flatMap((f) =>
      strings(JSON.parse(readFileSync(join(LOCALES, lng, f), "utf8")))
        .filter(([key]) => !key.includes("synonyms"))
        .map(([key, text]) => ({ where: `${lng}/${f} ${key}`, text })),
    ),
);

const JUDGING =
  /\b(criminals?|scammers?|fraudsters?|illegals?|kriminal|penjahat|penipu|pelaku|pekerja ilegal|tersangka)\b/i;
const PROMISES = [
  /\bwe (will|'ll|can) (rescue|save|free|get you out)/i,
  /\b(you will|you'll) be (rescued|safe|freed|released)/i,
  /\b(kami akan|pasti) (menyelamatkan|membebaskan|mengeluarkan|menjemput)/i,
  /\b(kamu|anda) (akan|pasti) (diselamatkan|dibebaskan|selamat|aman)/i,
  /\b(guarantee|guaranteed|dijamin|jaminan|pasti berhasil)\b/i,
  /\b(immunity|imunitas|kekebalan|tidak akan dihukum|tidak akan ditangkap|won't be (punished|arrested|charged))\b/i,
];

describe("wording", () => {
  it("has texts to review", () => {
    expect(texts.length).toBeGreaterThan(200);
  });

  it("never judges the people we serve", () => {
    const found = texts.filter((t) => JUDGING.test(t.text)).map((t) => t.where);
    expect(found).toEqual([]);
  });

  it("never promises rescue, immunity or an outcome", () => {
    const found = texts
      .filter((t) => PROMISES.some((p) => p.test(t.text)))
      .map((t) => `${t.where}: ${t.text}`);
    expect(found).toEqual([]);
  });

  it("says plainly, in both languages, that it cannot promise a rescue or an outcome", () => {
    const intro = texts.filter((t) => t.where.endsWith("welcome.json intro")).map((t) => t.text);
    expect(intro).toHaveLength(2);
    expect(intro.join(" ")).toMatch(/tidak bisa menjanjikan penyelamatan/);
    expect(intro.join(" ")).toMatch(/cannot promise a rescue/);
  });

  it("catches the words it looks for (the review itself works)", () => {
    expect(JUDGING.test("Kamu bukan penjahat")).toBe(true);
    expect(PROMISES.some((p) => p.test("Kami akan menyelamatkan kamu"))).toBe(true);
    expect(PROMISES.some((p) => p.test("We cannot promise a rescue"))).toBe(false);
  });
});
