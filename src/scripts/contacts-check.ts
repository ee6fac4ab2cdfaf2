/**
 * `npm run contacts:check [-- --max-age-days N] [--max-source-age-days N] [--strict] [--dir PATH]`
 *
 * Lists the contacts someone must call or message before they are trusted: never verified,
 * or verified more than N days ago (default 180); separately, those whose newest source is
 * older than two years (`--max-source-age-days`, default 730) or undated; and the do-not-use
 * entries.
 * It is a report: exit code 0. With --strict, exit code 1 when any contact needs checking
 * (do-not-use entries are expected and never fail it). Exit code 2 when it cannot run
 * (bad arguments, or directory files with problems).
 */
import { parseArgs } from "node:util";
import { createConfig } from "../config.js";
import { auditContacts, DEFAULT_MAX_SOURCE_AGE_DAYS, formatAudit } from "../directory/audit.js";
import { loadDirectory } from "../directory/load.js";

const DEFAULT_MAX_AGE_DAYS = 180;

interface Options {
  maxAgeDays: number;
  maxSourceAgeDays: number;
  strict: boolean;
  dir: string;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      "max-age-days": { type: "string" },
      "max-source-age-days": { type: "string" },
      strict: { type: "boolean", default: false },
      dir: { type: "string" },
    },
  });
  const maxAgeDays = days("--max-age-days", values["max-age-days"], DEFAULT_MAX_AGE_DAYS);
  const maxSourceAgeDays = days(
    "--max-source-age-days",
    values["max-source-age-days"],
    DEFAULT_MAX_SOURCE_AGE_DAYS,
  );
  const dir = values.dir ?? createConfig(process.env).paths.directory;
  return { maxAgeDays, maxSourceAgeDays, strict: values.strict ?? false, dir };
}

function days(flag: string, raw: string | undefined, fallback: number): number {
  const text = raw ?? String(fallback);
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new Error(`${flag} must be a whole number of days, e.g. ${fallback} (got "${text}")`);
  }
  return n;
}

function main(): number {
  let options: Options;
  try {
    options = readOptions(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  try {
    const data = loadDirectory(options.dir);
    const report = auditContacts(data, {
      now: Date.now(),
      maxAgeDays: options.maxAgeDays,
      maxSourceAgeDays: options.maxSourceAgeDays,
      dir: options.dir,
    });
    process.stdout.write(`${formatAudit(report)}\n`);
    return options.strict && report.needsCheck.length > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
}

process.exitCode = main();
