/**
 * Finding a case again from another account (decision 0028). A person whose phone was taken
 * types their case code on a new account; the engine asks for the word they chose with it
 * at handoff (never shown on the phone, kept only as an Argon2 hash). The right code and
 * word do not move the case: they ask operators to confirm it is the person, and until
 * they do, nothing of the case flows to the new account. A captor who holds the phone sees
 * the code and knows the place, but not the word, and cannot get past operators.
 */
import { hash, verify } from "@node-rs/argon2";
import { ownWord } from "../engine/own-word.js";
import type { Effect, Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { CasePort, ReattachPort } from "../runtime/effects.js";
import type { ConversationKey } from "../runtime/ports.js";
import { keyKind } from "../runtime/runtime.js";
import type { CaseCodes } from "./case-codes.js";
import { type Case, channelSchema } from "./model.js";
import type { CaseStore } from "./store.js";

/** Wrong words before a code is locked for a day. */
export const MAX_CODE_FAILURES = 5;

export interface ReattachDeps {
  codes: CaseCodes;
  cases: CaseStore;
  /** Operators are asked to confirm the request (the case carries it: `pendingReattach`). */
  onRequested?: (c: Case) => Promise<void>;
  log: Logger;
  now?: () => number;
}

/** The Argon2id hash of a person's word, as kept (normalised as the engine compares words). */
export function hashWord(word: string): Promise<string> {
  return hash(ownWord(word));
}

/**
 * Register each case code, and the hash of the word the person chose with it, as the
 * escalation that carries them passes to the desk. The word itself goes no further.
 */
export function withCaseCodes(cases: CasePort, codes: CaseCodes): CasePort {
  return {
    ...cases,
    async escalate(key, effect) {
      if (effect.type !== "escalate") return cases.escalate(key, effect);
      const { word, ...rest } = effect;
      if (rest.code) {
        await codes.register(rest.code, rest.caseRef);
        if (word) await codes.keepWord(rest.code, await hashWord(word));
      }
      return cases.escalate(key, rest);
    },
    relay: (key, effect) => cases.relay(key, effect),
    erase: (key, effect) => cases.erase(key, effect),
    ...(cases.leftQuickly ? { leftQuickly: cases.leftQuickly.bind(cases) } : {}),
    ...(cases.consent ? { consent: cases.consent.bind(cases) } : {}),
    ...(cases.news ? { news: cases.news.bind(cases) } : {}),
  };
}

export class ReattachService implements ReattachPort {
  readonly #now: () => number;

  constructor(readonly d: ReattachDeps) {
    this.#now = d.now ?? Date.now;
  }

  /** Check the code and the word; resolves with what the engine must hear of it. */
  async reattach(
    key: ConversationKey,
    effect: Extract<Effect, { type: "reattach" }>,
  ): Promise<Inbound> {
    const { codes, cases } = this.d;
    const caseId = await codes.lookup(effect.code);
    const locked = (await codes.failures(effect.code)) >= MAX_CODE_FAILURES;
    const c = caseId && !locked ? await cases.get(caseId) : undefined;
    const channel = channelSchema.safeParse(keyKind(key));
    if (!c || !channel.success || c.conversation === key) return this.#refuse(effect.code);
    const kept = await codes.word(effect.code);
    if (kept !== undefined && !(await this.#sameWord(kept, effect.answer)))
      return this.#refuse(effect.code);
    const asked = await cases.requestReattach(c.id, {
      conversation: key,
      channel: channel.data,
      at: this.#now(),
      word: kept !== undefined,
    });
    if (!asked.ok) return this.#refuse(effect.code);
    this.d.log.info(
      { case: c.id, channel: channel.data, word: kept !== undefined },
      "case code typed from another account; operators asked to confirm",
    );
    await this.d.onRequested?.(asked.case);
    return { kind: "system", event: "reattach_pending" };
  }

  async #sameWord(kept: string, answer: string): Promise<boolean> {
    try {
      return await verify(kept, ownWord(answer));
    } catch {
      // A damaged hash opens nothing.
      return false;
    }
  }

  /** Whatever went wrong, the person hears the same: nothing to learn by guessing. */
  async #refuse(code: string): Promise<Inbound> {
    await this.d.codes.fail(code);
    return { kind: "system", event: "reattach_failed" };
  }
}
