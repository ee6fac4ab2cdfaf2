import type { Case } from "../../src/cases/model.js";

/** What a test says about a case; the rest is filled in. */
export interface CaseFacts {
  id?: string;
  kind?: "help" | "family";
  conversation?: string;
  answers?: Record<string, string | number>;
  country?: string;
  place?: string;
  createdAt?: number;
}

let n = 0;

/** A queued case with the given facts, as the store would hold it. */
export function makeCase(f: CaseFacts): Case {
  const createdAt = f.createdAt ?? Date.UTC(2026, 10, 1);
  const place =
    f.place || f.country
      ? {
          ...(f.place ? { id: f.place } : {}),
          ...(f.country ? { country: f.country } : {}),
          via: "answer" as const,
        }
      : undefined;
  return {
    id: f.id ?? `case-${++n}`,
    conversation: f.conversation ?? `tg:${1000 + n}`,
    channel: (f.conversation?.slice(0, 2) as Case["channel"]) ?? "tg",
    kind: f.kind ?? "help",
    priority: "P3",
    reasons: [],
    summary: {
      flow: f.kind === "family" ? "family" : "help",
      lang: "id",
      answers: f.answers ?? {},
      ...(place ? { place } : {}),
    },
    lang: "id",
    createdAt,
    queuedAt: createdAt,
    status: "queued",
    notes: [],
    audit: [],
    announcements: 0,
  };
}
