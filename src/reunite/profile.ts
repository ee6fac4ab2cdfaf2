/**
 * What matching knows of a case: a small profile built from the case, with its phone
 * numbers already turned into keyed hashes (so no number is kept or compared in the clear)
 * and its name as skeleton parts. Stored only through the encrypting codec.
 */
import { z } from "zod";
import type { Case } from "../cases/model.js";
import { blockingKeys, nameParts, skeleton } from "./names.js";
import { phoneOfConversation, phonesIn } from "./phones.js";

/** A keyed hash (HMAC) of an index value: the store's, under a secret from config. */
export type Hasher = (value: string) => string;

const ms = z.number().int().nonnegative();

/** A case's profile as stored (a boundary: read through the schema). */
export const matchProfileSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(["help", "family"]),
  /** Keyed hashes of the numbers the person has (help) or the relative had (family). */
  phones: z.array(z.string()),
  /** The name as skeleton parts (names.ts); empty when none was given. */
  name: z.array(z.string()),
  age: z.number().int().positive().optional(),
  country: z.string().optional(),
  place: z.string().optional(),
  /** The employer or recruiter, as one skeleton of its words. */
  employer: z.string().optional(),
  createdAt: ms,
  /** The keyed hashes it is filed under (phones and name blocking keys), to unfile it. */
  keys: z.array(z.string()),
});
export type MatchProfile = z.infer<typeof matchProfileSchema>;

function text(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

function ageOf(v: unknown): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" ? Number.parseInt(v, 10) : NaN;
  return Number.isInteger(n) && n > 0 && n < 130 ? n : undefined;
}

/**
 * The numbers that are the person's: a person writes from their WhatsApp number (or gave
 * one); a family's report gives the relative's numbers (`phones`), never the family's
 * own contact, which is not the person looked for.
 */
function rawPhones(c: Case): string[] {
  const given = text(c.summary.answers.phones);
  const own = c.kind === "help" ? phoneOfConversation(c.conversation) : undefined;
  return [...new Set([...(own ? [own] : []), ...(given ? phonesIn(given) : [])])];
}

/** The profile of a case; `hash` is the store's keyed hash. */
export function profileOf(c: Case, hash: Hasher): MatchProfile {
  const a = c.summary.answers;
  const phones = rawPhones(c).map((p) => hash(`p:${p}`));
  const name = nameParts(text(a.name) ?? "");
  const employer = text(a.employer);
  const country = c.summary.place?.country ?? c.summary.country;
  const age = ageOf(a.age);
  return {
    id: c.id,
    kind: c.kind,
    phones,
    name,
    ...(age !== undefined ? { age } : {}),
    ...(country && country !== "other" ? { country } : {}),
    ...(c.summary.place?.id ? { place: c.summary.place.id } : {}),
    ...(employer ? { employer: nameParts(employer).join(" ") || skeleton(employer) } : {}),
    createdAt: c.createdAt,
    keys: [...phones, ...blockingKeys(name).map((k) => hash(k))],
  };
}

/** Whether two profiles are worth comparing: a family's with anyone's, not two people's. */
export function comparable(a: MatchProfile, b: MatchProfile): boolean {
  return a.id !== b.id && (a.kind === "family" || b.kind === "family");
}
