/**
 * Logs never hold personal data. Every transcript script is replayed through the real
 * Runtime with a logger at `trace` writing to a buffer; the store and the channel sink log
 * everything they are handed (sessions, effects, inbound messages), as a careless developer
 * might, and the test logs raw Telegram and WhatsApp payloads, errors and child bindings on
 * top. Then the whole buffer must hold none of what people typed, no names, no phone
 * numbers, no coordinates and no passport numbers, while the harmless facts (kinds, ids,
 * priorities) are still there to debug with.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { errorSummary } from "../../src/channels/errors.js";
import { newSession, type Session } from "../../src/engine/session.js";
import type { Bundle, Effect, Inbound } from "../../src/engine/types.js";
import { createLogger, isRedactedField, type Logger, REDACTED_FIELDS } from "../../src/log.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import type { ConversationStore, EffectSink } from "../../src/runtime/ports.js";
import { Runtime } from "../../src/runtime/runtime.js";
import { realBundle } from "../helpers/content.js";

const DIR = join(import.meta.dirname, "../transcripts");

interface Turn {
  say?: string;
  tap?: string;
  pin?: [number, number];
  contact?: string;
  start?: string | null;
  media?: string;
}
interface Script {
  name: string;
  lang?: string;
  turns: Turn[];
}

const scripts = readdirSync(DIR)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => ({ file: f, script: parse(readFileSync(join(DIR, f), "utf8")) as Script }));

/** Personal data of our own, logged on purpose below. */
const PERSON = {
  name: "Siti Rahmawati",
  phone: "+62 812 3456 7890",
  passport: "X1234567",
  lat: 13.6543,
  lon: 102.5632,
};

/** A buffer every log line goes to. */
function capture(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger(
    "trace",
    new Writable({
      write(chunk, _enc, cb) {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        cb();
      },
    }),
  );
  return { log, lines };
}

/** A memory store that logs every session and outbox it is given, at trace. */
function loggingStore(log: Logger): ConversationStore & MemoryConversationStore {
  const store = new MemoryConversationStore();
  const commit = store.commit.bind(store);
  store.commit = async (key, expected, session, opts) => {
    log.trace({ conversation: key, expected, saved: session, outbox: opts?.outbox }, "commit");
    return commit(key, expected, session, opts);
  };
  return store;
}

/** A sink that logs the effects it carries out, at debug. */
function loggingSink(log: Logger): EffectSink {
  return {
    async run(key: string, effects: readonly Effect[]) {
      log.debug({ conversation: key, effects, count: effects.length }, "effects");
      for (const e of effects) log.debug({ effect: e }, `effect ${e.type}`);
      return {};
    },
  };
}

/** Replay one script through the runtime, the way a channel adapter would. */
async function replay(runtime: Runtime, log: Logger, key: string, script: Script): Promise<void> {
  let lastQuestion: string | undefined;
  for (const [i, turn] of script.turns.entries()) {
    const inbound = toInbound(turn, lastQuestion, script.lang);
    log.trace({ conversation: key, inbound, update: rawUpdate(inbound) }, "inbound");
    const outcome = await runtime.handle(key, inbound, `${key}:${i}`);
    if (outcome.status !== "handled") throw new Error(`${script.name}: turn ${i + 1} not handled`);
    const asked = [...outcome.effects]
      .reverse()
      .find((e) => e.type === "reply" && e.stepRef !== undefined);
    if (asked?.type === "reply") lastQuestion = asked.stepRef;
  }
}

function toInbound(turn: Turn, question: string | undefined, lang?: string): Inbound {
  const hint = lang ? { langHint: lang } : {};
  if (turn.say !== undefined) return { kind: "text", text: turn.say, ...hint };
  if (turn.tap !== undefined) {
    if (!question) throw new Error(`tap ${turn.tap} with no question open`);
    return { kind: "choice", stepRef: question, option: turn.tap, ...hint };
  }
  if (turn.pin) return { kind: "location", lat: turn.pin[0], lon: turn.pin[1], ...hint };
  if (turn.contact) return { kind: "contact", phone: turn.contact, ...hint };
  if (turn.media) return { kind: "media", media: turn.media, ...hint };
  if (turn.start !== undefined) {
    return turn.start
      ? { kind: "start", payload: turn.start, ...hint }
      : { kind: "start", ...hint };
  }
  throw new Error("a turn needs say, tap, pin, contact, media or start");
}

/** What a Telegram update carrying this message looks like (deeply nested personal data). */
function rawUpdate(inbound: Inbound): unknown {
  const from = { id: 7001, is_bot: false, first_name: "Siti", last_name: "Rahmawati" };
  const message: Record<string, unknown> = {
    message_id: 11,
    chat: { id: 7001, type: "private", first_name: "Siti", username: "siti_r" },
    from: { ...from, username: "siti_r", language_code: "id" },
  };
  if (inbound.kind === "text") message.text = inbound.text;
  if (inbound.kind === "location") {
    message.location = { latitude: inbound.lat, longitude: inbound.lon };
  }
  if (inbound.kind === "contact") {
    message.contact = { phone_number: inbound.phone, first_name: "Siti", user_id: 7001 };
  }
  return { update_id: 1, message };
}

/** A WhatsApp Cloud API webhook: the personal data sits six levels down. */
function whatsappWebhook(): unknown {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "WABA_ID",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { phone_number_id: "PNID" },
              contacts: [{ profile: { name: PERSON.name }, wa_id: "6281234567890" }],
              messages: [
                {
                  from: "6281234567890",
                  id: "wamid.X",
                  type: "text",
                  text: { body: `saya ${PERSON.name}, paspor ${PERSON.passport}` },
                },
                {
                  from: "6281234567890",
                  type: "location",
                  location: { latitude: PERSON.lat, longitude: PERSON.lon, address: "Poipet" },
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Things a developer might log by mistake, at debug. */
function logDeliberately(log: Logger): void {
  const session: Session = {
    ...newSession(0, "id"),
    at: "help.name",
    answers: { name: PERSON.name, phone: PERSON.phone, passport: PERSON.passport },
    place: { lat: PERSON.lat, lon: PERSON.lon, text: "dekat pasar" },
    reasons: ["not_safe"],
    mode: "bot",
    misses: 0,
    turns: 3,
  };
  log.debug({ session }, "session");
  log.debug({ state: { record: { current: session } } }, "deep session");
  log.debug({ webhook: whatsappWebhook() }, "whatsapp webhook");
  log.debug({ updates: [rawUpdate({ kind: "text", text: `aku ${PERSON.name}` })] }, "updates");
  log.debug(
    {
      effect: {
        type: "escalate",
        caseRef: "7QX9M-2PAKD",
        priority: "P1",
        reasons: ["beaten"],
        summary: { flow: "help", lang: "id", answers: session.answers, place: session.place },
      },
    },
    "escalating",
  );
  log.debug(
    { inbound: { kind: "contact", phone: PERSON.phone }, Phone_Number: PERSON.phone },
    "contact",
  );
  log.debug({ nested: { camelCase: { firstName: "Siti", phoneNumber: PERSON.phone } } }, "camel");
  const err = Object.assign(new Error("could not deliver"), {
    text: `halo ${PERSON.name}`,
    request: { body: { chat_id: 7001, text: PERSON.phone } },
  });
  log.error({ err, conversation: "tg" }, "send failed");
  log.error(err);
  const child = log.child({ inbound: { kind: "text", text: PERSON.name }, channel: "tg" });
  child.child({ user: { first_name: "Siti", lat: PERSON.lat } }).debug({ ok: true }, "child");
}

/** Every `say:` of 4 characters or more in the scripts. */
const TYPED = [
  ...new Set(
    scripts.flatMap(({ script }) =>
      script.turns.flatMap((t) => (t.say && t.say.trim().length >= 4 ? [t.say.trim()] : [])),
    ),
  ),
];
const PINS = scripts.flatMap(({ script }) =>
  script.turns.flatMap((t) => (t.pin ? t.pin.map(String) : [])),
);
const CONTACTS = scripts.flatMap(({ script }) =>
  script.turns.flatMap((t) => (t.contact ? [t.contact] : [])),
);
const NAMES = ["Siti", "Rahmawati", "Aminah", "Rizky", "Pratama", "Andi", "siti_r"];

const PHONE_LIKE = /\+?\d(?:[ -]?\d){5,}/g;
const COORDINATE_LIKE = /\d{1,3}\.\d{3,}/g;
const PASSPORT_LIKE = /\b[A-Z]{1,2}\d{6,7}\b/g;

let bundle: Bundle;
const { log, lines } = capture();

beforeAll(async () => {
  bundle = realBundle();
  const store = loggingStore(log);
  // As createDemoRuntime builds it, with logging store and sink, and a clock and ids that
  // cannot be mistaken for phone numbers (epoch milliseconds and random refs can).
  let [tick, id] = [1_000, 0];
  const runtime = new Runtime({
    bundle,
    store,
    sink: loggingSink(log),
    log,
    now: () => ++tick,
    ids: () => `CASE-${String.fromCharCode(65 + (++id % 26))}`,
  });
  for (const [n, { script }] of scripts.entries()) {
    await replay(runtime, log, `tg:${7000 + n}`, script);
  }
  // Unreadable stored data makes the runtime log a warning; its message must not quote it.
  await store.write("tg:9999", {
    v: 1,
    answers: { name: PERSON.name },
    reasons: [],
    mode: PERSON.name,
  } as unknown as Session);
  await runtime.handle("tg:9999", { kind: "text", text: `halo, aku ${PERSON.name}` });
  logDeliberately(log);
});

/** The log output without pino's own numbers (time, pid), which look like phone numbers. */
function content(): string {
  return lines
    .map((line) => {
      const {
        time: _t,
        pid: _p,
        hostname: _h,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      // Durations and times (discreet deletes after 1800000 ms) are numbers, not phones.
      return JSON.stringify(rest).replace(/"(afterMs|at|dueAt|updated|heard)":\d+/g, '"$1":0');
    })
    .join("\n");
}

describe("logs hold no personal data", () => {
  it("replayed every transcript and captured a lot", () => {
    expect(scripts.length).toBeGreaterThanOrEqual(11);
    expect(TYPED.length).toBeGreaterThan(30);
    expect(lines.length).toBeGreaterThan(200);
    expect(content().includes("[redacted]")).toBe(true);
  });

  it("holds no message text typed in the scripts", () => {
    const text = content().toLowerCase();
    const found = TYPED.filter((s) => text.includes(s.toLowerCase()));
    expect(found).toEqual([]);
    expect([...PINS, ...CONTACTS].filter((s) => text.includes(s))).toEqual([]);
  });

  it("holds no names", () => {
    const text = content();
    expect(NAMES.filter((n) => text.includes(n))).toEqual([]);
  });

  it("holds no phone numbers, coordinates or passport numbers", () => {
    const text = content();
    expect(text.match(PHONE_LIKE) ?? []).toEqual([]);
    expect(text.match(COORDINATE_LIKE) ?? []).toEqual([]);
    expect(text.match(PASSPORT_LIKE) ?? []).toEqual([]);
    const ours = [PERSON.phone, PERSON.passport, String(PERSON.lat), String(PERSON.lon)];
    expect(ours.filter((s) => text.includes(s))).toEqual([]);
  });

  it("keeps what is safe and useful: kinds, priorities, reasons, error types", () => {
    const text = content();
    for (const s of [
      '"type":"escalate"',
      '"priority":"P1"',
      '"reasons":["beaten"]',
      '"type":"Error"',
      '"conversation":"tg"',
      '"msg":"session unreadable; starting afresh"',
      '"channel":"tg"',
    ]) {
      expect(text.includes(s), s).toBe(true);
    }
  });

  it("shows an error summary's class and code (they are never a person's)", () => {
    const { log, lines } = capture();
    const refused = Object.assign(new Error("refused +6281234567890"), { code: "ECONNREFUSED" });
    log.warn({ err: errorSummary(refused) }, "send failed");
    expect(lines.join("")).toContain('"err":{"type":"Error","code":"ECONNREFUSED"}');
    // The whole number: a line's timestamp may hold any short run of digits.
    expect(lines.join("")).not.toContain("6281234567890");
  });

  it("matches personal field names at any depth, in any case or spelling", () => {
    for (const f of ["phone_number", "phoneNumber", "PhoneNumber", "first-name", "lat", "wa_id"]) {
      expect(isRedactedField(f), f).toBe(true);
    }
    for (const f of ["type", "kind", "priority", "reasons", "caseRef", "code", "count"]) {
      expect(isRedactedField(f), f).toBe(false);
    }
    expect(REDACTED_FIELDS).toContain("text");
  });
});
