/**
 * Live updates for open consoles: "the queue changed", "case X changed". Events carry no
 * data beyond a case id: each browser, told something changed, asks again for what it may
 * see (the server-sent event only triggers htmx to refetch). Across instances they travel
 * over Redis pub/sub, so a case raised through the webhook of one instance shows at once
 * in a console connected to another.
 */
import { EventEmitter } from "node:events";
import { Cluster } from "ioredis";
import { z } from "zod";
import type { RedisClient as Redis } from "../stores/redis/connection.js";

export const consoleEventSchema = z.discriminatedUnion("topic", [
  z.object({ topic: z.literal("queue") }),
  z.object({ topic: z.literal("case"), id: z.string().max(64) }),
]);
export type ConsoleEvent = z.infer<typeof consoleEventSchema>;

export interface ConsoleEvents {
  publish(event: ConsoleEvent): Promise<void>;
  /** Returns how to stop listening. */
  subscribe(listener: (event: ConsoleEvent) => void): () => void;
  close(): Promise<void>;
}

/** One process: an EventEmitter. */
export class MemoryConsoleEvents implements ConsoleEvents {
  readonly #emitter = new EventEmitter();
  constructor() {
    // One listener per open console tab.
    this.#emitter.setMaxListeners(0);
  }
  async publish(event: ConsoleEvent) {
    this.#emitter.emit("event", event);
  }
  subscribe(listener: (event: ConsoleEvent) => void) {
    this.#emitter.on("event", listener);
    return () => this.#emitter.off("event", listener);
  }
  async close() {
    this.#emitter.removeAllListeners();
  }
}

/** Many processes: Redis pub/sub on `P console:events`, delivered locally by an emitter. */
export class RedisConsoleEvents implements ConsoleEvents {
  readonly #local = new MemoryConsoleEvents();
  readonly #channel: string;
  #sub: Redis | undefined;

  constructor(
    readonly redis: Redis,
    prefix: string,
    readonly onError: (problem: string) => void = () => undefined,
  ) {
    this.#channel = `${prefix}console:events`;
  }

  async publish(event: ConsoleEvent) {
    await this.redis.publish(this.#channel, JSON.stringify(event));
  }

  subscribe(listener: (event: ConsoleEvent) => void) {
    this.#listen();
    return this.#local.subscribe(listener);
  }

  async close() {
    await this.#local.close();
    await this.#sub?.quit().catch(() => undefined);
  }

  /** One subscriber connection per process, opened with the first open console. */
  #listen() {
    if (this.#sub) return;
    // A subscriber may queue its SUBSCRIBE while (re)connecting, unlike command clients.
    const sub =
      this.redis instanceof Cluster
        ? this.redis.duplicate(undefined, { enableOfflineQueue: true })
        : this.redis.duplicate({ enableOfflineQueue: true });
    this.#sub = sub;
    sub.on("error", (err: Error & { code?: string }) => this.onError(err.code ?? "error"));
    sub.on("message", (_channel: string, text: string) => {
      try {
        const event = consoleEventSchema.safeParse(JSON.parse(text));
        if (event.success) void this.#local.publish(event.data);
      } catch {
        this.onError("bad event");
      }
    });
    sub.subscribe(this.#channel).catch(() => this.onError("subscribe failed"));
  }
}
