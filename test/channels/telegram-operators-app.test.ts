/**
 * The operators' group as `npm start` wires it: the real service (webhook, Redis), the
 * person and the operators both on the fake Bot API.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callbackUpdate,
  FakeTelegramApi,
  groupTextUpdate,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

const GROUP = -1_009_876_543_210;
const OPERATOR = 4242;
let fake: FakeTelegramApi;
let svc: Service;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
  svc = await startService({
    fake,
    env: {
      OPERATOR_CHAT_ID: String(GROUP),
      OPERATOR_IDS: String(OPERATOR),
      OPERATOR_LANGUAGE: "en",
    },
  });
});

afterAll(async () => {
  await svc.stop();
  await fake.close();
  await dropPrefix(svc.prefix);
});

async function post(update: object): Promise<void> {
  expect((await svc.post(update)).status).toBe(200);
  await svc.app.runtime.drain();
}

async function until(check: () => boolean): Promise<void> {
  await fake.waitFor(check, 8000);
}

describe("operators' group, wired by the app", () => {
  it("opens a topic with a card for a P1, and relays both ways once claimed", async () => {
    const chat = 7_500_001;
    await post(textUpdate(chat, "halo", { languageCode: "id" }));
    await post(callbackUpdate(chat, "c|welcome.menu|help"));
    await post(callbackUpdate(chat, "c|help.safety|danger"));
    await post(locationUpdate(chat, 13.66, 102.56));

    const [c] = await svc.app.cases.open(10);
    expect(c).toMatchObject({ priority: "P1", conversation: `tg:${chat}` });
    await until(() => fake.callsTo("createForumTopic").length > 0);
    const title = String(fake.callsTo("createForumTopic")[0]?.params.name);
    expect(title).toContain(`P1 · ${c?.id}`);
    const thread = (await svc.app.cases.get(c?.id as string))?.topic as number;
    await until(() => fake.sentTo(GROUP).some((m) => m.message_thread_id === thread));
    const card = fake.sentTo(GROUP).find((m) => m.message_thread_id === thread) as Message;

    // The operator claims from the card: the person hears a human joined.
    await post(callbackUpdate(GROUP, `o|claim|${c?.id}`, card, { userId: OPERATOR }));
    await until(() => (fake.lastTextTo(chat) ?? "").includes("Halo, saya di sini."));
    expect((await svc.app.cases.get(c?.id as string))?.status).toBe("claimed");

    // The operator writes in the topic: the person receives it.
    await post(groupTextUpdate(GROUP, OPERATOR, "Halo, saya Rina dari tim. Kamu aman?", thread));
    await until(() => fake.lastTextTo(chat) === "Halo, saya Rina dari tim. Kamu aman?");

    // The person answers: it appears in the topic.
    await post(textUpdate(chat, "saya di lantai 3", { languageCode: "id" }));
    await until(() =>
      fake
        .sentTo(GROUP)
        .some((m) => m.message_thread_id === thread && (m.text ?? "").includes("saya di lantai 3")),
    );

    // Hand back: the bot takes the conversation again.
    await post(callbackUpdate(GROUP, `o|handback|${c?.id}`, card, { userId: OPERATOR }));
    await until(() => (fake.lastTextTo(chat) ?? "").includes("bisa terus memakai HP ini?"));

    // Debug-level logs of all of it hold neither side's words, nor the person's place.
    const logs = svc.logs.join("");
    for (const secret of ["Rina", "Kamu aman", "lantai 3", "13.66", "102.56", String(chat)]) {
      expect(logs).not.toContain(secret);
    }
  });
});
