/**
 * The real service with the operators' group on the fake Bot API, for tests of what the
 * person and the operators see of each other: start it, post updates, bring a person in
 * danger to a claimed case.
 */
import type { Message } from "grammy/types";
import { expect } from "vitest";
import {
  callbackUpdate,
  FakeTelegramApi,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { dropPrefix, type Service, serviceClock, startService } from "../helpers/service.js";

export interface GroupService {
  svc: Service;
  fake: FakeTelegramApi;
  clock: ReturnType<typeof serviceClock>;
  group: number;
  operator: number;
  /** Post an update and let what it set off be carried out. */
  post(update: object): Promise<void>;
  say(chat: number, text: string): Promise<void>;
  tap(chat: number, data: string): Promise<void>;
  /** What the bot said in a topic. */
  topic(thread: number): Message[];
  stop(): Promise<void>;
}

export async function startGroupService(
  group: number,
  operator: number,
  env: Record<string, string> = {},
): Promise<GroupService> {
  const fake = await FakeTelegramApi.start();
  const clock = serviceClock();
  const svc = await startService({
    fake,
    now: clock.now,
    env: {
      OPERATOR_CHAT_ID: String(group),
      OPERATOR_IDS: String(operator),
      OPERATOR_LANGUAGE: "en",
      // About behaviour, not Telegram's quota: no waiting a second per message.
      TELEGRAM_CHAT_GAP_MS: "1",
      TELEGRAM_GROUP_PER_MINUTE: "10000",
      ...env,
    },
  });
  const post = async (update: object) => {
    expect((await svc.post(update)).status).toBe(200);
    await svc.app.runtime.drain();
  };
  return {
    svc,
    fake,
    clock,
    group,
    operator,
    post,
    say: (chat, text) => post(textUpdate(chat, text, { languageCode: "id" })),
    tap: (chat, data) => post(callbackUpdate(chat, data)),
    topic: (thread) => fake.sentTo(group).filter((m) => m.message_thread_id === thread),
    async stop() {
      await svc.stop();
      await fake.close();
      await dropPrefix(svc.prefix);
    },
  };
}

/** A person in danger at Poipet whose case an operator claimed: the case and its topic. */
export async function claimedCase(g: GroupService, chat: number) {
  await g.say(chat, "halo");
  await g.tap(chat, "c|welcome.menu|help");
  await g.tap(chat, "c|help.safety|danger");
  await g.post(locationUpdate(chat, 13.66, 102.56));
  return claim(g, chat);
}

/** The operator claims the open case of `chat` from its card. */
export async function claim(g: GroupService, chat: number) {
  const c = (await g.svc.app.cases.open(100)).find((x) => x.conversation === `tg:${chat}`);
  if (!c) throw new Error("no case");
  await g.fake.waitFor(
    () => g.fake.sentTo(g.group).some((m) => m.text?.includes(c.id) ?? false),
    8000,
  );
  const thread = (await g.svc.app.cases.get(c.id))?.topic as number;
  const card = g.topic(thread)[0] as Message;
  await g.post(callbackUpdate(g.group, `o|claim|${c.id}`, card, { userId: g.operator }));
  await g.fake.waitFor(() => (g.fake.lastTextTo(chat) ?? "").includes("Halo, saya di sini"), 8000);
  return { id: c.id, thread };
}
