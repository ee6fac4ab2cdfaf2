/**
 * Structured logs. They never hold what people wrote, their names, numbers or places:
 * log ids, kinds and counts only, and redaction catches slips.
 *
 * Why a scrubber and not only pino's `redact`: redact paths are exact, and a wildcard
 * stands for one level only, so `*.*.text` misses `effects[0].summary.answers.name` and a
 * WhatsApp webhook's `entry[0].changes[0].value.messages[0].text.body`: the shapes that
 * carry personal data are deep and varied. So every object logged (and every child
 * logger's bindings) is copied with personal fields replaced by `[redacted]` at any depth,
 * matched by name without regard to case, `_` or `-` (`phone_number`, `phoneNumber`).
 * Errors are serialized first (type, message, stack, own fields), then scrubbed the same way;
 * Buffers are replaced by their length. The message string itself cannot be scrubbed: put
 * nothing personal in it (test/log/redaction.test.ts replays every transcript to check).
 */
import { type Logger, pino } from "pino";

export type { Logger };

/** Field names that must never reach a log line, wherever they appear. */
export const REDACTED_FIELDS = [
  // what people write and send
  "text",
  "caption",
  "body",
  "inbound",
  "contact",
  "contacts",
  // who they are
  "phone",
  "phone_number",
  "wa_id",
  "from",
  "name",
  "first_name",
  "last_name",
  "username",
  "profile",
  "passport",
  "email",
  // where they are
  "latitude",
  "longitude",
  "lat",
  "lon",
  "location",
  "place",
  "address",
  // What the person reads. Not theirs, but a reply may quote them, and people type a
  // button's words as often as they tap it ("It may be taken", "lewati"): a logged label or
  // option id would then be their message. `stepRef` says which question it was.
  "buttons",
  // what the bot learned
  "answers",
  "summary",
  "report",
  "session",
  // secrets (`word`: the person's own word for their case code; `answer`: that word as
  // typed from another account)
  "word",
  "answer",
  "token",
  "secret",
  "password",
  "data_key",
  "data_keys",
];

const CENSOR = "[redacted]";

/** Deeper than this is cut off: logged objects are small, and a cycle must not hang us. */
const MAX_DEPTH = 10;

/** `phone_number`, `phoneNumber`, `Phone-Number` -> `phonenumber`. */
function normalise(field: string): string {
  return field.toLowerCase().replace(/[_-]/g, "");
}

const REDACTED = new Set(REDACTED_FIELDS.map(normalise));

/** Whether a field of this name is replaced by `[redacted]` in logs. */
export function isRedactedField(field: string): boolean {
  return REDACTED.has(normalise(field));
}

/** A copy of `value` with every personal field, at any depth, replaced by `[redacted]`. */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) {
    return `[${(value as ArrayBufferView).byteLength} bytes]`;
  }
  if (value instanceof Date) return value;
  seen.add(value);
  try {
    if (value instanceof Error) return scrub(pino.stdSerializers.err(value), depth, seen);
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
    const source =
      typeof (value as { toJSON?: unknown }).toJSON === "function"
        ? (value as { toJSON: () => unknown }).toJSON()
        : value;
    if (source === null || typeof source !== "object") return source;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) {
      out[k] = isRedactedField(k) ? CENSOR : scrub(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value); // the same object twice side by side is not a cycle
  }
}

/** A logger writing JSON lines to `destination` (stdout by default). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const logger = pino(
    {
      level,
      formatters: {
        log: (obj) => scrub(obj) as Record<string, unknown>,
        bindings: (bindings) => scrub(bindings) as Record<string, unknown>,
      },
      // The formatter already serialized errors into plain objects; serializing them again
      // would lose their type. An Error that reaches here some other way is still scrubbed.
      serializers: {
        err: (err: unknown) => (err instanceof Error ? scrub(err) : err),
      },
    },
    destination as never,
  );
  return scrubbingBindings(logger);
}

/**
 * pino applies `formatters.bindings` to the root logger's bindings only, not to a child's
 * or to `setBindings`; so those scrub their bindings here. A child inherits from its parent
 * (`Object.create`), so each one gets its own wrappers around pino's own methods: wrappers
 * inherited from the parent would act on the parent.
 */
function scrubbingBindings(root: Logger): Logger {
  const pinoChild = root.child as unknown as (
    this: Logger,
    bindings: Record<string, unknown>,
    options?: unknown,
  ) => Logger;
  const pinoSetBindings = root.setBindings;
  const wrap = (logger: Logger): Logger => {
    logger.child = ((bindings: Record<string, unknown>, options?: object) =>
      wrap(
        pinoChild.call(logger, scrub(bindings) as Record<string, unknown>, options),
      )) as unknown as Logger["child"];
    logger.setBindings = (bindings) =>
      pinoSetBindings.call(logger, scrub(bindings) as typeof bindings);
    return logger;
  };
  return wrap(root);
}
