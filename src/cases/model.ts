/**
 * A case as stored: what operators work on after an escalation. Stored data is a boundary
 * (another version of the code, or a hand edit, may have written it), so every read goes
 * through {@link caseSchema}.
 */
import { z } from "zod";
import { answerValueSchema, placeSchema } from "../engine/session.js";

/** Where the person writes from; the first part of a conversation key. */
export const channelSchema = z.enum(["tg", "wa", "sim", "web"]);
export type Channel = z.infer<typeof channelSchema>;

/** `help`: a person who needs help themselves; `family`: a relative reporting someone missing. */
export const caseKindSchema = z.enum(["help", "family"]);
export type CaseKind = z.infer<typeof caseKindSchema>;

/** P1 is the most urgent (the engine's `Priority`). */
export const prioritySchema = z.enum(["P1", "P2", "P3"]);

/** Queued: waiting for an operator. Claimed: an operator holds it. Closed: done. */
export const caseStatusSchema = z.enum(["queued", "claimed", "closed"]);
export type CaseStatus = z.infer<typeof caseStatusSchema>;

/** How a case ended, for the coordinator's numbers. */
export const outcomeSchema = z.enum([
  "reached_embassy",
  "safe",
  "no_response",
  "duplicate",
  "other",
]);
export type Outcome = z.infer<typeof outcomeSchema>;

/** Every outcome, in a fixed order (stats report each, zero or not). */
export const OUTCOMES: readonly Outcome[] = outcomeSchema.options;

const ms = z.number().int().nonnegative();

/** The engine's CaseSummary (src/engine/types.ts), as stored. */
export const caseSummarySchema = z.object({
  flow: z.string().nullable(),
  lang: z.string(),
  answers: z.record(z.string(), answerValueSchema),
  place: placeSchema.optional(),
  country: z.string().optional(),
  mission: z.string().optional(),
});

/** Who did something: an operator id, `system` (timers, the bot) or `person` (the person). */
export type Actor = string;

/** An operator's note; its text is personal data and goes on erase. */
export const noteSchema = z.object({ at: ms, by: z.string(), text: z.string() });
export type Note = z.infer<typeof noteSchema>;

/** One line of a case's history: who did what, when. Append-only. */
export const auditEntrySchema = z.object({
  at: ms,
  by: z.string(),
  action: z.string(),
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/**
 * A stored case. Times are milliseconds since the epoch.
 *
 * - `conversation` is absent only on an erased stub: the person asked to be forgotten,
 *   and a WhatsApp conversation key is their phone number.
 * - `queuedAt` is when the case last entered the queue (created, released, reopened): the
 *   unclaimed SLA counts from it. The queue itself orders by `createdAt`, so a released
 *   case keeps its place in the line.
 * - `claimedAt` is when the current (or last) holder claimed it: the no-reply SLA counts
 *   from it. The first claim ever is the first `claimed` audit entry.
 * - `announcements` counts overdue re-announcements (louder each time); `lastAnnouncedAt`
 *   spaces them one SLA limit apart even after a long outage.
 * - `reattached` is set when a closed case was reopened by a new escalation: the operator
 *   surface finds it an existing topic and says it is back.
 */
export const caseSchema = z.object({
  id: z.string().min(1),
  conversation: z.string().min(1).optional(),
  channel: channelSchema,
  kind: caseKindSchema,
  priority: prioritySchema,
  reasons: z.array(z.string()),
  summary: caseSummarySchema,
  lang: z.string(),
  createdAt: ms,
  queuedAt: ms,
  claimedAt: ms.optional(),
  firstReplyAt: ms.optional(),
  lastOperatorReplyAt: ms.optional(),
  lastPersonMessageAt: ms.optional(),
  lastAnnouncedAt: ms.optional(),
  closedAt: ms.optional(),
  status: caseStatusSchema,
  outcome: outcomeSchema.optional(),
  operator: z.string().optional(),
  notes: z.array(noteSchema),
  audit: z.array(auditEntrySchema),
  announcements: z.number().int().nonnegative(),
  topic: z.number().int().optional(),
  reattached: z.boolean().optional(),
  erased: z.boolean().optional(),
});

export type Case = z.infer<typeof caseSchema>;

/** The `by` of actions the helpline itself takes (SLA timers, the retention job). */
export const SYSTEM: Actor = "system";
/** The `by` of actions the person took (escalating, erasing). */
export const PERSON: Actor = "person";
