/**
 * WhatsApp webhook notifications in, normalised messages out. Pure: no API calls, no state.
 *
 * Every entry, every change, every message and every status of a notification is read:
 * Meta batches, and a reader that looks at `entry[0].changes[0].value.messages[0]` only
 * drops the rest. Only what the helpline needs is kept; profile names never are.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Inbound } from "../../engine/types.js";
import { decodeChoiceId } from "./choice-id.js";
import type { WebhookMessage, WebhookPayload, WebhookStatus } from "./schema.js";

/** One person's message, ready for the runtime. */
export interface WhatsAppIncoming {
  /** `wa:+<E.164 digits>` */
  key: string;
  inbound: Inbound;
  /**
   * A hash of the message id: redeliveries are handled once. Not the id itself: a wamid
   * encodes the sender's number, and dedupe ids are stored in the clear.
   */
  dedupeId: string;
  /** When the person sent it (ms since the epoch), from Meta's timestamp. */
  at: number;
  /** Its place in the notification, to keep one sender's messages in order. */
  position: number;
  /** The message type, for metrics (never its content). */
  kind: string;
}

/** A delivery receipt for a message we sent. */
export interface WhatsAppStatusEvent {
  messageId: string;
  status: "sent" | "delivered" | "read" | "failed";
  /** The conversation the receipt names (from `recipient_id`), when it names a number. */
  key?: string;
  at: number;
  /** Why it failed: Meta's code and short title (never the details, which may quote us). */
  error?: { code: number; title?: string };
}

/** What a notification holds, in the order Meta sent it. */
export interface WhatsAppNotification {
  messages: WhatsAppIncoming[];
  statuses: WhatsAppStatusEvent[];
  /** Kinds of things read and ignored (other numbers, other fields), for metrics. */
  ignored: string[];
}

/** The conversation key of a WhatsApp user: their number in E.164, `wa:+6281234567890`. */
export function whatsappKey(waId: string | undefined): string | undefined {
  const digits = waId?.replace(/^\+/, "");
  return digits && /^[1-9]\d{5,14}$/.test(digits) ? `wa:+${digits}` : undefined;
}

/** The number to send to (`6281234567890`) for a `wa:` key. */
export function recipientOf(key: string): string {
  return key.replace(/^wa:\+?/, "");
}

/** Indonesian numbers start in Indonesian; others are asked (the engine's language step). */
export function langHintOf(key: string): string | undefined {
  return key.startsWith("wa:+62") ? "id" : undefined;
}

/**
 * Read a notification.
 *
 * @param phoneNumberId our business number: messages to another number of the same
 *   account are not ours to answer (we would answer from the wrong number)
 */
export function readNotification(
  payload: WebhookPayload,
  phoneNumberId?: string,
): WhatsAppNotification {
  const out: WhatsAppNotification = { messages: [], statuses: [], ignored: [] };
  for (const entry of payload.entries) {
    for (const change of entry.changes) {
      if (!("value" in change)) {
        out.ignored.push(`field:${change.field}`);
        continue;
      }
      const value = change.value;
      if (phoneNumberId !== undefined && value.metadata.phone_number_id !== phoneNumberId) {
        out.ignored.push("other_number");
        continue;
      }
      for (const m of value.messages ?? []) {
        const read = readMessage(m, out.messages.length);
        if ("ignored" in read) out.ignored.push(read.ignored);
        else out.messages.push(read);
      }
      for (const s of value.statuses ?? []) {
        const status = readStatus(s);
        if (status) out.statuses.push(status);
        else out.ignored.push(`status:${s.status}`);
      }
    }
  }
  return out;
}

/** One message, or why it is not for the runtime. */
export function readMessage(
  m: WebhookMessage,
  position: number,
): WhatsAppIncoming | { ignored: string } {
  // A person who hides their number behind a WhatsApp username has no wa_id here; the
  // conversation key is the E.164 number, so such a message cannot be placed (yet).
  const key = whatsappKey(m.from);
  if (!key) return { ignored: "no_number" };
  // "User changed number" and similar notices are not something the person wrote.
  if (m.type === "system") return { ignored: "system" };
  if (m.type === "reaction" && !reactionEmoji(m)) return { ignored: "reaction_removed" };
  const hint = langHintOf(key);
  const inbound = messageInbound(m);
  return {
    key,
    inbound: hint ? { ...inbound, langHint: hint } : inbound,
    dedupeId: dedupeIdOf(m.id),
    at: Number(m.timestamp) * 1000,
    position,
    kind: m.type,
  };
}

/** A message id as a dedupe id: a hash, because a wamid encodes the sender's number. */
export function dedupeIdOf(messageId: string): string {
  return `wa:${createHash("sha256").update(messageId).digest("base64url").slice(0, 27)}`;
}

const text = z.object({ body: z.string() }).loose();
const reply = z.object({ id: z.string(), title: z.string().optional() }).loose();
const interactive = z
  .object({
    type: z.string(),
    button_reply: reply.optional(),
    list_reply: reply.optional(),
  })
  .loose();
const templateButton = z.object({ text: z.string() }).loose();
const location = z.object({ latitude: z.number(), longitude: z.number() }).loose();
const contacts = z.array(
  z
    .object({
      phones: z
        .array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() }).loose())
        .optional(),
    })
    .loose(),
);
const media = z.object({ id: z.string().min(1), voice: z.boolean().optional() }).loose();
const reaction = z.object({ emoji: z.string().optional() }).loose();

/** WhatsApp media types, in the words the operator side already uses for Telegram's. */
const MEDIA_KINDS: Record<string, string> = {
  image: "photo",
  video: "video",
  audio: "audio",
  document: "document",
  sticker: "sticker",
};

/** The helpline's reading of one message; anything it cannot read is `media`. */
export function messageInbound(m: WebhookMessage): Inbound {
  const part = (m as Record<string, unknown>)[m.type];
  switch (m.type) {
    case "text": {
      const t = text.safeParse(part);
      return t.success ? { kind: "text", text: t.data.body } : other();
    }
    case "interactive":
      return interactiveInbound(part);
    case "button": {
      // A quick-reply button of a template (the re-engagement message): its words.
      const b = templateButton.safeParse(part);
      return b.success ? { kind: "text", text: b.data.text } : other();
    }
    case "location": {
      const l = location.safeParse(part);
      return l.success
        ? { kind: "location", lat: l.data.latitude, lon: l.data.longitude }
        : other();
    }
    case "contacts":
      return contactInbound(part);
    case "request_welcome":
      // The person opened the chat for the first time (and the welcome trigger is on).
      return { kind: "start" };
    case "reaction":
      return { kind: "media", media: "reaction" };
    default:
      return mediaInbound(m.type, part);
  }
}

function interactiveInbound(part: unknown): Inbound {
  const i = interactive.safeParse(part);
  if (!i.success) return other();
  const picked = i.data.button_reply ?? i.data.list_reply;
  if (!picked) return other();
  // An id we did not make (an old format, a forged tap) is a tap on nothing: the engine
  // answers it as an old button and asks the open question again.
  const choice = decodeChoiceId(picked.id);
  return { kind: "choice", stepRef: choice?.stepRef ?? "", option: choice?.option ?? "" };
}

function contactInbound(part: unknown): Inbound {
  const c = contacts.safeParse(part);
  const phone = c.success
    ? c.data.flatMap((card) => card.phones ?? []).find((p) => p.phone || p.wa_id)
    : undefined;
  const number = phone?.phone ?? (phone?.wa_id ? `+${phone.wa_id}` : undefined);
  return number ? { kind: "contact", phone: number } : { kind: "media", media: "contact" };
}

/**
 * Photos, voice notes, documents... The media id is the message's `origin`: it is what
 * fetches a copy for operators (see `WhatsAppChannel.mediaFile`). The message id is not
 * used as origin: WhatsApp cannot delete a message from the phone, and a wamid encodes the
 * sender's number.
 */
function mediaInbound(type: string, part: unknown): Inbound {
  const kind = MEDIA_KINDS[type];
  const file = media.safeParse(part);
  if (!kind || !file.success) return other();
  const named = type === "audio" && file.data.voice ? "voice" : kind;
  return { kind: "media", media: named, origin: file.data.id };
}

function other(): Inbound {
  return { kind: "media", media: "other" };
}

function reactionEmoji(m: WebhookMessage): string | undefined {
  const r = reaction.safeParse((m as Record<string, unknown>).reaction);
  return r.success && r.data.emoji ? r.data.emoji : undefined;
}

const STATUSES = new Set(["sent", "delivered", "read", "failed"]);

/** A receipt we track, or undefined (e.g. `deleted`, or a status Meta adds later). */
export function readStatus(s: WebhookStatus): WhatsAppStatusEvent | undefined {
  if (!STATUSES.has(s.status)) return undefined;
  const key = whatsappKey(s.recipient_id);
  const error = s.errors?.[0];
  return {
    messageId: s.id,
    status: s.status as WhatsAppStatusEvent["status"],
    at: Number(s.timestamp) * 1000,
    ...(key ? { key } : {}),
    ...(error
      ? { error: { code: error.code, ...(error.title ? { title: error.title } : {}) } }
      : {}),
  };
}
