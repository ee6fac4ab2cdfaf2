/**
 * Reunite end to end, over the real channels' fakes: a family reports a relative on
 * Telegram with the +855 number she used abroad; later she writes for help from that
 * number on WhatsApp. Operators see the suggested match in both cases' topics, link it,
 * ask her (she holds the chat with an operator), she says yes, and the family is told
 * she is in contact, and nothing more. The same with "not the same person": dismissed,
 * audited on both cases, never suggested again.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Case } from "../../src/cases/model.js";
import { callbackUpdate } from "../fakes/telegram-api.js";
import {
  FAKE_ACCESS_TOKEN,
  FAKE_APP_SECRET,
  FAKE_PHONE_NUMBER_ID,
  FAKE_VERIFY_TOKEN,
  FakeGraphApi,
} from "../fakes/whatsapp/graph-api.js";
import { buttonReply, type Notification, sign, textMessage } from "../fakes/whatsapp/webhooks.js";
import { type GroupService, startGroupService } from "../operators/group-service.js";

const GROUP = -1_009_876_543_888;
const OPERATOR = 5150;

let graph: FakeGraphApi;
let g: GroupService;

beforeAll(async () => {
  graph = await FakeGraphApi.start();
  g = await startGroupService(GROUP, OPERATOR, {
    WHATSAPP_PHONE_NUMBER_ID: FAKE_PHONE_NUMBER_ID,
    WHATSAPP_ACCESS_TOKEN: FAKE_ACCESS_TOKEN,
    WHATSAPP_APP_SECRET: FAKE_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: FAKE_VERIFY_TOKEN,
    WHATSAPP_API_ROOT: graph.apiRoot,
  });
});
afterAll(async () => {
  await g.stop();
  await graph.close();
});

/** A WhatsApp notification into the service; what it set off carried out. */
async function wa(n: Notification): Promise<void> {
  const raw = JSON.stringify(n);
  const res = await fetch(`${g.svc.base}/whatsapp/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-hub-signature-256": sign(raw, FAKE_APP_SECRET),
    },
    body: raw,
  });
  expect(res.status).toBe(200);
  await g.svc.app.runtime.drain(10_000);
}

const lastTg = (chat: number) => g.fake.lastTextTo(chat) ?? "";
const lastWa = (to: string) => {
  const sent = graph.sent(to);
  return sent.length ? FakeGraphApi.textOf(sent.at(-1) as (typeof sent)[number]) : "";
};

/** A family on Telegram reports a missing relative with these answers. */
async function familyReports(chat: number, name: string, phones: string): Promise<Case> {
  await g.say(chat, "/start family");
  for (const step of [
    () => g.tap(chat, "c|family.relation|parent"),
    () => g.say(chat, name),
    () => g.say(chat, "24"),
    () => g.say(chat, phones),
    () => g.say(chat, "2 bulan lalu"),
    () => g.say(chat, "Poipet"),
    () => g.say(chat, "lewati"),
    () => g.tap(chat, "c|family.departure|agent"),
    () => g.tap(chat, "c|family.danger_now|no"),
    () => g.say(chat, "0812 9999 0000"),
  ])
    await step();
  const c = (await g.svc.app.cases.open(100)).find((x) => x.conversation === `tg:${chat}`);
  if (!c) throw new Error(`no report: ${lastTg(chat)}`);
  return c;
}

/** The person's case, once she asked for help on WhatsApp from `number`. */
async function personWrites(number: string, text: string): Promise<Case> {
  await wa(textMessage(number, text));
  const c = (await g.svc.app.cases.open(100)).find((x) => x.conversation === `wa:+${number}`);
  if (!c) throw new Error("no case for the person");
  return c;
}

/** The match lines in a case's topic, and the buttons under the last one. */
async function matchLines(caseId: string): Promise<{ texts: string[]; last?: Message }> {
  await g.fake.waitFor(() => true, 10);
  const thread = (await g.svc.app.cases.get(caseId))?.topic;
  const lines = thread === undefined ? [] : g.topic(thread).filter((m) => m.text?.startsWith("🔗"));
  return { texts: lines.map((m) => m.text ?? ""), ...(lines.at(-1) ? { last: lines.at(-1) } : {}) };
}

/** The callback data of the button whose data starts with `prefix` under `m`. */
function button(m: Message | undefined, prefix: string): string {
  const rows = m?.reply_markup?.inline_keyboard ?? [];
  const b = rows.flat().find((x) => "callback_data" in x && x.callback_data.startsWith(prefix));
  if (!b || !("callback_data" in b)) throw new Error(`no ${prefix} button`);
  return b.callback_data;
}

/** An operator taps a button in the group. */
async function operatorTaps(data: string, under?: Message): Promise<void> {
  await g.post(callbackUpdate(GROUP, data, under, { userId: OPERATOR }));
}

const actions = async (id: string) =>
  ((await g.svc.app.cases.get(id))?.audit ?? []).map((a) => `${a.action}:${a.detail ?? ""}`);

describe("a family's report and the person writing from its number", () => {
  it("is suggested on both topics, linked, asked, agreed, and the family told", async () => {
    const family = 880001;
    const report = await familyReports(family, "Dewi Lestari", "+855 97 123 4567");
    const person = await personWrites("855971234567", "tolong saya");

    // Both topics show the suggestion, with its reasons, to operators only.
    await g.fake.waitFor(
      () => g.fake.sentTo(GROUP).filter((m) => m.text?.startsWith("🔗")).length >= 2,
      8000,
    );
    const onReport = await matchLines(report.id);
    const onPerson = await matchLines(person.id);
    expect(onReport.texts[0]).toContain(person.id);
    expect(onReport.texts[0]).toContain("same phone number");
    expect(onPerson.texts[0]).toContain(report.id);
    expect(
      graph
        .sent("855971234567")
        .map((m) => FakeGraphApi.textOf(m))
        .join("\n"),
    ).not.toMatch(/keluarga|family|laporan/i);
    expect(await actions(report.id)).toContain(`match_suggested:${person.id}`);
    expect(await actions(person.id)).toContain(`match_suggested:${report.id}`);

    // Linked from the person's topic: both cases say so.
    await operatorTaps(button(onPerson.last, "m|link|"), onPerson.last);
    expect(await actions(report.id)).toContain(`match_linked:${person.id}`);
    expect(await actions(person.id)).toContain(`match_linked:${report.id}`);
    const linked = await matchLines(person.id);
    expect(linked.texts.at(-1)).toContain("Linked with case");

    // The question goes only while an operator holds her chat.
    const askData = button(linked.last, "m|ask|");
    await operatorTaps(askData, linked.last);
    expect(await actions(person.id)).not.toContain(`consent_asked:${report.id}`);
    const personTopic = (await g.svc.app.cases.get(person.id))?.topic as number;
    const card = g.topic(personTopic)[0] as Message;
    await operatorTaps(`o|claim|${person.id}`, card);
    await operatorTaps(askData, linked.last);
    expect(await actions(person.id)).toContain(`consent_asked:${report.id}`);
    const question = lastWa("855971234567");
    expect(question).toContain("orang rumah");
    expect(question).not.toMatch(/laporan|mencari|hilang/i);

    // She says yes: the family's topic offers to tell them; only then are they told.
    await wa(buttonReply("855971234567", "reunite.consent|consent_yes", "Ya"));
    expect(lastWa("855971234567")).toContain("Terima kasih");
    expect(await actions(report.id)).toContain(`consent_yes:${person.id}`);
    const agreed = await matchLines(report.id);
    expect(agreed.texts.at(-1)).toContain("agreed");
    await operatorTaps(button(agreed.last, "m|tell|"), agreed.last);
    expect(lastTg(family)).toContain("sudah berhubungan dengan tim kami");
    expect(await actions(report.id)).toContain(`family_told:${person.id}`);

    // Later the family asks for news and is told the status, nothing else.
    await g.say(family, "ada kabar?");
    expect(lastTg(family)).toContain("sudah berhubungan dengan tim kami");
    expect(lastTg(family)).not.toContain("855");
  });

  it("dismissed: audited on both cases, never suggested again, and the family hears only the status", async () => {
    const family = 880002;
    const report = await familyReports(family, "Yohanes Situmorang", "+855 88 765 4321");
    const person = await personWrites("855887654321", "tolong");
    await g.fake.waitFor(
      () =>
        g.fake.sentTo(GROUP).some((m) => m.text?.includes(person.id) && m.text.startsWith("🔗")),
      8000,
    );
    const onReport = await matchLines(report.id);
    await operatorTaps(button(onReport.last, "m|dismiss|"), onReport.last);
    expect(await actions(report.id)).toContain(`match_dismissed:${person.id}`);
    expect(await actions(person.id)).toContain(`match_dismissed:${report.id}`);
    const shown = g.fake.sentTo(GROUP).filter((m) => m.text?.startsWith("🔗")).length;

    // She writes again, naming herself and the place: nothing is suggested again.
    await wa(textMessage("855887654321", "nama saya Yohanes Situmorang, di Poipet"));
    expect(await g.svc.ports.matches.get(report.id, person.id)).toMatchObject({
      state: "dismissed",
    });
    expect(g.fake.sentTo(GROUP).filter((m) => m.text?.startsWith("🔗")).length).toBe(shown);

    await g.say(family, "any news?");
    expect(lastTg(family)).toContain("Laporan Anda sudah kami terima");
    expect(lastTg(family)).not.toContain(person.id);
  });
});
