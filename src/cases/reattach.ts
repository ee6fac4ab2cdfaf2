/**
 * Finding a case again from another account. A person whose phone was taken types their
 * case code on a new account; the engine asks where they were, and this checks the answer
 * against the case before moving the case to the new conversation.
 */
import { Typed } from "../engine/text-match.js";
import type { DirectoryView, Effect, Inbound } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { CasePort, ReattachPort } from "../runtime/effects.js";
import type { ConversationKey } from "../runtime/ports.js";
import { keyKind } from "../runtime/runtime.js";
import type { CaseCodes } from "./case-codes.js";
import { type Case, type Channel, channelSchema } from "./model.js";
import type { CaseStore } from "./store.js";

/** Wrong answers before a code is locked for a day. */
export const MAX_CODE_FAILURES = 5;

export interface ReattachDeps {
  codes: CaseCodes;
  cases: CaseStore;
  directory: DirectoryView;
  /** Operators see that the case was reattached. */
  onReattached?: (c: Case) => Promise<void>;
  log: Logger;
  now?: () => number;
}

/** Register each case code as the escalation that carries it passes to the desk. */
export function withCaseCodes(cases: CasePort, codes: CaseCodes): CasePort {
  return {
    ...cases,
    async escalate(key, effect) {
      if (effect.type === "escalate" && effect.code)
        await codes.register(effect.code, effect.caseRef);
      return cases.escalate(key, effect);
    },
    relay: (key, effect) => cases.relay(key, effect),
    erase: (key, effect) => cases.erase(key, effect),
  };
}

export class ReattachService implements ReattachPort {
  readonly #now: () => number;

  constructor(readonly d: ReattachDeps) {
    this.#now = d.now ?? Date.now;
  }

  /** Check the code and the answer; resolves with what the engine must hear of it. */
  async reattach(
    key: ConversationKey,
    effect: Extract<Effect, { type: "reattach" }>,
  ): Promise<Inbound> {
    const { codes, cases } = this.d;
    const caseId = await codes.lookup(effect.code);
    const locked = (await codes.failures(effect.code)) >= MAX_CODE_FAILURES;
    const c = caseId && !locked ? await cases.get(caseId) : undefined;
    const channel = channelSchema.safeParse(keyKind(key));
    if (!c || !channel.success || !this.#matches(c, effect.answer))
      return this.#refuse(effect.code);
    const moved = await cases.reattach(c.id, key, channel.data as Channel, this.#now());
    if (!moved.ok) return this.#refuse(effect.code);
    this.d.log.info({ case: c.id, channel: channel.data }, "case reattached from another account");
    await this.d.onReattached?.(moved.case);
    return { kind: "system", event: "reattached", caseRef: c.id };
  }

  /** Whatever went wrong, the person hears the same: nothing to learn by guessing. */
  async #refuse(code: string): Promise<Inbound> {
    await this.d.codes.fail(code);
    return { kind: "system", event: "reattach_failed" };
  }

  /** The answer names the place the case holds: the same known place, or the same words. */
  #matches(c: Case, answer: string): boolean {
    const place = c.summary.place;
    if (!place) return false;
    const typed = this.d.directory.placeFromText(answer);
    if (place.id !== undefined) return typed.found && typed.id === place.id;
    if (place.text !== undefined && sameWords(place.text, answer)) return true;
    return (
      place.country !== undefined &&
      typed.found &&
      typed.id === undefined &&
      typed.country === place.country
    );
  }
}

function sameWords(a: string, b: string): boolean {
  const wa = Typed.of(a).words.join(" ");
  return wa.length > 0 && wa === Typed.of(b).words.join(" ");
}
