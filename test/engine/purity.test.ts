import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ENGINE = join(import.meta.dirname, "../../src/engine");
const UNDERSTANDING = join(import.meta.dirname, "../../src/understanding");
/** Libraries the pure layers may use: validation, and NLP.js / Sastrawi (no I/O at all). */
const PURE_LIBRARIES = new Set([
  "zod",
  "@nlpjs/neural",
  "@nlpjs/lang-id",
  "@nlpjs/lang-en",
  "sastrawijs",
]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(join(dir, d.name))
      : d.name.endsWith(".ts")
        ? [join(dir, d.name)]
        : [],
  );
}

/** Imports of a file, with whether they are type-only (erased at run time). */
function importsOf(file: string): { from: string; typeOnly: boolean }[] {
  const code = readFileSync(file, "utf8");
  const found: { from: string; typeOnly: boolean }[] = [];
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
    found.push({ from: m[3] as string, typeOnly: m[2] !== undefined });
  }
  for (const m of code.matchAll(/import\(\s*"([^"]+)"\s*\)/g))
    found.push({ from: m[1] as string, typeOnly: false });
  return found;
}

describe.each([
  ["engine", ENGINE],
  ["understanding", UNDERSTANDING],
])("the %s layer is pure", (_layer, root) => {
  const files = sources(root);

  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(root, f), f]))("%s imports no I/O", (_name, file) => {
    for (const { from, typeOnly } of importsOf(file)) {
      if (typeOnly) continue;
      const target = join(file, "..", from);
      const pureLayer = target.startsWith(ENGINE) || target.startsWith(UNDERSTANDING);
      const allowed = (from.startsWith(".") && pureLayer) || PURE_LIBRARIES.has(from);
      expect(allowed, `${relative(root, file)} imports "${from}" at run time`).toBe(true);
    }
  });

  it("never reads the clock or randomness itself", () => {
    for (const file of files) {
      const code = readFileSync(file, "utf8");
      expect(code, relative(root, file)).not.toMatch(
        /Date\.now\(|new Date\(|Math\.random\(|process\./,
      );
    }
  });
});
