/**
 * WhatsApp as `npm start` wires it: a +62 person on WhatsApp (fake Graph API), operators
 * in the Telegram group (fake Bot API), real Redis. The person escalates; an operator
 * claims, and messages relay both ways across the two platforms.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callbackUpdate,
  FakeTelegramApi,
  groupTextUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import {
  FAKE_ACCESS_TOKEN,
  FAKE_APP_SECRET,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERIFY_TOKEN,
  FakeGraphApi,
} from "../fakes/whatsapp/graph-api.js";
import {
  buttonReply,
  image,
  listReply,
  location,
  sign,
  textMessage,
} from "../fakes/whatsapp/webhooks.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

const GROUP = -1_001_234_500_000;
const OPERATOR = 5151;
let tg: FakeTelegramApi;
let graph: FakeGraphApi;
let svc: Service;

beforeAll(async () => {
  tg = await FakeTelegramApi.start();
  graph = await FakeGraphApi.start();
  svc = await startService({
    fake: tg,
    env: {
      OPERATOR_CHAT_ID: String(GROUP),
      OPERATOR_IDS: String(OPERATOR),
      WHATSAPP_API_ROOT: graph.apiRoot,
      WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: FAKE_ACCESS_TOKEN,
      WHATSAPP_APP_SECRET: FAKE_APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: FAKE_VERIFY_TOKEN,
    },
  });
});

afterAll(async () => {
  await svc.stop();
  await tg.close();
  await graph.close();
  await dropPrefix(svc.prefix);
});

/** Deliver a webhook notification as Meta does (signed), then let replies go out. */
async function deliver(notification: object): Promise<void> {
  const body = JSON.stringify(notification);
  const res = await fetch(`${svc.base}/whatsapp/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": sign(body, FAKE_APP_SECRET),
    },
    body,
  });
  expect(res.status).toBe(200);
  await svc.app.runtime.drain();
}

/** The id and title of the person's latest choice labelled like `label`. */
function option(wa: string, label: RegExp): { id: string; title: string } {
  const last = graph.sent(wa).at(-1)?.body.interactive;
  const choices =
    last?.type === "list"
      ? last.action.sections.flatMap((s: { rows: { id: string; title: string }[] }) => s.rows)
      : (last?.action.buttons ?? []).map((b: { reply: { id: string; title: string } }) => b.reply);
  const found = choices.find((c: { title: string }) => label.test(c.title));
  if (!found) throw new Error(`no choice ${label}`);
  return found;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 80 && !check(); i++) await new Promise((r) => setTimeout(r, 100));
  expect(check()).toBe(true);
}

describe("WhatsApp through the app", () => {
  it("answers Meta's verification", async () => {
    const url = `${svc.base}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${FAKE_VERIFY_TOKEN}&hub.challenge=12345`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("12345");
  });

  it("takes a +62 person to an escalation, then relays with an operator on Telegram", async () => {
    const wa = "6281234567001";
    await deliver(textMessage(wa, "halo"));
    const help = option(wa, /Butuh bantuan/);
    await deliver(listReply(wa, help.id, help.title));
    const danger = option(wa, /Bahaya sekarang/);
    await deliver(buttonReply(wa, danger.id, danger.title));
    await deliver(location(wa, 13.66, 102.56));

    const [c] = await svc.app.cases.open(10);
    expect(c).toMatchObject({ channel: "wa", priority: "P1", conversation: `wa:+${wa}` });
    await until(() => tg.callsTo("createForumTopic").length > 0);
    const thread = (await svc.app.cases.get(c?.id as string))?.topic as number;
    await until(() => tg.sentTo(GROUP).some((m) => m.message_thread_id === thread));
    const card = tg.sentTo(GROUP).find((m) => m.message_thread_id === thread) as Message;
    expect(card.text).toContain("WhatsApp");

    await svc.post(callbackUpdate(GROUP, `o|claim|${c?.id}`, card, { userId: OPERATOR }));
    await until(() =>
      graph.sent(wa).some((m) => JSON.stringify(m.body).includes("Halo, saya di sini.")),
    );

    await svc.post(groupTextUpdate(GROUP, OPERATOR, "Halo, ini tim Pulang. Kamu aman?", thread));
    await until(() =>
      graph.sent(wa).some((m) => m.body.text?.body === "Halo, ini tim Pulang. Kamu aman?"),
    );

    await deliver(textMessage(wa, "kami di lantai 3"));
    await until(() => tg.sentTo(GROUP).some((m) => (m.text ?? "").includes("kami di lantai 3")));

    // A photo from the person reaches the topic as a file.
    const photo = graph.addMedia(Buffer.from("fake jpeg bytes"), "image/jpeg");
    await deliver(image(wa, photo));
    await until(() =>
      tg.callsTo("sendDocument").some((c) => Number(c.params.message_thread_id) === thread),
    );

    const logs = svc.logs.join("");
    for (const secret of [wa, "lantai 3", "13.66"]) expect(logs).not.toContain(secret);
  });

  it("lets a person whose Telegram phone was taken find their case again on WhatsApp", async () => {
    const chat = 7_600_001;
    const tgTap = (data: string) => svc.post(callbackUpdate(chat, data));
    await svc.post(textUpdate(chat, "halo", { languageCode: "id" }));
    await tgTap("c|welcome.menu|help");
    await tgTap("c|help.safety|unsafe");
    await svc.post(textUpdate(chat, "Poipet", { languageCode: "id" }));
    for (const data of ["c|help.phone|anytime", "c|help.safe_time|_skip", "c|help.people|_skip"])
      await tgTap(data);
    for (const data of ["c|help.injuries|none", "c|help.passport|held", "c|help.consent|no"])
      await tgTap(data);
    await svc.post(textUpdate(chat, "kopi susu", { languageCode: "id" }));
    await svc.app.runtime.drain();
    const handoff =
      tg
        .sentTo(chat)
        .map((m) => m.text ?? "")
        .find((t) => t.includes("Simpan kode ini:")) ?? "";
    const code = /Simpan kode ini: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3})/.exec(handoff)?.[1];
    expect(code).toBeDefined();
    const [before] = (await svc.app.cases.open(50)).filter((c) => c.conversation === `tg:${chat}`);

    const wa = "6281234567002";
    await deliver(textMessage(wa, code as string));
    expect(JSON.stringify(graph.sent(wa).at(-1)?.body)).toContain("kata rahasia");
    await deliver(textMessage(wa, "Kopi Susu"));
    expect(JSON.stringify(graph.sent(wa).at(-1)?.body)).toContain("memeriksanya dulu");
    // An operator confirms it is the person (decision 0028).
    const thread = (await svc.app.cases.get(before?.id as string))?.topic as number;
    await until(() =>
      tg.sentTo(GROUP).some((m) => m.message_thread_id === thread && m.text?.startsWith("🔑")),
    );
    const request = tg
      .sentTo(GROUP)
      .findLast((m) => m.message_thread_id === thread && m.text?.startsWith("🔑")) as Message;
    await svc.post(callbackUpdate(GROUP, `o|relink|${before?.id}`, request, { userId: OPERATOR }));
    await until(() =>
      graph.sent(wa).some((m) => JSON.stringify(m.body).includes("tersambung lagi")),
    );
    const after = await svc.app.cases.get(before?.id as string);
    expect(after).toMatchObject({ conversation: `wa:+${wa}`, channel: "wa", reattached: true });
  });
});
