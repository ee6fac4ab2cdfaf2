/**
 * The PersonLink over the runtime: operator events and an operator's words are inbounds of
 * the person's conversation, stepped by the engine and saved with their effects like any
 * message. So the words go out as ordinary replies: discreet when the person is (silent,
 * with the quick exit, deleted on schedule), only when we may write, from the outbox, and
 * once per operator update.
 */
import type { Inbound, Priority } from "../engine/types.js";
import type { PersonChannel } from "../runtime/effects.js";
import { type HandleOutcome, keyKind, type Runtime } from "../runtime/runtime.js";
import type { OperatorEvent, PersonLink, ReachOut, Said } from "./person-link.js";

/** A channel that can invite a person to reply after the platform's window (WhatsApp). */
type ReachingChannel = PersonChannel & {
  reachOut?: (key: string, p: Priority) => Promise<{ status: string }>;
};

export interface RuntimePersonLinkDeps {
  runtime: Pick<Runtime, "handle">;
  /** Channels by key prefix (`tg`, `wa`, `sim`), for re-engagement templates. */
  channels: Readonly<Record<string, ReachingChannel>>;
}

/** See the file comment. */
export class RuntimePersonLink implements PersonLink {
  constructor(readonly d: RuntimePersonLinkDeps) {}

  event(conversation: string, event: OperatorEvent, dedupeId?: string): Promise<Said> {
    return this.#handle(conversation, { kind: "operator", event }, dedupeId);
  }

  system(conversation: string, inbound: Extract<Inbound, { kind: "system" }>): Promise<Said> {
    return this.#handle(conversation, inbound);
  }

  say(conversation: string, text: string, dedupeId?: string): Promise<Said> {
    return this.#handle(conversation, { kind: "operator", event: "message", text }, dedupeId);
  }

  /** The channel's re-engagement, when it has one (WhatsApp); others stay closed. */
  async reachOut(conversation: string, priority: Priority): Promise<ReachOut> {
    const channel = this.d.channels[keyKind(conversation)];
    if (!channel?.reachOut) return "window_closed";
    const { status } = await channel.reachOut(conversation, priority);
    // "open": the person wrote meanwhile, so nothing was sent; the operator just writes again.
    return status === "open" ? "failed" : (status as ReachOut);
  }

  async #handle(conversation: string, inbound: Inbound, dedupeId?: string): Promise<Said> {
    return said(await this.d.runtime.handle(conversation, inbound, dedupeId));
  }
}

function said(outcome: HandleOutcome): Said {
  if (outcome.status === "refused") return outcome;
  return {
    status: outcome.status === "handled" ? "saved" : "duplicate",
    delivered: outcome.delivered,
  };
}
