/**
 * The console's stores, in the service's Redis (any number of instances share them) or
 * in memory for the local demo and tests, each through the service's codec.
 */

import type { Codec } from "../stores/codec.js";
import type { RedisClient as Redis } from "../stores/redis/connection.js";
import { type AccountStore, MemoryAccountStore, RedisAccountStore } from "./accounts.js";
import { type ConsoleAudit, MemoryConsoleAudit, RedisConsoleAudit } from "./audit-log.js";
import { type ConsoleEvents, MemoryConsoleEvents, RedisConsoleEvents } from "./events.js";
import { type Figures, MemoryFigures, RedisFigures } from "./figures.js";
import { type Lockout, MemoryLockout, RedisLockout } from "./lockout.js";
import { MemorySessionStore, RedisSessionStore, type SessionStore } from "./sessions.js";
import type { ConsoleConfig } from "./settings.js";
import { MemoryTranscripts, RedisTranscripts, type Transcripts } from "./transcript.js";

export interface ConsoleStores {
  accounts: AccountStore;
  sessions: SessionStore;
  lockout: Lockout;
  audit: ConsoleAudit;
  transcripts: Transcripts;
  events: ConsoleEvents;
  figures: Figures;
}

export function consoleStores(
  config: ConsoleConfig,
  codec: Codec,
  redis?: { client: Redis; prefix: string; onError?: (problem: string) => void },
): ConsoleStores {
  const limits = { idleMs: config.idleMs, absoluteMs: config.absoluteMs };
  const policy = { maxFailures: config.maxFailures, lockoutMs: config.lockoutMs };
  if (!redis) {
    return {
      accounts: new MemoryAccountStore(),
      sessions: new MemorySessionStore(limits),
      lockout: new MemoryLockout(policy),
      audit: new MemoryConsoleAudit(),
      transcripts: new MemoryTranscripts(),
      events: new MemoryConsoleEvents(),
      figures: new MemoryFigures(),
    };
  }
  const { client, prefix } = redis;
  return {
    accounts: new RedisAccountStore(client, prefix, codec),
    sessions: new RedisSessionStore(client, prefix, limits, codec),
    lockout: new RedisLockout(client, prefix, policy),
    audit: new RedisConsoleAudit(client, prefix, codec),
    transcripts: new RedisTranscripts(client, prefix, codec),
    events: new RedisConsoleEvents(client, prefix, redis.onError),
    figures: new RedisFigures(client, prefix, codec),
  };
}
