/**
 * What the conversation stores read back, checked with zod before anyone uses it: a value
 * that decodes but is not what was written (damage, a bug in an older version) is refused
 * here, with a `CodecError`, like a value that does not decode at all.
 */
import { z } from "zod";
import type { Effect } from "../engine/types.js";
import { CodecError } from "./codec.js";

/** Every effect kind the runtime can carry out (checked against `Effect` below). */
const EFFECT_TYPES = [
  "reply",
  "escalate",
  "report",
  "relay",
  "reattach",
  "erase",
  "end",
  "tidy",
  "wipe",
  "schedule",
  "cancel",
  "error",
  "consent",
  "news",
] as const satisfies readonly Effect["type"][];

// A new kind of effect must be added above, or its outbox entries would be quarantined.
type Unlisted = Exclude<Effect["type"], (typeof EFFECT_TYPES)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : never = true;
void everyKindListed;

/** An outbox entry: the step's effects, each with a known kind (the rest is the engine's). */
const effectsSchema = z.array(z.looseObject({ type: z.enum(EFFECT_TYPES) }));
/** The indices of an entry's effects already carried out. */
const doneSchema = z.array(z.number().int().nonnegative());

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  // The issues may quote stored content: only the kind of value is said.
  if (!parsed.success) throw new CodecError(`stored ${what} is malformed`);
  return parsed.data;
}

/** A decoded outbox entry, checked. @throws CodecError */
export function storedEffects(value: unknown): Effect[] {
  return checked(effectsSchema, value, "outbox entry") as Effect[];
}

/** Decoded done marks, checked. @throws CodecError */
export function storedDone(value: unknown): number[] {
  return checked(doneSchema, value, "done marks");
}

/** A decoded conversation key, checked. @throws CodecError */
export function storedKey(value: unknown): string {
  return checked(z.string().min(1), value, "conversation key");
}
