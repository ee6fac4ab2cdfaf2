/**
 * The shape of a WhatsApp Cloud API webhook call, checked with zod before anything is read.
 *
 * The envelope is checked strictly (a body that is not a WhatsApp notification is refused
 * with 400), but each message and each status on its own, and only for what every one has
 * (id, time, type): Meta adds message types and fields over time, and one message we
 * cannot read must not make the whole batch fail, or Meta would redeliver it for days and
 * the readable ones would be lost with it. A message or status without even those is
 * skipped and counted (`skipped`); the rest of the batch goes on. The typed parts (text,
 * interactive, location...) are read in `inbound.ts`, where an unreadable part becomes a
 * kind "I can only read text" answer instead of an error.
 *
 * Nothing here keeps the profile name: `contacts[].profile` is never read.
 */
import { z } from "zod";

/** Unix seconds as Meta sends them: a string of digits (a number is tolerated). */
const unixSeconds = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]);

/** What every inbound message has; the rest is read per type in `inbound.ts`. */
export const messageSchema = z
  .object({
    id: z.string().min(1).max(512),
    /** The sender's wa_id (digits, no "+"). Absent for people who use a WhatsApp username. */
    from: z.string().optional(),
    timestamp: unixSeconds,
    type: z.string().min(1),
  })
  .loose();

/** A delivery receipt for a message we sent. */
export const statusSchema = z
  .object({
    id: z.string().min(1).max(512),
    status: z.string().min(1),
    timestamp: unixSeconds,
    recipient_id: z.string().optional(),
    errors: z
      .array(z.object({ code: z.number().int(), title: z.string().optional() }).loose())
      .optional(),
  })
  .loose();

/**
 * The `value` of a change whose field is `messages`. Its messages and statuses are read
 * one by one (see {@link parseWebhook}), so here they are only lists.
 */
const messagesEnvelopeSchema = z
  .object({
    messaging_product: z.literal("whatsapp"),
    metadata: z.object({ phone_number_id: z.string().min(1) }).loose(),
    messages: z.array(z.unknown()).max(1000).optional(),
    statuses: z.array(z.unknown()).max(1000).optional(),
  })
  .loose();

/** A `messages` value with only the messages and statuses that could be read. */
export interface MessagesValue {
  metadata: { phone_number_id: string };
  messages?: WebhookMessage[];
  statuses?: WebhookStatus[];
}

const envelopeSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z
    .array(
      z
        .object({
          id: z.string(),
          changes: z.array(z.object({ field: z.string(), value: z.unknown() }).loose()),
        })
        .loose(),
    )
    .min(1),
});

export type WebhookMessage = z.infer<typeof messageSchema>;
export type WebhookStatus = z.infer<typeof statusSchema>;

/** One change of a notification: a `messages` change read, any other field kept by name. */
export type WebhookChange = { field: "messages"; value: MessagesValue } | { field: string };

/** A checked notification: every entry's changes, in the order Meta sent them. */
export interface WebhookPayload {
  entries: { id: string; changes: WebhookChange[] }[];
  /** Messages and statuses left out because not even their id, time and type could be read. */
  skipped: number;
}

/** Why a body was refused, without quoting it (it may hold what a person wrote). */
export type ParseResult = { ok: true; payload: WebhookPayload } | { ok: false; problem: string };

/**
 * Check a parsed JSON body. `messages` changes must have the documented envelope; each of
 * their messages and statuses is checked on its own, and one that cannot be read is left
 * out (counted in `skipped`) rather than failing the batch. Changes to other fields
 * (template status, account updates) are kept by name only, to be ignored.
 */
export function parseWebhook(body: unknown): ParseResult {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, problem: problemOf(envelope.error) };
  const payload: WebhookPayload = { entries: [], skipped: 0 };
  for (const entry of envelope.data.entry) {
    const changes: WebhookChange[] = [];
    for (const change of entry.changes) {
      if (change.field !== "messages") {
        changes.push({ field: change.field });
        continue;
      }
      const value = messagesEnvelopeSchema.safeParse(change.value);
      if (!value.success) return { ok: false, problem: problemOf(value.error) };
      const messages = readable(value.data.messages, messageSchema, payload);
      const statuses = readable(value.data.statuses, statusSchema, payload);
      changes.push({
        field: "messages",
        value: {
          metadata: value.data.metadata,
          ...(messages ? { messages } : {}),
          ...(statuses ? { statuses } : {}),
        },
      });
    }
    payload.entries.push({ id: entry.id, changes });
  }
  return { ok: true, payload };
}

/** The items of `list` that `schema` reads; the others are counted in `payload.skipped`. */
function readable<T>(
  list: unknown[] | undefined,
  schema: z.ZodType<T>,
  payload: WebhookPayload,
): T[] | undefined {
  if (!list) return undefined;
  const out: T[] = [];
  for (const item of list) {
    const read = schema.safeParse(item);
    if (read.success) out.push(read.data);
    else payload.skipped += 1;
  }
  return out;
}

/** The newest time (ms) a message or status of `payload` carries, if any. */
export function newestTime(payload: WebhookPayload): number | undefined {
  let newest: number | undefined;
  for (const entry of payload.entries) {
    for (const change of entry.changes) {
      if (!("value" in change)) continue;
      const { messages = [], statuses = [] } = change.value;
      for (const item of [...messages, ...statuses]) {
        const at = Number(item.timestamp) * 1000;
        if (newest === undefined || at > newest) newest = at;
      }
    }
  }
  return newest;
}

/** Where the body went wrong (paths and zod's wording only: never the values). */
function problemOf(error: z.ZodError): string {
  const first = error.issues[0];
  return first ? `${first.path.join(".") || "(body)"}: ${first.code}` : "invalid";
}
