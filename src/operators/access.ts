/**
 * Who may act on cases. Operators and supervisors are allow-lists of Telegram user ids
 * (OPERATOR_IDS, SUPERVISOR_IDS): being in the operators' group is not enough, because a
 * group invite link can travel further than anyone meant it to.
 *
 * Stored data never names an operator by their Telegram user id: a case's holder, its
 * notes and its audit log name them by a keyed hash of it under the pseudonym key
 * ({@link OperatorIds}), so a copy of Redis does not say who works for the helpline. The
 * allow-lists in the configuration are what turns a stored name back into an id, for
 * display to operators.
 */
import type { KeyNames } from "../crypto/pseudonym.js";

/** `supervisor` may also act on cases another operator holds. */
export type Role = "operator" | "supervisor";

/** The allow-lists, as `config.operators` carries them. */
export interface AccessLists {
  readonly operatorIds: readonly string[];
  readonly supervisorIds: readonly string[];
}

/**
 * The role of `userId`, or undefined for anyone not listed. A supervisor need not be listed
 * twice: supervising includes operating.
 *
 * @example roleOf({ operatorIds: ["11"], supervisorIds: ["22"] }, 22) === "supervisor"
 */
export function roleOf(lists: AccessLists, userId: string | number): Role | undefined {
  const id = String(userId);
  if (lists.supervisorIds.includes(id)) return "supervisor";
  if (lists.operatorIds.includes(id)) return "operator";
  return undefined;
}

/** What an operator's stored name starts with (the rest is a keyed hash). */
const STORED_PREFIX = "op_";

/**
 * Operators' Telegram ids and the names stored data gives them.
 *
 * @example
 *   const ids = new OperatorIds(hashedNames(secret), { operatorIds: ["601"], supervisorIds: [] });
 *   ids.actor(601)            // "op_Xk3…" (the same on every instance with the same key)
 *   ids.label(ids.actor(601)) // "601"
 */
/** How a Telegram operator is named in stored data: a keyed hash of their id. */
export function storedOperatorName(names: KeyNames, userId: string | number): string {
  return `${STORED_PREFIX}${names(`telegram-operator:${userId}`)}`;
}

export class OperatorIds {
  /** The allow-lists under stored names: what the desk checks an actor against. */
  readonly access: AccessLists;
  readonly #names: KeyNames;
  readonly #labels = new Map<string, string>();

  constructor(names: KeyNames, lists: AccessLists) {
    this.#names = names;
    for (const id of [...lists.operatorIds, ...lists.supervisorIds])
      this.#labels.set(this.actor(id), id);
    this.access = {
      operatorIds: lists.operatorIds.map((id) => this.actor(id)),
      supervisorIds: lists.supervisorIds.map((id) => this.actor(id)),
    };
  }

  /** The stored name of the Telegram user `userId`. */
  actor(userId: string | number): string {
    return storedOperatorName(this.#names, userId);
  }

  /** Whether `actor` is the stored name of someone on the allow-lists. */
  isListed(actor: string): boolean {
    return this.#labels.has(actor);
  }

  /**
   * What operators read for a stored name: the Telegram id of someone on the lists; any
   * other name (`system`, or someone since removed from the lists) as it is.
   */
  label(actor: string): string {
    return this.#labels.get(actor) ?? actor;
  }
}
