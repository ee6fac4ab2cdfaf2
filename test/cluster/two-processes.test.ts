/**
 * Two service processes share the webhook on one Redis Cluster (three primaries with a
 * replica each, replica barrier on), and a primary is killed (-9) mid-run: its replica
 * takes over. Telegram redelivers what was not answered 2xx, as it does. Afterwards every
 * acknowledged update is in its conversation (each handled once), every reply went out once,
 * and each person's replies arrived in the order of their conversation.
 *
 * The order is checked against the run itself: people on the same path (a third each in
 * danger, not safe, safe for now) must all have read the same ten messages in the same
 * order; a reply lost, repeated or overtaken shows as a person whose chat differs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helpPeople } from "../../bench/lib/people.js";
import { PrivateCluster } from "../../bench/lib/redis-cluster.js";
import { createRedis, waitUntilReady } from "../../src/stores/redis/connection.js";
import { FakeTelegramApi } from "../fakes/telegram-api.js";
import {
  type Cleanups,
  crashLines,
  deliver,
  escalationsReached,
  eventually,
  newSetup,
  recoverNow,
  sessionOf,
  startService,
  storeOf,
} from "../faults/harness.js";

const PEOPLE = 120;
const MOVES = 10;
const cleanups: Cleanups = [];
let cluster: PrivateCluster;
beforeAll(async () => {
  cluster = await PrivateCluster.start();
  cleanups.push(() => cluster.stop());
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

describe("two processes on a Redis Cluster that loses a primary mid-run", () => {
  it("lose no acknowledged update, and send each reply once and in order", {
    timeout: 240_000,
  }, async () => {
    const fake = await FakeTelegramApi.start();
    cleanups.push(() => fake.close());
    const setup = newSetup("", fake.apiRoot);
    const nodes = cluster.seeds.map((s) => `${s.host}:${s.port}`).join(",");
    setup.redisEnv = {
      REDIS_CLUSTER_NODES: nodes,
      REDIS_WAIT_REPLICAS: "1",
      REDIS_WAIT_TIMEOUT_MS: "2000",
    };
    const redis = createRedis({ kind: "cluster", nodes: cluster.seeds }, { role: "commands" });
    redis.on("error", () => undefined);
    await waitUntilReady(redis, 20_000);
    cleanups.push(async () => redis.disconnect());

    const lines: string[] = [];
    const [a, b] = await Promise.all([startService(setup, lines), startService(setup, lines)]);
    cleanups.push(
      () => a.bot.stop(),
      () => b.bot.stop(),
    );
    const ports = [a.bot.port, b.bot.port];
    const people = helpPeople(PEOPLE, 4_600_000_000);
    const total = PEOPLE * MOVES;
    let killed: Promise<void> | undefined;
    const log = await deliver({
      people,
      concurrency: 30,
      // Each delivery to the other process than the last: both share every conversation.
      port: (attempt) => ports[attempt % 2],
      onAck: (acked) => {
        if (killed || acked < total * 0.4) return;
        // Not awaited: Telegram keeps delivering while the replica takes over.
        killed = cluster.failPrimaryOf(`pulang:c:{tg:${people[0]?.chatId}}`);
      },
      deadlineMs: 180_000,
    });
    expect(killed).toBeDefined();
    await killed;
    console.info(
      `${total} updates, ${log.attempts} deliveries, webhook answers ${JSON.stringify(Object.fromEntries(log.statuses))}, ${log.failed} unanswered`,
    );

    // What went wrong, by kind (log lines name no person): for the reader of a failure.
    const warnings = new Map<string, number>();
    for (const l of lines) {
      const m = /"level":([4-9]\d).*"msg":"([^"]*)"/.exec(l);
      const why = `${/"stage":"[^"]*"/.exec(l)?.[0] ?? ""} ${/"err":(\{[^}]*\})/.exec(l)?.[1] ?? ""}`;
      const what = `${m?.[2]} ${why}`;
      if (m) warnings.set(what, (warnings.get(what) ?? 0) + 1);
    }
    console.info(`service warnings: ${JSON.stringify(Object.fromEntries(warnings))}`);
    const store = storeOf(setup, redis);
    const pendingLeft = async () => {
      let n = 0;
      for (const p of people) if ((await sessionOf(store, p.chatId)).pending > 0) n += 1;
      return n;
    };
    // The processes send what they saved themselves; a sweep while they still send would
    // send twice. Only what they left after that is swept.
    await eventually(async () => (await pendingLeft()) === 0, "replies sent", 20_000).catch(
      () => undefined,
    );
    console.info(`conversations with replies still pending after the run: ${await pendingLeft()}`);
    await eventually(
      async () => {
        for (const p of people) {
          if ((await sessionOf(store, p.chatId)).pending === 0) continue;
          await recoverNow(setup);
          return false;
        }
        return true;
      },
      "every saved reply delivered",
      60_000,
    );
    for (const p of people) {
      const { session, pending } = await sessionOf(store, p.chatId);
      expect(session?.turns, `turns of ${p.chatId}`).toBe(MOVES);
      expect(session?.flow).toBe("help");
      expect(pending, `outbox of ${p.chatId}`).toBe(0);
    }
    // Each message's first line (the last one carries the person's own case code).
    const chatOf = (chatId: number) =>
      fake.sentTo(chatId).map((m) => (m.text ?? m.caption ?? "").split("\n")[0] as string);
    const expected = (i: number) =>
      mostCommon(people.filter((_, j) => j % 3 === i % 3).map((q) => chatOf(q.chatId)));
    const differing = people.filter(
      (p, i) => JSON.stringify(chatOf(p.chatId)) !== JSON.stringify(expected(i)),
    );
    // For the reader of a failure: how many chats differ, and how (longer: a reply repeated).
    console.info(
      `chats differing from their path: ${differing.length}, of which longer: ${differing.filter((p) => chatOf(p.chatId).length > MOVES).length}`,
    );
    for (const [i, p] of people.entries()) {
      const path = people.filter((_, j) => j % 3 === i % 3).map((q) => chatOf(q.chatId));
      expect(chatOf(p.chatId), `replies to ${p.chatId}`).toEqual(mostCommon(path));
      expect(chatOf(p.chatId)).toHaveLength(MOVES);
    }
    await eventually(
      async () => (await escalationsReached(redis, setup.prefix, lines)).count >= PEOPLE,
      "every person's case in the queue",
    );
    expect((await escalationsReached(redis, setup.prefix, lines)).count).toBe(PEOPLE);
    expect(a.bot.alive && b.bot.alive).toBe(true);
    expect(crashLines(lines.join("\n") + a.bot.stderr.join("") + b.bot.stderr.join(""))).toEqual(
      [],
    );
  });
});

/** The sequence most of `chats` have (the path's replies as the flow gives them). */
function mostCommon(chats: string[][]): string[] {
  const counts = new Map<string, number>();
  for (const c of chats) counts.set(JSON.stringify(c), (counts.get(JSON.stringify(c)) ?? 0) + 1);
  const [best] = [...counts].sort((x, y) => y[1] - x[1])[0] ?? ["[]"];
  return JSON.parse(best) as string[];
}
