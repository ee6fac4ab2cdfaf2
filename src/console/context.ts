/**
 * What every console route shares: who is signed in, their words, the page frame, the
 * audit, and the answers for refusals. Routes stay short by asking this for each.
 */
import type {} from "@fastify/cookie";
import type {} from "@fastify/csrf-protection";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Case } from "../cases/model.js";
import type { CaseStore } from "../cases/store.js";
import type { Config } from "../config.js";
import type { Bundle } from "../engine/types.js";
import type { Logger } from "../log.js";
import type { OperatorDeskDeps } from "../operators/desk.js";
import { OperatorView } from "../operators/telegram/view.js";
import { type Account, actorOf } from "./accounts.js";
import type { ConsoleAuth } from "./auth.js";
import type { ConsoleReunite } from "./matches.js";
import type { ConsoleStores } from "./stores.js";
import { type T, translator } from "./texts.js";
import { notice, type PageContext, page } from "./views/layout.js";

/** The session cookie: an opaque id, HttpOnly, SameSite=Strict, only under /console. */
export const SESSION_COOKIE = "pulang_console";
/** The language chosen before signing in. */
export const LANG_COOKIE = "pulang_console_lang";

/**
 * Whom a CSRF token is bound to: the signed-in user, or `-` before signing in (the token
 * library refuses an empty one; no username can be `-`).
 */
export function csrfUser(req: FastifyRequest): string {
  return req.signed?.account.username ?? "-";
}

export interface ConsoleDeps {
  config: Config;
  bundle: Bundle;
  stores: ConsoleStores;
  cases: CaseStore;
  /** The desk's dependencies: each signed-in user acts through a desk of their own. */
  desk: OperatorDeskDeps;
  log: Logger;
  now: () => number;
  /** HMAC key of CSRF tokens. */
  secret: Buffer;
  /** The local demo: a demo account, no two-factor. */
  demo: boolean;
  /** How a Telegram operator's id is named in stored cases (a keyed hash). */
  operatorName: (telegramId: string) => string;
  /** Reunite's matches, shown on the case page (decision 0039). */
  reunite?: ConsoleReunite;
}

/** Who is signed in on this request. */
export interface Signed {
  account: Account;
  sessionId: string;
  actor: string;
}

declare module "fastify" {
  interface FastifyRequest {
    signed?: Signed;
  }
}

export class ConsoleContext {
  readonly #views = new Map<string, OperatorView>();

  constructor(
    readonly d: ConsoleDeps,
    readonly auth: ConsoleAuth,
  ) {}

  get now(): number {
    return this.d.now();
  }

  /** The user's language and words (the pre-sign-in cookie when nobody is signed in). */
  words(req: FastifyRequest): { lang: string; t: T } {
    const chosen = req.signed?.account.lang ?? req.cookies?.[LANG_COOKIE];
    return translator(this.d.bundle.texts, chosen);
  }

  /** The operators' card and words, in `lang`. */
  view(lang: string): OperatorView {
    let v = this.#views.get(lang);
    if (!v) {
      v = new OperatorView({
        texts: this.d.bundle.texts,
        flows: this.d.bundle.flows,
        lang,
        chatId: this.d.config.operators.chatId ?? 0,
        timeZone: this.d.config.timeZone,
        supervisorIds: this.d.config.operators.supervisorIds,
      });
      this.#views.set(lang, v);
    }
    return v;
  }

  /** What every page needs. */
  pageContext(req: FastifyRequest, reply: FastifyReply): PageContext {
    const { lang, t } = this.words(req);
    return {
      t,
      lang,
      csrf: reply.generateCsrf({ userInfo: csrfUser(req) }),
      languages: this.d.bundle.texts.languages,
      ...(req.signed ? { account: req.signed.account } : {}),
    };
  }

  /**
   * Names for case actors: accounts by username; a Telegram operator with no account by a
   * pseudonymous label ("Operator 2", their place in OPERATOR_IDS then SUPERVISOR_IDS),
   * never a Telegram name or number; the helpline's own words for the helpline and person.
   */
  async who(lang: string): Promise<(actor: string) => string> {
    const { t } = translator(this.d.bundle.texts, lang);
    const names = new Map(
      (await this.d.stores.accounts.list()).map(
        (a) => [actorOf(a, this.d.operatorName), a.username] as const,
      ),
    );
    const labels = this.#telegramLabels();
    return (actor) => {
      const known = names.get(actor);
      if (known) return known;
      if (actor === "system" || actor === "person") return t(`who.${actor}`);
      if (actor.startsWith("web:")) return actor.slice(4);
      const n = labels.get(actor);
      return n ? t("who.telegram", { n }) : t("who.someone");
    };
  }

  /** Each allow-listed Telegram operator's stored name, and their number in the lists. */
  #telegramLabels(): Map<string, number> {
    const { operatorIds, supervisorIds } = this.d.config.operators;
    const labels = new Map<string, number>();
    for (const id of [...operatorIds, ...supervisorIds]) {
      const actor = this.d.operatorName(id);
      if (!labels.has(actor)) labels.set(actor, labels.size + 1);
    }
    return labels;
  }

  /** Record what was asked for and whether it was done. */
  async audit(
    req: FastifyRequest,
    action: string,
    ok: boolean,
    more: { case?: string; detail?: string } = {},
  ): Promise<void> {
    await this.d.stores.audit.add({
      at: this.now,
      by: req.signed?.account.username ?? "?",
      action,
      ok,
      ...more,
    });
  }

  /**
   * A refusal: the status, a sentence in the user's language, audited. htmx requests get
   * the sentence alone (swapped where the action was); others a page.
   */
  async refuse(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    reason: string,
    audit: { action: string; case?: string },
  ): Promise<FastifyReply> {
    await this.audit(req, audit.action, false, {
      detail: reason,
      ...(audit.case ? { case: audit.case } : {}),
    });
    const { t } = this.words(req);
    const text = t(`refusal.${reason}`);
    reply.status(status).type("text/html; charset=utf-8");
    // htmx shows the refusal in the page's notice area, leaving what it was aimed at as it was.
    if (req.headers["hx-request"])
      return reply
        .header("hx-retarget", "#notice")
        .header("hx-reswap", "innerHTML")
        .send(notice("error", text));
    return reply.send(
      page(this.pageContext(req, reply), t("refusal.title"), notice("error", text)),
    );
  }

  /** Whether the account may see the case at all. */
  maySee(account: Account, c: Case): boolean {
    if (account.role === "supervisor") return true;
    if (account.role !== "operator") return false;
    return c.status === "queued" || c.operator === actorOf(account, this.d.operatorName);
  }
}
