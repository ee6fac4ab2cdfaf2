/**
 * Reunite on the console's case page: the case's matches with their reasons, and for a
 * suggested one the buttons to link it or dismiss it (decision 0039). The other case is
 * named by its id only: a match never shows more of a case than its own page would.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { html } from "ghtml";
import { z } from "zod";
import type { Case } from "../cases/model.js";
import type { MatchReason } from "../reunite/score.js";
import type { Reunite } from "../reunite/service.js";
import type { Match } from "../reunite/store.js";
import type { ConsoleContext } from "./context.js";
import type { T } from "./texts.js";
import { BASE, csrfField } from "./views/layout.js";

/** What the console asks of reunite. */
export type ConsoleReunite = Pick<Reunite, "matchesOf" | "decide">;

function reasonText(t: T, r: MatchReason): string {
  if (r.kind === "name")
    return t(`match.reason.name_${r.detail}`) + (r.common ? t("match.reason.common") : "");
  if (r.kind === "age") return t("match.reason.age", { count: r.detail });
  return t(`match.reason.${r.kind}`);
}

/** The section: nothing when the case has no match. */
export function matchesSection(t: T, c: Case, matches: readonly Match[], csrf: string): string {
  if (matches.length === 0) return "";
  const items = matches.map((m) => {
    const reasons = m.reasons.map((r) => reasonText(t, r)).join(", ");
    const decide =
      m.state === "suggested"
        ? html`<form method="post" action="${BASE}/cases/${c.id}/match">!${csrfField(csrf)}<input type="hidden" name="other" value="${m.other}"><button name="decision" value="linked">${t("match.link")}</button> <button name="decision" value="dismissed">${t("match.dismiss")}</button></form>`
        : "";
    return html`<li><a href="${BASE}/cases/${m.other}">${m.other}</a> · ${t(`match.state.${m.state}`)} · ${Math.round(m.score * 100)}%: ${reasons}!${decide}</li>`;
  });
  return html`<section aria-labelledby="matches"><h2 id="matches">${t("match.title")}</h2><p class="hint">${t("match.hint")}</p><ul>!${items.join("")}</ul></section>`;
}

const decisionSchema = z.object({
  other: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  decision: z.enum(["linked", "dismissed"]),
});

/** POST `/cases/:id/match`: link or dismiss (audited on both cases by reunite). */
export function matchRoutes(
  app: FastifyInstance,
  ctx: ConsoleContext,
  seeable: (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
  ) => Promise<Case | undefined>,
): void {
  app.post<{ Params: { id: string } }>(
    "/cases/:id/match",
    { preHandler: app.csrfProtection },
    async (req, reply) => {
      const c = await seeable(req, reply);
      if (!c) return reply;
      const reunite = ctx.d.reunite;
      const body = decisionSchema.safeParse(req.body);
      if (!reunite || !body.success)
        return ctx.refuse(req, reply, 400, "bad_request", { action: "match", case: c.id });
      const actor = req.signed?.actor as string;
      // Signed in as an operator or supervisor who may see this case (seeable).
      const r = await reunite.decide(actor, c.id, body.data.other, body.data.decision, true);
      if (!r.ok) return ctx.refuse(req, reply, 409, r.error, { action: "match", case: c.id });
      await ctx.audit(req, `match_${body.data.decision}`, true, { case: c.id });
      return reply.redirect(`${BASE}/cases/${c.id}`, 303);
    },
  );
}
