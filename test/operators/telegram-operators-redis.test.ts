/**
 * The operator side on the real Redis case store and scheduler (own key prefix, cleaned
 * up): topics are found again by thread, the card's place survives the codec, and the SLA
 * timers announce from Redis.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisCaseStore } from "../../src/cases/redis-case-store.js";
import { RedisScheduler } from "../../src/schedule/redis-scheduler.js";
import { created, PERSONAL } from "../cases/case-store.contract.js";
import { useRedis } from "../cases/redis-env.js";
import {
  callbackUpdate,
  FakeTelegramApi,
  groupTextUpdate,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { GROUP, startHelpline } from "./compose.js";

const OPERATOR = 601;
const env = useRedis();
let fake: FakeTelegramApi;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
});

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
  await fake.close();
});

function buttonData(chatId: number, label: RegExp): string {
  const last = fake.sentTo(chatId).at(-1) as Message;
  const rows = (last.reply_markup?.inline_keyboard ?? []).flat();
  const button = rows.find((b) => "callback_data" in b && label.test(b.text));
  if (!button || !("callback_data" in button)) throw new Error(`no button ${label}`);
  return button.callback_data as string;
}

describe("operators on Telegram, with Redis", () => {
  it("claims, relays both ways, survives a deleted topic and announces from Redis timers", async () => {
    const h = await startHelpline(fake, {
      operatorIds: [String(OPERATOR)],
      supervisorIds: [],
      ports: (ports) => ({
        ...ports,
        cases: new RedisCaseStore(env.redis, { prefix: env.prefix }),
        scheduler: new RedisScheduler(env.redis, { prefix: env.prefix }),
      }),
    });
    cleanups.push(() => h.stop());
    const chat = 8_200_001;
    await h.handle(textUpdate(chat, "/start", { languageCode: "id" }));
    await h.handle(callbackUpdate(chat, buttonData(chat, /Butuh bantuan/)));
    await h.handle(callbackUpdate(chat, buttonData(chat, /Bahaya sekarang/)));
    await h.handle(locationUpdate(chat, 13.66, 102.56));
    const [c] = await h.store.open(10);
    if (!c) throw new Error("no case");
    const thread = c.topic as number;
    expect(await h.store.byTopic(thread)).toMatchObject({ id: c.id });

    h.clock.advance(2 * 60_000 + 1000);
    await h.worker.tick();
    const general = fake.sentTo(GROUP).filter((m) => m.message_thread_id === undefined);
    expect(general.at(-1)?.text).toMatch(new RegExp(`^⚠️ P1 case ${c.id} waiting 2 min`));

    const card = fake.sentTo(GROUP).find((m) => m.message_thread_id === thread && m.reply_markup);
    await h.handle(callbackUpdate(GROUP, `o|claim|${c.id}`, card, { userId: OPERATOR }));
    expect(fake.lastTextTo(chat)).toContain("Halo, saya di sini.");
    // Redis holds the holder under a keyed hash: neither the plain field nor the record
    // names the operator's Telegram id.
    const raw = await env.redis.hgetall(`${env.prefix}case:{${c.id}}`);
    expect(raw.o).toBe(h.actor(OPERATOR));
    expect(raw.o).not.toContain(String(OPERATOR));
    const stored = JSON.parse(raw.d as string) as { operator: string; audit: { by: string }[] };
    expect(stored.operator).toBe(h.actor(OPERATOR));
    expect(stored.audit.map((a) => a.by)).not.toContain(String(OPERATOR));

    fake.deleteTopic(GROUP, thread);
    await h.handle(textUpdate(chat, "Kami dipindahkan malam ini"));
    const moved = (await h.store.get(c.id))?.topic as number;
    expect(moved).not.toBe(thread);
    expect(await h.store.byTopic(moved)).toMatchObject({ id: c.id });
    const inMoved = fake.sentTo(GROUP).filter((m) => m.message_thread_id === moved);
    expect(inMoved[0]?.text).toContain(c.id);
    expect(inMoved.map((m) => m.text)).toContain("👤 Kami dipindahkan malam ini");
    // "dipindahkan" (being moved) is a danger word: the case learned it, and where they are.
    expect((await h.store.get(c.id))?.reasons).toContain("being_moved");
    const pin = inMoved.find((m) => m.location !== undefined);
    expect(pin?.location).toMatchObject({ latitude: 13.66, longitude: 102.56 });

    await h.handle(groupTextUpdate(GROUP, OPERATOR, "Baik, kami catat.", moved));
    expect(fake.lastTextTo(chat)).toBe("Baik, kami catat.");
    expect((await h.store.get(c.id))?.firstReplyAt).toBeDefined();
  });

  it("answers /queue and /stats around a damaged case, and reports it without its content", async () => {
    const prefix = `${env.prefix}damaged:`;
    const store = new RedisCaseStore(env.redis, { prefix });
    const h = await startHelpline(fake, {
      operatorIds: [String(OPERATOR)],
      supervisorIds: [],
      ports: (ports) => ({
        ...ports,
        cases: store,
        scheduler: new RedisScheduler(env.redis, { prefix }),
      }),
    });
    cleanups.push(() => h.stop());
    const good = await created(store, { now: h.clock.now() });
    const broken = await created(store, { now: h.clock.now(), priority: "P1" });
    await env.redis.hset(`${prefix}case:{${broken.id}}`, "d", '{"id":"cut off');

    const ask = async (text: string) => {
      const before = fake.sentTo(GROUP).length;
      await h.handle(groupTextUpdate(GROUP, OPERATOR, text));
      return fake.sentTo(GROUP).slice(before).at(-1)?.text ?? "";
    };
    const queue = await ask("/queue");
    expect(queue).toContain("Open cases:");
    expect(queue).toContain(good.id);
    expect(queue).not.toContain(broken.id);
    expect(await ask("/stats")).toContain("New cases: 1");

    const reported = h.logs.filter((l) => l.includes("damaged case record skipped"));
    expect(reported.length).toBeGreaterThanOrEqual(2);
    expect(reported[0]).toContain(broken.id);
    expect(reported.join("")).not.toContain(PERSONAL.name);
    expect(await h.metrics.registry.metrics()).toMatch(
      /pulang_errors_total\{stage="case_damaged"\} [2-9]/,
    );
  });
});
