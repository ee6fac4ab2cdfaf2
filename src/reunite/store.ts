/**
 * The match store: each open case's matching profile, filed under keyed hashes of its
 * phone numbers and name blocking keys (no number or name in the clear, in key names or
 * values: profiles and matches are stored through the encrypting codec), and the matches
 * suggested between cases with what operators decided. A Redis implementation and an
 * in-memory twin pass one contract suite (test/reunite/match-store.contract.ts).
 */
import { z } from "zod";
import type { MatchProfile } from "./profile.js";

/** Suggested to operators; linked by them (each case shows the other); dismissed (never again). */
export const matchStateSchema = z.enum(["suggested", "linked", "dismissed"]);
export type MatchState = z.infer<typeof matchStateSchema>;

/**
 * Whether the person agreed that their family be told they are in contact: `asked` (the
 * question went out), `yes`, `no`. Only `yes` lets an operator send the family an update.
 */
export const consentSchema = z.enum(["asked", "yes", "no"]);
export type Consent = z.infer<typeof consentSchema>;

const ms = z.number().int().nonnegative();

/** A {@link import("./score.js").MatchReason} as stored. */
const reasonSchema = z.union([
  z.object({ kind: z.literal("phone") }),
  z.object({
    kind: z.literal("name"),
    detail: z.enum(["same", "variant", "reordered", "first_name", "nickname"]),
    common: z.boolean(),
  }),
  z.object({ kind: z.literal("age"), detail: z.number().int().nonnegative() }),
  z.object({ kind: z.enum(["country", "place", "employer", "time"]) }),
]);

/** One case's record of a match with another (each side keeps its own, the same). */
export const matchSchema = z.object({
  other: z.string().min(1),
  score: z.number().min(0).max(1),
  reasons: z.array(reasonSchema),
  state: matchStateSchema,
  /** When it was suggested, and when operators last decided on it. */
  at: ms,
  decidedAt: ms.optional(),
  /** The operator who decided (the pseudonymous id the audit log uses). */
  by: z.string().optional(),
  consent: consentSchema.optional(),
  /** When the family was last sent an update (only after a yes). */
  familyToldAt: ms.optional(),
});
export type Match = z.infer<typeof matchSchema>;

/** What can change on a match after it is suggested. */
export type MatchChange = Partial<
  Pick<Match, "state" | "decidedAt" | "by" | "consent" | "familyToldAt">
>;

/** See the file comment. */
export interface MatchStore {
  /** File a case's profile (again: a case that gained facts), replacing what was filed. */
  file(profile: MatchProfile): Promise<void>;
  /** A case's profile, if it is filed. */
  profile(id: string): Promise<MatchProfile | undefined>;
  /**
   * Profiles filed under any of `keys`, newest first, at most `perKey` from each key (a
   * bounded read however many cases share a common key), each once.
   */
  candidates(keys: readonly string[], perKey: number): Promise<MatchProfile[]>;
  /**
   * Record a suggestion on both cases. Nothing changes when the two already have a match
   * (suggested, linked or dismissed: a dismissed match is never suggested again); returns
   * whether it was new.
   */
  suggest(a: string, b: string, match: Omit<Match, "other">): Promise<boolean>;
  /** The match between two cases, as `a` records it. */
  get(a: string, b: string): Promise<Match | undefined>;
  /** Change a match on both sides; returns it as `a` records it (undefined: no such match). */
  update(a: string, b: string, change: MatchChange): Promise<Match | undefined>;
  /** Every match a case has, strongest first. */
  matchesOf(id: string): Promise<Match[]>;
  /**
   * Forget a case (erased, purged): its profile, its place in every index and every match,
   * on its side and on the other cases'.
   */
  forget(id: string): Promise<void>;
}

/** Strongest first, then oldest first: the order cases show their matches in. */
export function byStrength(a: Match, b: Match): number {
  return b.score - a.score || a.at - b.at;
}
