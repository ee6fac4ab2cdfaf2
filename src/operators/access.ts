/**
 * Who may act on cases. Operators and supervisors are allow-lists of Telegram user ids
 * (OPERATOR_IDS, SUPERVISOR_IDS): being in the operators' group is not enough, because a
 * group invite link can travel further than anyone meant it to.
 */

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
