/**
 * WhatsApp Cloud API webhook notifications in the shapes Meta documents (one entry per
 * business account, one `messages` change, `contacts` with the profile, then `messages` or
 * `statuses`), and the signature Meta puts on them. Each builder returns a whole
 * notification; `batch` puts several into one call as separate entries, `oneChange` merges
 * them into a single change (both happen: Meta batches).
 */
import { createHmac, randomBytes } from "node:crypto";
import { FAKE_DISPLAY_NUMBER, FAKE_PHONE_NUMBER_ID, FAKE_WABA_ID } from "./graph-api.js";

/** A notification as Meta sends it. */
export interface Notification {
  object: "whatsapp_business_account";
  entry: { id: string; changes: { field: string; value: ChangeValue }[] }[];
}

export interface ChangeValue {
  messaging_product: "whatsapp";
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: { profile: { name: string }; wa_id: string }[];
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
}

export interface FixtureOptions {
  /** The message id (default: a fresh wamid). */
  id?: string;
  /** When it was sent, ms (default: now). */
  at?: number;
  /** The business number it was sent to (default: the fake's). */
  phoneNumberId?: string;
  /** The person's profile name, as Meta includes it (the helpline must never keep it). */
  name?: string;
  /** The message it answers (taps carry the message that had the button). */
  context?: string;
}

/** A fresh message id in Meta's format. */
export function newMessageId(): string {
  return `wamid.${randomBytes(30).toString("base64")}`;
}

/** `X-Hub-Signature-256` for `body` under `secret`. */
export function sign(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

function seconds(at: number | undefined): string {
  return String(Math.floor((at ?? Date.now()) / 1000));
}

function notification(value: ChangeValue): Notification {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: FAKE_WABA_ID, changes: [{ field: "messages", value }] }],
  };
}

function metadata(o: FixtureOptions) {
  return {
    display_phone_number: FAKE_DISPLAY_NUMBER,
    phone_number_id: o.phoneNumberId ?? FAKE_PHONE_NUMBER_ID,
  };
}

/** A message from `from` (a wa_id: digits, no "+") with type-specific fields. */
export function message(
  from: string,
  type: string,
  fields: Record<string, unknown>,
  o: FixtureOptions = {},
): Notification {
  return notification({
    messaging_product: "whatsapp",
    metadata: metadata(o),
    contacts: [{ profile: { name: o.name ?? "Sari Wulandari" }, wa_id: from }],
    messages: [
      {
        ...(o.context ? { context: { from: FAKE_DISPLAY_NUMBER, id: o.context } } : {}),
        from,
        id: o.id ?? newMessageId(),
        timestamp: seconds(o.at),
        type,
        ...fields,
      },
    ],
  });
}

export function textMessage(from: string, text: string, o: FixtureOptions = {}): Notification {
  return message(from, "text", { text: { body: text } }, o);
}

/** A tap on a reply button. */
export function buttonReply(
  from: string,
  id: string,
  title: string,
  o: FixtureOptions = {},
): Notification {
  return message(
    from,
    "interactive",
    { interactive: { type: "button_reply", button_reply: { id, title } } },
    {
      context: newMessageId(),
      ...o,
    },
  );
}

/** A row picked from a list. */
export function listReply(
  from: string,
  id: string,
  title: string,
  description?: string,
  o: FixtureOptions = {},
): Notification {
  const row = description === undefined ? { id, title } : { id, title, description };
  return message(
    from,
    "interactive",
    { interactive: { type: "list_reply", list_reply: row } },
    {
      context: newMessageId(),
      ...o,
    },
  );
}

export function location(
  from: string,
  latitude: number,
  longitude: number,
  o: FixtureOptions & { placeName?: string; address?: string } = {},
): Notification {
  return message(
    from,
    "location",
    {
      location: {
        latitude,
        longitude,
        ...(o.placeName ? { name: o.placeName } : {}),
        ...(o.address ? { address: o.address } : {}),
      },
    },
    o,
  );
}

export function image(
  from: string,
  mediaId: string,
  o: FixtureOptions & { caption?: string } = {},
): Notification {
  return message(
    from,
    "image",
    {
      image: {
        ...(o.caption ? { caption: o.caption } : {}),
        mime_type: "image/jpeg",
        sha256: randomBytes(32).toString("base64"),
        id: mediaId,
      },
    },
    o,
  );
}

export function voice(from: string, mediaId: string, o: FixtureOptions = {}): Notification {
  return message(
    from,
    "audio",
    { audio: { mime_type: "audio/ogg; codecs=opus", sha256: "x", id: mediaId, voice: true } },
    o,
  );
}

export function sticker(from: string, mediaId: string, o: FixtureOptions = {}): Notification {
  return message(
    from,
    "sticker",
    { sticker: { mime_type: "image/webp", sha256: "x", id: mediaId, animated: false } },
    o,
  );
}

export function reaction(
  from: string,
  messageId: string,
  emoji: string,
  o: FixtureOptions = {},
): Notification {
  return message(from, "reaction", { reaction: { message_id: messageId, emoji } }, o);
}

/** A contact card with one phone number. */
export function contactCard(from: string, phone: string, o: FixtureOptions = {}): Notification {
  return message(
    from,
    "contacts",
    {
      contacts: [
        {
          name: { formatted_name: "Budi", first_name: "Budi" },
          phones: [{ phone, type: "CELL", wa_id: phone.replace(/\D/g, "") }],
        },
      ],
    },
    o,
  );
}

/** A delivery receipt for message `id` we sent to `recipient`. */
export function status(
  id: string,
  state: "sent" | "delivered" | "read" | "failed",
  o: {
    recipient?: string;
    code?: number;
    title?: string;
    at?: number;
    phoneNumberId?: string;
  } = {},
): Notification {
  const failed = state === "failed";
  const code = o.code ?? 131026;
  return notification({
    messaging_product: "whatsapp",
    metadata: metadata(o),
    statuses: [
      {
        id,
        status: state,
        timestamp: seconds(o.at),
        recipient_id: o.recipient ?? "6281234567890",
        ...(failed
          ? {
              errors: [
                {
                  code,
                  title: o.title ?? "Message Undeliverable.",
                  message: o.title ?? "Message Undeliverable.",
                  error_data: { details: "Message Undeliverable." },
                  href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                },
              ],
            }
          : {
              conversation: { id: randomBytes(16).toString("hex"), origin: { type: "service" } },
              pricing: {
                billable: false,
                pricing_model: "PMP",
                category: "service",
                type: "free_customer_service",
              },
            }),
      },
    ],
  });
}

/** Several notifications in one call, each as its own entry (Meta's multi-entry batch). */
export function batch(...notifications: Notification[]): Notification {
  return { object: "whatsapp_business_account", entry: notifications.flatMap((n) => n.entry) };
}

/** Several notifications merged into one change (several messages in one `value`). */
export function oneChange(...notifications: Notification[]): Notification {
  const values = notifications.flatMap((n) =>
    n.entry.flatMap((e) => e.changes.map((c) => c.value)),
  );
  const first = values[0] as ChangeValue;
  const merged: ChangeValue = { messaging_product: "whatsapp", metadata: first.metadata };
  const contacts = values.flatMap((v) => v.contacts ?? []);
  const messages = values.flatMap((v) => v.messages ?? []);
  const statuses = values.flatMap((v) => v.statuses ?? []);
  if (contacts.length) merged.contacts = contacts;
  if (messages.length) merged.messages = messages;
  if (statuses.length) merged.statuses = statuses;
  return notification(merged);
}

/** The id of the (first) message in a notification. */
export function messageIdOf(n: Notification): string {
  return n.entry[0]?.changes[0]?.value.messages?.[0]?.id as string;
}

/** The (first) message of a notification, to change in a test. */
export function firstMessage(n: Notification): Record<string, unknown> {
  const m = n.entry[0]?.changes[0]?.value.messages?.[0];
  if (!m) throw new Error("the notification holds no message");
  return m;
}
