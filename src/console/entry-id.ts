/** Ids of stored entries that sort by time (the audit log's, a transcript's). */
import { randomBytes } from "node:crypto";

let sequence = 0;

/** The time, then a counter (entries of one millisecond keep their order), then noise. */
export function timeOrderedId(at: number): string {
  sequence = (sequence + 1) % 1e6;
  return `${String(at).padStart(15, "0")}-${String(sequence).padStart(6, "0")}-${randomBytes(3).toString("hex")}`;
}
