/**
 * Structured logs. They never hold what people wrote, their names, numbers or places:
 * log ids, kinds and counts only, and redaction catches slips.
 */
import { type Logger, pino } from "pino";

export type { Logger };

/** Field names that must never reach a log line, wherever they appear. */
export const REDACTED_FIELDS = [
  "text",
  "caption",
  "phone",
  "phone_number",
  "name",
  "first_name",
  "last_name",
  "username",
  "latitude",
  "longitude",
  "lat",
  "lon",
  "answers",
  "summary",
  "report",
  "inbound",
  "session",
];

/** A logger writing JSON lines to `destination` (stdout by default). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  return pino({ level, redact: { paths, censor: "[redacted]" } }, destination as never);
}
