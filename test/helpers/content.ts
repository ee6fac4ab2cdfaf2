/**
 * The real flows, texts and directory, loaded once per test file; and copies of them to
 * break on purpose.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { createConfig } from "../../src/config.js";
import type { Bundle } from "../../src/engine/types.js";
import { type ContentPaths, loadBundle } from "../../src/flows/bundle.js";
import { FlowError } from "../../src/flows/load.js";

let cached: Bundle | undefined;

/** The bundle `npm start` would load. */
export function realBundle(): Bundle {
  cached ??= loadBundle(createConfig({}).paths, ["id", "en"]);
  return cached;
}

const copies: string[] = [];

/** A copy of the real flows and texts (the directory is shared) that tests may edit. */
export function copyContent(): ContentPaths {
  const real = createConfig({}).paths;
  const root = mkdtempSync(join(tmpdir(), "pulang-content-"));
  copies.push(root);
  const paths = {
    flows: join(root, "flows"),
    locales: join(root, "locales"),
    directory: real.directory,
  };
  cpSync(real.flows, paths.flows, { recursive: true });
  cpSync(real.locales, paths.locales, { recursive: true });
  return paths;
}

/** Remove every copy made so far (after each test). */
export function removeContentCopies(): void {
  for (const d of copies.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Replace `from` with `to` in `file`; fails the setup if `from` is not there. */
export function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`test setup: "${from}" not in ${file}`);
  writeFileSync(file, text.replace(from, to));
}

/** Every problem loading `paths` reports, or "" when the content loads. */
export function problemsOf(paths: ContentPaths): string {
  try {
    loadBundle(paths, ["id", "en"]);
    return "";
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return (err as Error).message;
  }
}
