/**
 * A scripted conversation with the pure engine: seeded clock and ids, so every run
 * gives the same effects.
 */
import type { Session } from "../../src/engine/session.js";
import { step } from "../../src/engine/step.js";
import type { Bundle, Effect, Inbound } from "../../src/engine/types.js";

export type Reply = Extract<Effect, { type: "reply" }>;

export class Chat {
  session: Session | undefined;
  /** Effects of the last message. */
  last: Effect[] = [];
  /** Every effect so far. */
  all: Effect[] = [];
  #now = Date.UTC(2026, 0, 20, 8, 0, 0);
  /** How much time passes before each message (a minute unless a test says otherwise). */
  tickMs = 60_000;
  #id = 0;

  constructor(
    readonly bundle: Bundle,
    readonly langHint?: string,
  ) {}

  send(inbound: Inbound): Effect[] {
    this.#now += this.tickMs;
    const hinted = this.langHint ? { ...inbound, langHint: this.langHint } : inbound;
    const result = step(this.bundle, this.session, hinted, {
      now: this.#now,
      ids: () => `CASE-${++this.#id}`,
      codes: () => "ABC2-EFGH-JKR",
    });
    this.session = result.session;
    this.last = result.effects;
    this.all.push(...result.effects);
    return result.effects;
  }

  say(text: string): Effect[] {
    return this.send({ kind: "text", text });
  }

  /** Tap the button whose id is `option` on the last question asked. */
  tap(option: string): Effect[] {
    const q = this.question();
    if (!q?.stepRef) throw new Error("no open question to tap on");
    if (!q.buttons?.some((b) => b.id === option)) {
      throw new Error(
        `no button "${option}" on ${q.stepRef}: ${q.buttons?.map((b) => b.id).join(", ")}`,
      );
    }
    return this.send({ kind: "choice", stepRef: q.stepRef, option });
  }

  pin(lat: number, lon: number): Effect[] {
    return this.send({ kind: "location", lat, lon });
  }

  /** The last question asked (a reply that carries a step reference). */
  question(): Reply | undefined {
    return [...this.all]
      .reverse()
      .find((e): e is Reply => e.type === "reply" && e.stepRef !== undefined);
  }

  /** All reply text of the last message, joined. */
  get text(): string {
    return this.last
      .filter((e): e is Reply => e.type === "reply")
      .map((e) => e.text)
      .join("\n");
  }

  /** Effects of one type from the last message. */
  of<T extends Effect["type"]>(type: T): Extract<Effect, { type: T }>[] {
    return this.last.filter((e): e is Extract<Effect, { type: T }> => e.type === type);
  }

  get at(): string | undefined {
    return this.session?.at;
  }
}
