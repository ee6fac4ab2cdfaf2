/**
 * The load driver: plays Telegram for one bot. Simulated people send their updates to the
 * bot's webhook over HTTP, one at a time each (a person waits for the answer before the
 * next message); a webhook answered with anything but 2xx is delivered again, as Telegram
 * does. The lean fake Bot API in the same process tells the driver of every outbound
 * call, so latency is measured on one clock: from sending the webhook request to the
 * fake receiving the last outbound call of that update (its message, and for a tap the
 * answerCallbackQuery; each step of the help flow answers with exactly one message).
 *
 * Closed loop: `concurrency` people at once, each starting their next message as soon as
 * the last was answered (throughput). Open loop: updates offered at a fixed rate, whatever
 * the bot does (latency at a given load).
 */
import { Agent, request } from "node:http";
import type { Call, LeanTelegramApi } from "./fake-api.js";
import type { Move, Person } from "./people.js";
import { UpdateMaker } from "./people.js";

export type LoadMode =
  | { kind: "closed"; concurrency: number }
  | { kind: "open"; rate: number; seconds: number; pool: number };

export interface LoadOptions {
  /** The bot's webhook port; several: instances behind a load balancer (each request the next). */
  port: number | number[];
  secret: string;
  fake: LeanTelegramApi;
  people: Person[];
  mode: LoadMode;
  /** An update whose answer has not come after this long counts as lost. */
  timeoutMs?: number;
  onProgress?: (fraction: number) => void;
  firstUpdateId?: number;
}

export interface LoadResult {
  /** Updates sent (each counted once, however often it was delivered). */
  updates: number;
  /** Updates fully answered. */
  answered: number;
  seconds: number;
  /** Answered updates per second over the whole run. */
  throughput: number;
  /** Over the middle 90% of the run, when every simulated person is busy (closed loop). */
  steadyThroughput: number;
  /** ms from sending the webhook to the last outbound call of the update. */
  latencies: number[];
  /** Webhook answers other than 2xx, and requests that failed (each was delivered again). */
  httpErrors: number;
  networkErrors: number;
  /** Updates whose answer never came (timed out). */
  lost: number;
  /** Outbound messages nobody was waiting for (a duplicate answer, or an unexpected one). */
  extra: number;
  /** Open loop: sends that were due while every person still waited for an answer. */
  behind: number;
  people: number;
  calls: Record<string, number>;
}

interface Inflight {
  key: number;
  body: string;
  sentAt: number;
  lastAt: number;
  needMessages: number;
  callbackId?: string;
  needAnswer: boolean;
  httpDone: boolean;
  attempts: number;
}

interface Active {
  person: Person;
  next: number;
  inflight?: Inflight;
}

export function runLoad(o: LoadOptions): Promise<LoadResult> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const maker = new UpdateMaker(o.firstUpdateId);
  const agent = new Agent({
    keepAlive: true,
    maxSockets: o.mode.kind === "closed" ? o.mode.concurrency : 512,
  });
  const active = new Map<number, Active>();
  const byCallback = new Map<string, number>();
  const latencies: number[] = [];
  const completions: number[] = [];
  const ready: Active[] = [];
  let nextPerson = 0;
  let updates = 0;
  let httpErrors = 0;
  let networkErrors = 0;
  let lost = 0;
  let extra = 0;
  let behind = 0;
  let finished = false;
  const totalMoves = o.people.reduce((n, p) => n + p.moves.length, 0);
  const calls: Record<string, number> = {};

  return new Promise((resolve) => {
    const started = performance.now();
    let done: () => void = () => undefined;

    const ports = Array.isArray(o.port) ? o.port : [o.port];
    let requests = 0;
    const post = (f: Inflight) => {
      const req = request(
        {
          agent,
          host: "127.0.0.1",
          port: ports[requests++ % ports.length],
          method: "POST",
          path: "/telegram/webhook",
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(f.body),
            "x-telegram-bot-api-secret-token": o.secret,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            if (res.statusCode !== undefined && res.statusCode < 300) {
              f.httpDone = true;
              settle(f.key);
            } else {
              httpErrors += 1;
              redeliver(f);
            }
          });
        },
      );
      req.on("error", () => {
        networkErrors += 1;
        redeliver(f);
      });
      req.end(f.body);
    };

    /** Telegram tries again, backing off. */
    const redeliver = (f: Inflight) => {
      f.attempts += 1;
      setTimeout(
        () => {
          const a = active.get(f.key);
          if (a?.inflight === f && !finished) post(f);
        },
        Math.min(50 * 2 ** f.attempts, 2000),
      );
    };

    const send = (a: Active) => {
      const move = a.person.moves[a.next] as Move;
      const { update, callbackId } = maker.make(a.person.chatId, move);
      const f: Inflight = {
        key: a.person.chatId,
        body: JSON.stringify(update),
        sentAt: performance.now(),
        lastAt: 0,
        needMessages: 1,
        needAnswer: callbackId !== undefined,
        httpDone: false,
        attempts: 0,
        ...(callbackId ? { callbackId } : {}),
      };
      if (callbackId) byCallback.set(callbackId, a.person.chatId);
      a.inflight = f;
      updates += 1;
      post(f);
    };

    /** A person whose update is fully answered moves on. */
    const settle = (key: number) => {
      const a = active.get(key);
      const f = a?.inflight;
      if (!a || !f || f.needMessages > 0 || f.needAnswer || !f.httpDone) return;
      latencies.push(f.lastAt - f.sentAt);
      completions.push(performance.now());
      if (f.callbackId) byCallback.delete(f.callbackId);
      a.inflight = undefined;
      a.next += 1;
      o.onProgress?.(completions.length / totalMoves);
      afterAnswer(a);
    };

    const afterAnswer = (a: Active) => {
      if (a.next >= a.person.moves.length) {
        active.delete(a.person.chatId);
        const b = admit();
        if (b) whenFree(b);
      } else {
        whenFree(a);
      }
      if (active.size === 0 && nextPerson >= o.people.length) done();
    };

    /** Closed loop: send at once. Open loop: wait to be picked by the clock. */
    const whenFree = (a: Active) => {
      if (o.mode.kind === "closed") setImmediate(() => send(a));
      else ready.push(a);
    };

    const admit = (): Active | undefined => {
      if (finished || nextPerson >= o.people.length) return undefined;
      const person = o.people[nextPerson++] as Person;
      const a: Active = { person, next: 0 };
      active.set(person.chatId, a);
      return a;
    };

    o.fake.onCall = (call: Call) => {
      calls[call.method] = (calls[call.method] ?? 0) + 1;
      if (call.method === "sendMessage" && call.chatId !== undefined) {
        const f = active.get(call.chatId)?.inflight;
        if (!f || f.needMessages === 0) {
          extra += 1;
          return;
        }
        f.needMessages -= 1;
        f.lastAt = Math.max(f.lastAt, call.at);
        settle(f.key);
      } else if (call.method === "answerCallbackQuery" && call.callbackId) {
        const key = byCallback.get(call.callbackId);
        const f = key === undefined ? undefined : active.get(key)?.inflight;
        if (!f?.needAnswer) return;
        f.needAnswer = false;
        f.lastAt = Math.max(f.lastAt, call.at);
        settle(f.key);
      }
    };

    // Updates never answered: count them lost and let the person go on.
    const watchdog = setInterval(() => {
      const now = performance.now();
      for (const a of [...active.values()]) {
        const f = a.inflight;
        if (f && now - f.sentAt > timeoutMs) {
          lost += 1;
          a.inflight = undefined;
          a.next += 1;
          afterAnswer(a);
        }
      }
    }, 1000);

    let clock: NodeJS.Timeout | undefined;
    done = () => {
      if (finished) return;
      finished = true;
      clearInterval(watchdog);
      clearInterval(clock);
      const seconds = (performance.now() - started) / 1000;
      // Anything still waiting at the end of an open-loop run is not lost yet: give it time.
      const tail = [...active.values()].filter((a) => a.inflight);
      const finish = () => {
        agent.destroy();
        o.fake.onCall = () => undefined;
        const n = completions.length;
        const lo = completions[Math.floor(n * 0.05)] ?? started;
        const hi = completions[Math.max(0, Math.ceil(n * 0.95) - 1)] ?? started;
        resolve({
          updates,
          answered: latencies.length,
          seconds,
          throughput: latencies.length / seconds,
          steadyThroughput:
            hi > lo ? (Math.ceil(n * 0.95) - Math.floor(n * 0.05)) / ((hi - lo) / 1000) : 0,
          latencies,
          httpErrors,
          networkErrors,
          lost,
          extra,
          behind,
          people: nextPerson,
          calls,
        });
      };
      if (tail.length === 0) return finish();
      const waitUntil = performance.now() + timeoutMs;
      const poll = setInterval(() => {
        const open = tail.filter((a) => a.inflight);
        if (open.length === 0 || performance.now() > waitUntil) {
          clearInterval(poll);
          lost += open.length;
          finish();
        }
      }, 50);
    };

    if (o.mode.kind === "closed") {
      for (let i = 0; i < o.mode.concurrency; i++) {
        const a = admit();
        if (a) send(a);
      }
      if (active.size === 0) done();
    } else {
      const { rate, seconds, pool } = o.mode;
      for (let i = 0; i < pool; i++) {
        const a = admit();
        if (a) ready.push(a);
      }
      let sent = 0;
      const total = Math.round(rate * seconds);
      clock = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
        while (sent < due) {
          const a = ready.shift();
          if (!a) {
            behind += due - sent;
            sent = due;
            break;
          }
          sent += 1;
          send(a);
        }
        o.onProgress?.(sent / total);
        if (sent >= total) {
          clearInterval(clock);
          // Stop admitting people; finish once what was sent is answered.
          nextPerson = o.people.length;
          ready.length = 0;
          const wait = setInterval(() => {
            if ([...active.values()].every((a) => !a.inflight)) {
              clearInterval(wait);
              done();
            }
          }, 20);
        }
      }, 2);
    }
  });
}
