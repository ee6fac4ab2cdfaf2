/**
 * Reunite: families' missing-relative reports matched with the people who write for help.
 *
 * Whenever a case is created or gains facts it is filed and compared with the open cases
 * that share a hashed number or a name blocking key (never all of them); a match worth a
 * look is suggested on both cases, with its reasons, to operators only. Operators link or
 * dismiss it (audited on both cases). Once linked, an operator who holds the person's chat
 * may ask them, neutrally and through the engine, whether their family may be told they
 * are in contact; only their yes lets an operator send the family a short update.
 * Nothing about a match ever goes to the family or the person on its own.
 */

import type { Case } from "../cases/model.js";
import type { CaseStore } from "../cases/store.js";
import { errorSummary } from "../channels/errors.js";
import type { Logger } from "../log.js";
import type { Role } from "../operators/access.js";
import type { PersonLink } from "../operators/person-link.js";
import { comparable, type Hasher, profileOf } from "./profile.js";
import { score, suggested } from "./score.js";
import type { Consent, Match, MatchStore } from "./store.js";

/** What became of a match, for operators to see on both cases. */
export type MatchEvent =
  | "suggested"
  | "linked"
  | "dismissed"
  | "consent_asked"
  | "consent_yes"
  | "consent_no"
  | "family_told";

/** Where operators see matches (the Telegram topics; the console reads the store). */
export interface MatchBoard {
  /** Say on case `c` what became of its match with `other` (best effort). */
  matchChanged(c: Case, other: Case, match: Match, event: MatchEvent): Promise<void>;
}

/** Why an operator's decision on a match was refused. */
export type MatchError =
  | "not_allowed"
  | "not_found"
  | "not_linked"
  | "not_holder"
  | "no_consent"
  | "unreachable"
  | "closed";

export type MatchOutcome = { ok: true; match: Match } | { ok: false; error: MatchError };

/** What a family asking for news is told of their report, and nothing more. */
export type ReportStatus = "received" | "following" | "in_contact" | "closed";

export interface ReuniteDeps {
  matches: MatchStore;
  cases: CaseStore;
  /** The keyed hash numbers and name keys are filed under (PSEUDONYM_KEY). */
  hash: Hasher;
  board: MatchBoard;
  /** The engine's side of conversations; see {@link Reunite.attach}. */
  person?: PersonLink;
  /** Who may act (the desk's allow-lists); logs a refusal. */
  authorise: (user: string, action: string) => Role | undefined;
  log: Logger;
  now?: () => number;
  /** Candidates read per hashed key, at most (a bounded read whatever the name). */
  perKey?: number;
}

/** Candidates read per key by default: enough for a common name's recent reports. */
export const PER_KEY = 50;

const AUDIT: Readonly<Record<MatchEvent, string>> = {
  suggested: "match_suggested",
  linked: "match_linked",
  dismissed: "match_dismissed",
  consent_asked: "consent_asked",
  consent_yes: "consent_yes",
  consent_no: "consent_no",
  family_told: "family_told",
};

function usable(c: Case | undefined): c is Case {
  return c !== undefined && !c.erased && c.status !== "closed";
}

/** See the file comment. */
export class Reunite {
  readonly #d: ReuniteDeps;
  readonly #now: () => number;

  #person: PersonLink | undefined;

  constructor(deps: ReuniteDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
    this.#person = deps.person;
  }

  /**
   * The person link, once there is one: the runtime is built on the case intake, which
   * matches through this, so the composition root hands the link over afterwards.
   */
  attach(person: PersonLink): void {
    this.#person = person;
  }

  #say(conversation: string, event: "consent_ask" | "family_update") {
    if (!this.#person) throw new Error("reunite: no person link attached");
    return this.#person.event(conversation, event);
  }

  /**
   * A case was created or gained facts: file it and suggest its new matches; returns how
   * many were suggested. A closed or erased case is only unfiled.
   */
  async caseChanged(c: Case): Promise<number> {
    if (c.erased) {
      await this.forget(c.id);
      return 0;
    }
    if (c.status === "closed") return 0;
    const mine = profileOf(c, this.#d.hash);
    await this.#d.matches.file(mine);
    const perKey = this.#d.perKey ?? PER_KEY;
    const candidates = await this.#d.matches.candidates(mine.keys, perKey);
    // Scoring is pure and cheap; only the few worth a look cost a read of their case.
    const worth = candidates
      .filter((other) => comparable(mine, other))
      .map((other) => ({ other, s: score(mine, other) }))
      .filter(({ s }) => suggested(s));
    const found = await Promise.all(worth.map(({ other }) => this.#d.cases.get(other.id)));
    let count = 0;
    for (const [i, { other, s }] of worth.entries()) {
      const oc = found[i];
      if (!usable(oc)) continue;
      const match = {
        score: s.score,
        reasons: s.reasons,
        state: "suggested" as const,
        at: this.#now(),
      };
      if (!(await this.#d.matches.suggest(c.id, other.id, match))) continue;
      await this.#tell(c, oc, "suggested", "system");
      count++;
    }
    if (count > 0) this.#d.log.info({ case: c.id, suggested: count }, "reunite: matches suggested");
    return count;
  }

  /**
   * Operators link two cases (each then shows the other) or dismiss the match for good.
   * `signedIn`: the console checked the user already (its accounts are not the group's lists).
   */
  async decide(
    user: string,
    a: string,
    b: string,
    state: "linked" | "dismissed",
    signedIn = false,
  ): Promise<MatchOutcome> {
    if (!signedIn && !this.#d.authorise(user, `match_${state}`))
      return { ok: false, error: "not_allowed" };
    const [ca, cb] = await Promise.all([this.#d.cases.get(a), this.#d.cases.get(b)]);
    if (!ca || !cb) return { ok: false, error: "not_found" };
    const m = await this.#d.matches.update(a, b, { state, by: user, decidedAt: this.#now() });
    if (!m) return { ok: false, error: "not_found" };
    await this.#tell(ca, cb, state, user);
    return { ok: true, match: m };
  }

  /**
   * Ask the person (the help case of a linked match) whether their family may be told they
   * are in contact: only by the operator holding their chat (a supervisor too), so the
   * question never reaches a phone nobody is watching over. Neutral words, their language.
   */
  async askConsent(user: string, a: string, b: string): Promise<MatchOutcome> {
    const role = this.#d.authorise(user, "consent_ask");
    if (!role) return { ok: false, error: "not_allowed" };
    const pair = await this.#linkedPair(a, b);
    if (!pair.ok) return pair;
    const { person, family, match } = pair;
    if (person.status !== "claimed" || !person.conversation)
      return { ok: false, error: "not_holder" };
    if (person.operator !== user && role !== "supervisor")
      return { ok: false, error: "not_holder" };
    const said = await this.#say(person.conversation, "consent_ask");
    if (said.status === "refused") return { ok: false, error: "unreachable" };
    const m = (await this.#d.matches.update(person.id, family.id, { consent: "asked" })) ?? match;
    await this.#tell(person, family, "consent_asked", user);
    return { ok: true, match: m };
  }

  /** The person answered the question (through the engine): recorded on their linked matches. */
  async consentAnswered(caseId: string, yes: boolean): Promise<void> {
    const person = await this.#d.cases.get(caseId);
    if (!person) return;
    const consent: Consent = yes ? "yes" : "no";
    for (const m of await this.#d.matches.matchesOf(caseId)) {
      if (m.state !== "linked" || m.consent !== "asked") continue;
      const family = await this.#d.cases.get(m.other);
      if (!family) continue;
      const updated = await this.#d.matches.update(caseId, m.other, { consent });
      if (updated) await this.#tell(person, family, yes ? "consent_yes" : "consent_no", "person");
    }
  }

  /** Send the family the short update ("they are in contact"), only after the person's yes. */
  async tellFamily(user: string, a: string, b: string): Promise<MatchOutcome> {
    if (!this.#d.authorise(user, "family_tell")) return { ok: false, error: "not_allowed" };
    const pair = await this.#linkedPair(a, b);
    if (!pair.ok) return pair;
    const { person, family, match } = pair;
    if (match.consent !== "yes") return { ok: false, error: "no_consent" };
    if (!family.conversation) return { ok: false, error: "closed" };
    const said = await this.#say(family.conversation, "family_update");
    if (said.status === "refused") return { ok: false, error: "unreachable" };
    const m = await this.#d.matches.update(family.id, person.id, { familyToldAt: this.#now() });
    await this.#tell(family, person, "family_told", user);
    return { ok: true, match: m ?? match };
  }

  /** What a family asking for news is told: the report's status and nothing else. */
  async reportStatus(caseId: string): Promise<ReportStatus | undefined> {
    const c = await this.#d.cases.get(caseId);
    if (c?.kind !== "family") return undefined;
    const told = (await this.#d.matches.matchesOf(caseId)).some(
      (m) => m.familyToldAt !== undefined,
    );
    if (told) return "in_contact";
    if (c.status === "closed") return "closed";
    return c.status === "claimed" || c.firstReplyAt !== undefined ? "following" : "received";
  }

  /** A case's matches, strongest first, for the operator surfaces. */
  matchesOf(caseId: string): Promise<Match[]> {
    return this.#d.matches.matchesOf(caseId);
  }

  /** The case is erased or purged: no profile, hash or match of it is left. */
  forget(caseId: string): Promise<void> {
    return this.#d.matches.forget(caseId);
  }

  /** The person's and the family's cases of a linked match, in that order. */
  async #linkedPair(
    a: string,
    b: string,
  ): Promise<
    { ok: true; person: Case; family: Case; match: Match } | { ok: false; error: MatchError }
  > {
    const [ca, cb, match] = await Promise.all([
      this.#d.cases.get(a),
      this.#d.cases.get(b),
      this.#d.matches.get(a, b),
    ]);
    if (!ca || !cb || !match) return { ok: false, error: "not_found" };
    if (match.state !== "linked") return { ok: false, error: "not_linked" };
    const [person, family] = ca.kind === "help" ? [ca, cb] : [cb, ca];
    if (person.kind !== "help" || family.kind !== "family")
      return { ok: false, error: "not_linked" };
    return { ok: true, person, family, match };
  }

  /** Both cases' audit logs, and both boards' lines (best effort). */
  async #tell(a: Case, b: Case, event: MatchEvent, by: string): Promise<void> {
    const now = this.#now();
    await Promise.all([
      this.#d.cases.audit(a.id, by, AUDIT[event], now, b.id),
      this.#d.cases.audit(b.id, by, AUDIT[event], now, a.id),
    ]);
    for (const [c, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const m = await this.#d.matches.get(c.id, other.id);
      if (!m) continue;
      await this.#d.board
        .matchChanged(c, other, m, event)
        .catch((err: unknown) =>
          this.#d.log.warn({ case: c.id, err: errorSummary(err) }, "reunite: match not shown"),
        );
    }
  }
}
