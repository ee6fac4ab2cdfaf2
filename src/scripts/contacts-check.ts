/**
 * `npm run contacts:check [-- --max-age-days N] [--strict] [--dir PATH]`
 *
 * Lists the contacts someone must call or message before they are trusted: never verified,
 * or verified more than N days ago (default 180), and, separately, the do-not-use entries.
 * It is a report: exit code 0. With --strict, exit code 1 when any contact needs checking
 * (do-not-use entries are expected and never fail it). Exit code 2 when it cannot run
 * (bad arguments, or directory files with problems).
 */
import { parseArgs } from "node:util";
import { createConfig } from "../config.js";
import { auditContacts, formatAudit } from "../directory/audit.js";
import { loadDirectory } from "../directory/load.js";

const DEFAULT_MAX_AGE_DAYS = 180;

interface Options {
  maxAgeDays: number;
  strict: boolean;
  dir: string;
}

function readOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      "max-age-days": { type: "string" },
      strict: { type: "boolean", default: false },
      dir: { type: "string" },
    },
  });
  const raw = values["max-age-days"] ?? String(DEFAULT_MAX_AGE_DAYS);
  const maxAgeDays = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(maxAgeDays)) {
    throw new Error(`--max-age-days must be a whole number of days, e.g. 180 (got "${raw}")`);
  }
  const dir = values.dir ?? createConfig(process.env).paths.directory;
  return { maxAgeDays, strict: values.strict ?? false, dir };
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
