/**
 * The real directory data and texts, loaded once per test file, plus a way to break a
 * copy of the data files in a temporary folder.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createDirectory,
  type DirectoryData,
  DirectoryError,
  type DirectoryProblem,
  loadDirectory,
} from "../../src/directory/index.js";
import type { DirectoryView, Texts } from "../../src/engine/types.js";
import { createTexts, readLocales } from "../../src/i18n/texts.js";

export const DIRECTORY_DIR = fileURLToPath(new URL("../../directory", import.meta.url));
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

let cache: { data: DirectoryData; texts: Texts; view: DirectoryView } | undefined;

/** The data, texts and view `npm start` would build. */
export function real(): { data: DirectoryData; texts: Texts; view: DirectoryView } {
  if (!cache) {
    const data = loadDirectory(DIRECTORY_DIR);
    const texts = createTexts(readLocales(LOCALES_DIR), ["id", "en"]);
    cache = { data, texts, view: createDirectory(data, texts) };
  }
  return cache;
}

/**
 * A temporary copy of `directory/` with `file` edited by `edit`; fails loudly when the
 * edit changed nothing, so a test never passes against unbroken data.
 */
export function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "pulang-directory-"));
  cpSync(DIRECTORY_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, "utf8");
  const after = edit(before);
  if (after === before) throw new Error(`the edit to ${file} changed nothing`);
  writeFileSync(path, after);
  return dir;
}

/** Replace exactly one occurrence of `from`. */
export function replaceOnce(from: string, to: string): (text: string) => string {
  return (text) => {
    const at = text.indexOf(from);
    if (at < 0 || text.indexOf(from, at + 1) >= 0)
      throw new Error(`"${from}" must occur exactly once`);
    return text.slice(0, at) + to + text.slice(at + from.length);
  };
}

/**
 * Load a copy of the directory with `file` edited and return what the loader complained
 * about; fails when it loaded without complaint. The copy is removed afterwards.
 */
export function problemsOf(
  file: string,
  edit: (text: string) => string,
): { problems: readonly DirectoryProblem[]; message: string } {
  const dir = brokenCopy(file, edit);
  try {
    loadDirectory(dir);
  } catch (err) {
    if (!(err instanceof DirectoryError)) throw err;
    return { problems: err.problems, message: err.message };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  throw new Error("loaded without complaint");
}
