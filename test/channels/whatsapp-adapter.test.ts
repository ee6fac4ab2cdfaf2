/**
 * The WhatsApp adapter's pure parts: notifications in (every entry, change, message and
 * status; nothing personal kept beyond what the engine needs), replies out (buttons, lists,
 * numbered text, location requests, limits), and every flow's labels within WhatsApp's limits.
 */
import { describe, expect, it } from "vitest";
import {
  decodeChoiceId,
  encodeChoiceId,
  fitsChoiceId,
} from "../../src/channels/whatsapp/choice-id.js";
import { readNotification, whatsappKey } from "../../src/channels/whatsapp/inbound.js";
import {
  type ButtonsMessage,
  choiceStyle,
  type ListMessage,
  labelLimit,
  type OutboundMessage,
  renderReplies,
  shorten,
  WHATSAPP_LIMITS,
} from "../../src/channels/whatsapp/render.js";
import { parseWebhook } from "../../src/channels/whatsapp/schema.js";
import { newSession } from "../../src/engine/session.js";
import { STEP_KINDS, WAITING_KINDS } from "../../src/engine/steps/index.js";
import { Turn } from "../../src/engine/turn.js";
import type { Effect } from "../../src/engine/types.js";
import { FAKE_PHONE_NUMBER_ID, sendProblems } from "../fakes/whatsapp/graph-api.js";
import {
  batch,
  buttonReply,
  contactCard,
  firstMessage,
  image,
  listReply,
  location,
  type Notification,
  oneChange,
  reaction,
  status,
  sticker,
  textMessage,
  voice,
} from "../fakes/whatsapp/webhooks.js";
import { realBundle } from "../helpers/content.js";

type Reply = Extract<Effect, { type: "reply" }>;

const ID = "6281234567890";
const WORDS = { choose: "Pilih", moreChoices: "Atau pilih:" };

function read(n: Notification | unknown) {
  const parsed = parseWebhook(n);
  if (!parsed.ok) throw new Error(parsed.problem);
  return readNotification(parsed.payload, FAKE_PHONE_NUMBER_ID);
}

function only(n: Notification) {
  const { messages } = read(n);
  expect(messages).toHaveLength(1);
  return messages[0] as NonNullable<(typeof messages)[0]>;
}

describe("WhatsApp notifications in", () => {
  it("reads a text as the person's number in E.164, Indonesian for +62, and no name", () => {
    const m = only(textMessage(ID, "halo", { name: "Sari" }));
    expect(m.key).toBe("wa:+6281234567890");
    expect(m.inbound).toEqual({ kind: "text", text: "halo", langHint: "id" });
    expect(JSON.stringify(m)).not.toContain("Sari");
    expect(only(textMessage("447700900123", "hi")).inbound).toEqual({ kind: "text", text: "hi" });
  });

  it("hashes the message id for de-duplication (a wamid encodes the number)", () => {
    const n = textMessage(ID, "halo", { id: "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBQTk=" });
    const a = only(n);
    expect(a.dedupeId).toMatch(/^wa:[\w-]{27}$/);
    expect(a.dedupeId).toBe(only(n).dedupeId);
    expect(a.dedupeId).not.toBe(only(textMessage(ID, "halo")).dedupeId);
  });

  it("reads taps on buttons and list rows we made as choices on their question", () => {
    const tap = only(buttonReply(ID, "help.safety|danger", "🔴 Bahaya sekarang"));
    expect(tap.inbound).toMatchObject({ kind: "choice", stepRef: "help.safety", option: "danger" });
    const row = only(listReply(ID, "help.passport|held", "Ditahan orang lain", "x"));
    expect(row.inbound).toMatchObject({ kind: "choice", stepRef: "help.passport", option: "held" });
    const exit = only(buttonReply(ID, "help.phone|_exit", "❌"));
    expect(exit.inbound).toMatchObject({ kind: "choice", stepRef: "help.phone", option: "_exit" });
  });

  it("reads a tap on a button we did not make as a tap on nothing", () => {
    const m = only(buttonReply(ID, "something-else", "Yes"));
    expect(m.inbound).toMatchObject({ kind: "choice", stepRef: "", option: "" });
  });

  it("reads locations and contact cards, and keeps no place name or address", () => {
    const pin = only(location(ID, 13.66, 102.56, { placeName: "Casino", address: "Poipet" }));
    expect(pin.inbound).toEqual({ kind: "location", lat: 13.66, lon: 102.56, langHint: "id" });
    const card = only(contactCard(ID, "+62 812 1111 2222"));
    expect(card.inbound).toMatchObject({ kind: "contact", phone: "+62 812 1111 2222" });
  });

  it("reads media, stickers and reactions as media, with the media id as origin", () => {
    expect(only(image(ID, "555")).inbound).toMatchObject({
      kind: "media",
      media: "photo",
      origin: "555",
    });
    expect(only(voice(ID, "556")).inbound).toMatchObject({
      kind: "media",
      media: "voice",
      origin: "556",
    });
    expect(only(sticker(ID, "557")).inbound).toMatchObject({ kind: "media", media: "sticker" });
    expect(only(reaction(ID, "wamid.x", "👍")).inbound).toMatchObject({
      kind: "media",
      media: "reaction",
    });
    expect(read(reaction(ID, "wamid.x", "")).messages).toEqual([]);
  });

  it("reads an unknown type or a broken part as media it cannot read, not as an error", () => {
    const odd = textMessage(ID, "x");
    const m = firstMessage(odd);
    m.type = "order";
    expect(only(odd).inbound).toMatchObject({ kind: "media", media: "other" });
    m.type = "location";
    m.location = { latitude: "north" };
    expect(only(odd).inbound).toMatchObject({ kind: "media", media: "other" });
  });

  it("reads every entry, change, message and status of a batch, in order", () => {
    const a = textMessage(ID, "satu", { at: 1000_000 });
    const b = textMessage("6285700001111", "dua", { at: 1000_000 });
    const c = textMessage(ID, "tiga", { at: 1001_000 });
    const s = status("wamid.sent1", "delivered");
    const n = read(batch(oneChange(a, b), c, s));
    expect(n.messages.map((m) => (m.inbound as { text: string }).text)).toEqual([
      "satu",
      "dua",
      "tiga",
    ]);
    expect(n.messages.map((m) => m.position)).toEqual([0, 1, 2]);
    expect(n.statuses).toMatchObject([
      { messageId: "wamid.sent1", status: "delivered", key: `wa:+${ID}` },
    ]);
  });

  it("reads a failed receipt with its code and title", () => {
    const n = read(status("wamid.f", "failed", { code: 131047, title: "Re-engagement message" }));
    expect(n.statuses[0]).toMatchObject({
      status: "failed",
      error: { code: 131047, title: "Re-engagement message" },
    });
  });

  it("ignores messages to another of the account's numbers, and other fields", () => {
    const n = read(
      batch(textMessage(ID, "x", { phoneNumberId: "999" }), {
        object: "whatsapp_business_account",
        entry: [
          { id: "1", changes: [{ field: "account_update", value: { event: "x" } as never }] },
        ],
      }),
    );
    expect(n.messages).toEqual([]);
    expect(n.ignored).toEqual(["other_number", "field:account_update"]);
  });

  it("refuses a body that is not a WhatsApp notification", () => {
    expect(parseWebhook({ object: "page", entry: [] }).ok).toBe(false);
    expect(parseWebhook({ object: "whatsapp_business_account", entry: [] }).ok).toBe(false);
  });

  it("leaves out a message it cannot read, and counts it, rather than refusing the batch", () => {
    const noId = textMessage(ID, "x");
    delete firstMessage(noId).id;
    const parsed = parseWebhook(batch(noId, textMessage(ID, "halo")));
    expect(parsed.ok && parsed.payload.skipped).toBe(1);
    const read = parsed.ok ? readNotification(parsed.payload) : undefined;
    expect(read?.messages.map((m) => m.inbound)).toEqual([
      { kind: "text", text: "halo", langHint: "id" },
    ]);
  });

  it("keys only real numbers", () => {
    expect(whatsappKey("6281234567890")).toBe("wa:+6281234567890");
    expect(whatsappKey("+6281234567890")).toBe("wa:+6281234567890");
    expect(whatsappKey("US.13491208655302741918")).toBeUndefined();
    expect(whatsappKey(undefined)).toBeUndefined();
  });
});

describe("WhatsApp choice ids", () => {
  it("round-trips a question and option, and refuses what we did not make", () => {
    expect(decodeChoiceId(encodeChoiceId("help.safety", "danger"))).toEqual({
      stepRef: "help.safety",
      option: "danger",
    });
    expect(decodeChoiceId("help.safety")).toBeUndefined();
    expect(decodeChoiceId("x|y|z")).toBeUndefined();
  });

  it("fits every flow's options in a list row id (200) and so a button id (256)", () => {
    for (const step of realBundle().flows.steps.values()) {
      for (const option of [...(step.optionIds ?? []), "_skip", "_unknown", "_sos", "_exit"]) {
        expect(fitsChoiceId(step.ref, option), `${step.ref} ${option}`).toBe(true);
      }
    }
  });
});

const ask = (n: number, extra: Partial<Reply> = {}): Reply => ({
  type: "reply",
  text: "Pertanyaan?",
  stepRef: "x.q",
  expects: "choice",
  buttons: Array.from({ length: n }, (_, i) => ({ id: `o${i + 1}`, label: `Pilihan ${i + 1}` })),
  ...extra,
});

describe("WhatsApp replies out", () => {
  it("merges a step's replies into one message with up to 3 reply buttons", () => {
    const [m, ...rest] = renderReplies([{ type: "reply", text: "Halo." }, ask(3)], WORDS);
    expect(rest).toEqual([]);
    const msg = m as ButtonsMessage;
    expect(msg.interactive.type).toBe("button");
    expect(msg.interactive.body.text).toBe("Halo.\n\nPertanyaan?");
    expect(msg.interactive.action.buttons.map((b) => b.reply)).toEqual([
      { id: "x.q|o1", title: "Pilihan 1" },
      { id: "x.q|o2", title: "Pilihan 2" },
      { id: "x.q|o3", title: "Pilihan 3" },
    ]);
  });

  it("offers 4 to 10 options as a list behind a button in the person's language", () => {
    const [m] = renderReplies([ask(10)], WORDS) as ListMessage[];
    expect(m?.interactive.type).toBe("list");
    expect(m?.interactive.action.button).toBe("Pilih");
    expect(m?.interactive.action.sections[0]?.rows).toHaveLength(10);
    expect(m?.interactive.action.sections[0]?.rows[3]).toEqual({
      id: "x.q|o4",
      title: "Pilihan 4",
    });
  });

  it("numbers more than 10 options in the text (the engine reads the number)", () => {
    const [m, ...rest] = renderReplies([ask(11)], WORDS);
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ type: "text" });
    const body = (m as { text: { body: string } }).text.body;
    expect(body).toContain("Pertanyaan?\n\n1. Pilihan 1\n2. Pilihan 2");
    expect(body).toContain("11. Pilihan 11");
  });

  it("asks for a location with WhatsApp's button, then offers the other options", () => {
    const messages = renderReplies(
      [
        {
          type: "reply",
          text: "Kamu ada di mana?",
          stepRef: "help.place",
          expects: "place",
          buttons: [{ id: "_unknown", label: "Saya tidak tahu" }],
          request: { kind: "location", label: "📍 Kirim lokasi saya" },
        },
      ],
      WORDS,
    );
    expect(messages).toEqual([
      {
        type: "interactive",
        interactive: {
          type: "location_request_message",
          body: { text: "Kamu ada di mana?" },
          action: { name: "send_location" },
        },
      },
      {
        type: "interactive",
        interactive: {
          type: "button",
          body: { text: "Atau pilih:" },
          action: {
            buttons: [
              { type: "reply", reply: { id: "help.place|_unknown", title: "Saya tidak tahu" } },
            ],
          },
        },
      },
    ]);
  });

  it("asks for a number as text (WhatsApp has no share-number button), keeping Skip", () => {
    const [m] = renderReplies(
      [
        ask(0, {
          text: "Nomor HP?",
          expects: "text",
          buttons: [{ id: "_skip", label: "Lewati" }],
          request: { kind: "contact", label: "📱 Kirim nomor saya" },
        }),
      ],
      WORDS,
    ) as ButtonsMessage[];
    expect(m?.interactive.body.text).toBe("Nomor HP?");
    expect(m?.interactive.action.buttons[0]?.reply.title).toBe("Lewati");
  });

  it("offers no quick-exit button (WhatsApp cannot delete messages from the phone)", () => {
    const messages = renderReplies(
      [ask(2, { quickExit: { label: "❌ Keluar cepat" }, silent: true })],
      WORDS,
    );
    expect(JSON.stringify(messages)).not.toContain("Keluar cepat");
    expect(JSON.stringify(messages)).not.toContain("_exit");
  });

  it("splits text over 4,096 characters and keeps an interactive body within 1,024", () => {
    const long = `${"a".repeat(3000)}\n\n${"b".repeat(3000)}`;
    const plain = renderReplies([{ type: "reply", text: long }], WORDS);
    expect(plain.map((m) => (m as { text: { body: string } }).text.body.length)).toEqual([
      3000, 3000,
    ]);
    const question = renderReplies(
      [
        { type: "reply", text: "c".repeat(900) },
        ask(2, { text: `${"d".repeat(500)}\n\n${"e".repeat(800)}` }),
      ],
      WORDS,
    );
    expect(question.map((m) => m.type)).toEqual(["text", "interactive"]);
    const last = question[1] as ButtonsMessage;
    expect(last.interactive.body.text).toBe("e".repeat(800));
    for (const m of question)
      expect(sendProblems({ messaging_product: "whatsapp", to: ID, ...m })).toEqual([]);
  });

  it("shortens an over-long label rather than have WhatsApp refuse the message", () => {
    const long = "Sebuah pilihan yang terlalu panjang sekali";
    const [b] = renderReplies(
      [ask(1, { buttons: [{ id: "a", label: long }] })],
      WORDS,
    ) as ButtonsMessage[];
    expect(b?.interactive.action.buttons[0]?.reply.title).toHaveLength(20);
    const rows = (
      renderReplies(
        [ask(4, { buttons: [long, "b", "c", "d"].map((l, i) => ({ id: `o${i}`, label: l })) })],
        WORDS,
      )[0] as ListMessage
    ).interactive.action.sections[0]?.rows;
    expect(rows?.[0]?.title).toHaveLength(24);
    expect(rows?.[0]?.description).toBe(long);
    expect(shorten("ab😭cd", 4)).toBe("ab…");
  });
});

/** Every question each flow can ask, as the person would see it in `lng`. */
function questions(lng: string): { ref: string; reply: Reply }[] {
  const bundle = realBundle();
  const out: { ref: string; reply: Reply }[] = [];
  for (const step of bundle.flows.steps.values()) {
    if (!WAITING_KINDS.has(step.def.kind)) continue;
    const session = newSession(0, lng);
    session.resume = "welcome.menu"; // the language question is asked even when known
    const turn = new Turn(bundle, session, { now: 0, ids: () => "x" });
    STEP_KINDS[step.def.kind].enter?.(turn, step);
    for (const e of turn.effects)
      if (e.type === "reply" && e.buttons?.length) out.push({ ref: step.ref, reply: e });
  }
  return out;
}

describe("every flow's labels on WhatsApp", () => {
  for (const lng of ["id", "en"]) {
    it(`fit WhatsApp's limits the way they are shown, in ${lng}`, () => {
      const asked = questions(lng);
      expect(asked.length).toBeGreaterThan(20);
      const bundle = realBundle();
      const words = {
        choose: bundle.texts.t(lng, "whatsapp:choose"),
        moreChoices: bundle.texts.t(lng, "whatsapp:more_choices"),
      };
      expect(words.choose.length).toBeLessThanOrEqual(WHATSAPP_LIMITS.listButton);
      for (const { ref, reply } of asked) {
        const buttons = reply.buttons ?? [];
        // A location question's other options go in a reply-button message of their own.
        const style = reply.request?.kind === "location" ? "buttons" : choiceStyle(buttons.length);
        for (const b of buttons) {
          expect(b.label.length, `${lng} ${ref} "${b.label}" as ${style}`).toBeLessThanOrEqual(
            labelLimit(style),
          );
        }
        const messages: OutboundMessage[] = renderReplies([reply], words);
        const json = JSON.stringify(messages);
        for (const b of buttons)
          if (style !== "numbered") expect(json, `${ref} ${b.label}`).toContain(`"${b.label}"`);
        for (const m of messages) {
          expect(
            sendProblems({ messaging_product: "whatsapp", to: ID, ...m }),
            `${lng} ${ref}`,
          ).toEqual([]);
        }
      }
    });
  }
});
