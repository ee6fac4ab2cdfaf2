/**
 * People who blocked the bot (or whose account is gone): nothing is sent to them, and
 * nothing is retried forever, until they write again. The conversation store keeps the
 * mark beside the session: a load reads it (`SessionRecord.unreachable`) and a commit of
 * the person's own message clears it, in the round trips the update makes anyway.
 */
import type { ConversationKey } from "./ports.js";

export interface Reachability {
  markUnreachable(key: ConversationKey): Promise<void>;
  /** The person unblocked the bot (writing to us clears the mark by itself). */
  markReachable(key: ConversationKey): Promise<void>;
  isUnreachable(key: ConversationKey): Promise<boolean>;
}
