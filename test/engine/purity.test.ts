import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ENGINE = join(import.meta.dirname, "../../src/engine");

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

describe("the engine is pure", () => {
  const files = sources(ENGINE);

  it("has source files to check", () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it.each(files.map((f) => [relative(ENGINE, f), f]))("%s imports no I/O", (_name, file) => {
    for (const { from, typeOnly } of importsOf(file)) {
      if (typeOnly) continue;
      const insideEngine = from.startsWith(".") && join(file, "..", from).startsWith(ENGINE);
      const allowed = insideEngine || from === "zod";
      expect(allowed, `${relative(ENGINE, file)} imports "${from}" at run time`).toBe(true);
    }
  });

  it("never reads the clock or randomness itself", () => {
    for (const file of files) {
      const code = readFileSync(file, "utf8");
      expect(code, relative(ENGINE, file)).not.toMatch(
        /Date\.now\(|new Date\(|Math\.random\(|process\./,
      );
    }
  });
});
