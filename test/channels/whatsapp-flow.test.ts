/**
 * WhatsApp end to end: Meta's notifications (signed) into the real HTTP server, through the
 * runtime and engine, out through the Graph API client to a fake Graph API on loopback.
 * A person from a +62 number goes through the Indonesian help flow to an escalation; the
 * operator joins and writes; the person's messages and a photo reach the case; receipts,
 * the 24-hour window and the re-engagement template.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Pacer } from "../../src/channels/pacer.js";
import { sessionCaseRef, WhatsAppChannel } from "../../src/channels/whatsapp/channel.js";
import { GraphClient } from "../../src/channels/whatsapp/graph.js";
import { MemoryWhatsAppStore } from "../../src/channels/whatsapp/store.js";
import { createLogger } from "../../src/log.js";
import { MemoryConversationStore } from "../../src/runtime/memory-store.js";
import {
  FAKE_ACCESS_TOKEN,
  FAKE_PHONE_NUMBER_ID,
  FakeGraphApi,
  type SentMessage,
} from "../fakes/whatsapp/graph-api.js";
import { type Helpline, startHelpline } from "../fakes/whatsapp/helpline.js";
import {
  buttonReply,
  image,
  listReply,
  location,
  type Notification,
  status,
  textMessage,
} from "../fakes/whatsapp/webhooks.js";
import { realBundle } from "../helpers/content.js";

let fake: FakeGraphApi;
let line: Helpline;
let nextNumber = 6281200000001;

beforeAll(async () => {
  fake = await FakeGraphApi.start();
  line = await startHelpline(fake, { env: { WHATSAPP_TEMPLATE_NAME: "pulang_pesan_baru" } });
});
afterAll(async () => {
  await line.stop();
  await fake.close();
});
afterEach(() => {
  line.clock.offsetMs = 0;
});

/** Post a notification, expect 200, and wait until its replies went out. */
async function send(to: string, n: Notification): Promise<SentMessage[]> {
  const before = fake.sent(to).length;
  const res = await line.post(n);
  expect(res.status).toBe(200);
  await line.runtime.drain(10_000);
  return fake.sent(to).slice(before);
}

const textOf = (messages: SentMessage[]) => messages.map((m) => FakeGraphApi.textOf(m)).join("\n");

/** The id and title of the button or list row labelled like `label` on the latest question. */
function option(to: string, label: RegExp): { id: string; title: string } {
  const asked = fake
    .sent(to)
    .filter((m) => m.type === "interactive")
    .reverse();
  for (const m of asked) {
    const i = m.body.interactive;
    const options: { id: string; title: string }[] =
      i.type === "button"
        ? i.action.buttons.map((b: { reply: { id: string; title: string } }) => b.reply)
        : i.type === "list"
          ? i.action.sections.flatMap((s: { rows: { id: string; title: string }[] }) => s.rows)
          : [];
    const found = options.find((o) => label.test(o.title));
    if (found) return found;
  }
  throw new Error(`no option ${label} sent to ${to}`);
}

describe("WhatsApp end to end", () => {
  it("takes a +62 person through the help flow in Indonesian to an escalation", async () => {
    const wa = String(nextNumber++);
    const key = `wa:+${wa}`;
    const menu = await send(wa, textMessage(wa, "halo", { name: "Rina" }));
    expect(textOf(menu)).toContain("Halo 👋 Ini Pulang.");
    expect(menu.at(-1)?.body.interactive.type).toBe("list");
    expect(menu.at(-1)?.body.interactive.action.button).toBe("Pilih");

    const help = option(wa, /Butuh bantuan/);
    const safety = await send(wa, listReply(wa, help.id, help.title));
    expect(textOf(safety)).toBe("Bagaimana keadaanmu sekarang?");
    expect(option(wa, /Bahaya/).id).toBe("help.safety|danger");

    const danger = option(wa, /Bahaya sekarang/);
    const place = await send(wa, buttonReply(wa, danger.id, danger.title));
    expect(place.map((m) => m.body.interactive?.type)).toEqual([
      "location_request_message",
      "button",
    ]);
    expect(textOf(place)).toContain("Kamu ada di mana sekarang?");
    expect(option(wa, /tidak tahu/).id).toBe("help.place|_unknown");
    // In danger: operators hear at once, before the rest of the questions.
    expect(line.cases).toContainEqual(
      expect.objectContaining({
        what: "escalate",
        key,
        effect: expect.objectContaining({ priority: "P1" }),
      }),
    );

    expect(textOf(await send(wa, location(wa, 13.66, 102.56)))).toContain(
      "bisa terus memakai HP ini?",
    );
    await send(wa, textMessage(wa, "kadang kadang"));
    await send(wa, textMessage(wa, "malam jam 11"));
    await send(wa, textMessage(wa, "3"));
    const none = option(wa, /Tidak ada/);
    await send(wa, buttonReply(wa, none.id, none.title));
    const passport = fake.sent(wa).at(-1);
    expect(passport?.body.interactive.type).toBe("list");
    const held = option(wa, /[Dd]itahan/);
    await send(wa, listReply(wa, held.id, held.title));
    const no = option(wa, /Jangan/);
    await send(wa, buttonReply(wa, no.id, no.title));

    const all = textOf(fake.sent(wa));
    expect(all).toContain("KBRI Phnom Penh");
    expect(all).toContain("+855 12 813 282");
    const escalations = line.cases.filter((c) => c.key === key && c.what === "escalate");
    expect(escalations.length).toBeGreaterThanOrEqual(2);
    // A failed message finds its case through the session (see sessionCaseRef).
    const caseRef = (escalations[0]?.effect as { caseRef?: string } | undefined)?.caseRef;
    expect(await sessionCaseRef(line.conversations)(key)).toBe(caseRef);
    expect(fake.violations).toEqual([]);
    expect(fake.sent(wa).every((m) => m.to === wa)).toBe(true);
    // Nothing personal in the logs: no name, no number, no words.
    const logs = line.logs.join("");
    for (const secret of ["Rina", wa, "malam jam 11", "13.66"]) expect(logs).not.toContain(secret);
  });

  it("relays both ways once an operator joins, and hands over a photo as a file", async () => {
    const wa = String(nextNumber++);
    const key = `wa:+${wa}`;
    await send(wa, textMessage(wa, "halo"));
    await send(wa, textMessage(wa, "petugas"));
    const joined = fake.sent(wa).length;
    await line.person.event(key, "joined");
    await line.runtime.drain(5000);
    expect(textOf(fake.sent(wa).slice(joined))).toContain("Halo, saya di sini.");

    const said = await line.person.say(key, "Halo, saya Dewi dari tim. Kamu di mana?");
    expect(said.status === "saved" && (await said.delivered)).toBe("done");
    expect(FakeGraphApi.textOf(fake.sent(wa).at(-1) as SentMessage)).toBe(
      "Halo, saya Dewi dari tim. Kamu di mana?",
    );

    await send(wa, textMessage(wa, "di Poipet, dekat pasar"));
    const relays = line.cases.filter((c) => c.key === key && c.what === "relay");
    expect(relays.at(-1)?.effect).toMatchObject({
      inbound: { kind: "text", text: "di Poipet, dekat pasar" },
    });

    const mediaId = fake.addMedia(Buffer.from("FOTO"), "image/jpeg");
    await send(wa, image(wa, mediaId));
    const photo = line.cases.filter((c) => c.key === key && c.what === "relay").at(-1)?.effect as {
      inbound: { kind: string; media: string; origin: string };
    };
    expect(photo.inbound).toMatchObject({ kind: "media", media: "photo", origin: mediaId });
    const file = await line.parts.channel.mediaFile(photo.inbound.origin, photo.inbound.media);
    expect(file).toEqual({
      bytes: Buffer.from("FOTO"),
      mimeType: "image/jpeg",
      filename: "photo.jpg",
    });
  });

  it("handles a repeated message id once", async () => {
    const wa = String(nextNumber++);
    const n = textMessage(wa, "halo");
    const first = await send(wa, n);
    expect(first.length).toBeGreaterThan(0);
    expect(await send(wa, n)).toEqual([]);
  });

  it("answers photos and stickers kindly and asks the question again", async () => {
    const wa = String(nextNumber++);
    await send(wa, textMessage(wa, "halo"));
    const reply = await send(wa, image(wa, "123"));
    expect(textOf(reply)).toContain("hanya bisa membaca tulisan dan lokasi");
    expect(textOf(reply)).toContain("Apa yang bisa kami bantu?");
  });

  it("asks a non-Indonesian number for its language first", async () => {
    const wa = "447700900123";
    const [question] = await send(wa, textMessage(wa, "hello"));
    expect(
      question?.body.interactive.action.buttons.map((b: { reply: { id: string } }) => b.reply.id),
    ).toContain("welcome.language|en");
  });

  it("records receipts, and passes a failed one on and stops writing to that person", async () => {
    const wa = String(nextNumber++);
    const key = `wa:+${wa}`;
    const [sent] = await send(wa, textMessage(wa, "halo"));
    const id = sent?.id as string;
    expect(await line.parts.store.statusOf(id)).toBe("sent");
    await line.post(status(id, "read", { recipient: wa }));
    expect(await line.parts.store.statusOf(id)).toBe("read");
    const res = await line.post(
      status(id, "failed", { recipient: wa, code: 131026, title: "Message Undeliverable." }),
    );
    expect(res.status).toBe(200);
    expect(line.logs.join("")).toContain("message to a person failed");
    expect(await line.reachability.isUnreachable(key)).toBe(true);
    // Writing again makes them reachable again.
    expect((await send(wa, textMessage(wa, "halo lagi"))).length).toBeGreaterThan(0);
    expect(await line.reachability.isUnreachable(key)).toBe(false);
  });

  it("marks a person unreachable when WhatsApp refuses, and tells the operator side", async () => {
    const wa = String(nextNumber++);
    const key = `wa:+${wa}`;
    await send(wa, textMessage(wa, "halo"));
    fake.failNext(131026, { to: wa });
    const said = await line.person.say(key, "Halo?");
    expect(said.status === "saved" && (await said.delivered)).toBe("unreachable");
    expect(await line.reachability.isUnreachable(key)).toBe(true);
    // Known now: the next words are refused before anything is saved.
    expect(await line.person.say(key, "Halo??")).toEqual({ status: "refused", why: "unreachable" });
  });

  it("a case closed after the 24 hours gives the chat back to the bot, silently", async () => {
    const wa = String(nextNumber++);
    const key = `wa:+${wa}`;
    await send(wa, textMessage(wa, "halo"));
    await send(wa, textMessage(wa, "petugas"));
    await line.person.event(key, "joined");
    await line.runtime.drain(5000);
    line.clock.offsetMs = 25 * 60 * 60 * 1000;
    const before = fake.calls.length;
    await line.person.event(key, "closed");
    await line.runtime.drain(5000);
    expect(fake.calls.length).toBe(before); // nothing may be written past the window
    // When they write again, the bot answers them; nothing goes to a closed case.
    const relayed = line.cases.filter((c) => c.key === key && c.what === "relay").length;
    const replies = await send(
      wa,
      textMessage(wa, "halo", { at: Date.now() + line.clock.offsetMs }),
    );
    expect(replies.length).toBeGreaterThan(0);
    expect(line.cases.filter((c) => c.key === key && c.what === "relay")).toHaveLength(relayed);
  });

  it("after 24 hours sends nothing but the template, and only when asked", async () => {
    const wa = String(nextNumber++);
    const key = `wa:+${wa}`;
    await send(wa, textMessage(wa, "halo"));
    expect(await line.parts.channel.reachOut(key)).toEqual({ status: "open" });
    line.clock.offsetMs = 25 * 60 * 60 * 1000;
    const before = fake.calls.length;
    expect(await line.person.say(key, "Halo, apa kabar?")).toEqual({
      status: "refused",
      why: "window_closed",
    });
    expect(fake.calls.length).toBe(before); // refused here, never tried at WhatsApp
    expect(await line.parts.channel.reachOut(key)).toEqual({ status: "template_sent" });
    expect(fake.sent(wa).at(-1)?.body).toMatchObject({
      type: "template",
      template: { name: "pulang_pesan_baru", language: { code: "id" } },
    });
  });
});

describe("WhatsApp without a template", () => {
  it("says the window is closed rather than sending anything", async () => {
    const store = new MemoryWhatsAppStore();
    const channel = new WhatsAppChannel({
      graph: new GraphClient({
        apiRoot: fake.apiRoot,
        phoneNumberId: FAKE_PHONE_NUMBER_ID,
        accessToken: FAKE_ACCESS_TOKEN,
      }),
      pacer: new Pacer({ limits: { globalPerSecond: 80, perChatGapMs: 0, groupPerMinute: 20 } }),
      reachability: new MemoryConversationStore(),
      store,
      texts: realBundle().texts,
      log: createLogger("silent"),
    });
    const before = fake.calls.length;
    expect(await channel.reachOut("wa:+6281299999999")).toEqual({ status: "window_closed" });
    expect(await channel.windowOpen("wa:+6281299999999")).toBe(false);
    expect(fake.calls.length).toBe(before);
  });
});
