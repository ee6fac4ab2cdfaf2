/**
 * The queue, the live stream, and one case with its actions. Every action goes through
 * the same desk as the Telegram group (a desk of the signed-in user's own), so a claim in
 * one shows in the other at once; every view and action, allowed or not, is audited.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Case } from "../cases/model.js";
import { outcomeSchema } from "../cases/model.js";
import { type CaseOutcome, OperatorDesk, QUEUE_LIMIT } from "../operators/desk.js";
import { actorOf } from "./accounts.js";
import type { ConsoleContext, Signed } from "./context.js";
import type { ConsoleEvent } from "./events.js";
import { matchesSection, matchRoutes } from "./matches.js";
import {
  type Allowed,
  type CaseContext,
  caseForms,
  caseLive,
  casePage,
  NOTE_MAX,
  REPLY_MAX,
} from "./views/case.js";
import { BASE } from "./views/layout.js";
import { queueList, queuePage } from "./views/queue.js";

type CaseRequest = FastifyRequest<{ Params: { id: string } }>;

/** Case ids are short codes; anything else is not a case. */
const CASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A form's one-time id: a resubmitted form sends its words once. */
const NONCE = /^[A-Za-z0-9-]{8,64}$/;
/** Keep an idle event stream open through proxies. */
const KEEPALIVE_MS = 20_000;

/** A desk that knows only this user, with their console role. */
function deskFor(ctx: ConsoleContext, s: Signed): OperatorDesk | undefined {
  const role = s.account.role;
  if (role === "coordinator") return undefined;
  const mine = [s.actor];
  return new OperatorDesk({
    ...ctx.d.desk,
    access:
      role === "supervisor"
        ? { operatorIds: [], supervisorIds: mine }
        : { operatorIds: mine, supervisorIds: [] },
  });
}

function allowedOn(s: Signed, c: Case): Allowed {
  const supervisor = s.account.role === "supervisor";
  const open = c.status !== "closed";
  const holds = c.status === "claimed" && (c.operator === s.actor || supervisor);
  return {
    claim: c.status === "queued",
    work: holds && c.conversation !== undefined,
    close: open && (c.status === "queued" || holds),
    note: open,
    reassign: supervisor && c.status === "claimed",
    relink: open && c.pendingReattach !== undefined,
  };
}

export function caseRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const operators = async (req: FastifyRequest, reply: FastifyReply, action: string) => {
    const role = req.signed?.account.role;
    if (role === "operator" || role === "supervisor") return true;
    await ctx.refuse(req, reply, 403, "no_personal_data", { action });
    return false;
  };

  app.get("/queue", async (req, reply) => {
    if (!(await operators(req, reply, "queue"))) return reply;
    const p = ctx.pageContext(req, reply);
    return reply.type("text/html; charset=utf-8").send(queuePage(p, await list(ctx, req)));
  });

  app.get("/queue/list", async (req, reply) => {
    if (!(await operators(req, reply, "queue"))) return reply;
    return reply.type("text/html; charset=utf-8").send(await list(ctx, req));
  });

  app.get("/events", async (req: FastifyRequest<{ Querystring: { case?: string } }>, reply) => {
    const only = req.query.case && CASE_ID.test(req.query.case) ? req.query.case : undefined;
    stream(ctx, reply, only);
    return reply;
  });

  app.get("/cases/:id", async (req: CaseRequest, reply) => {
    const c = await seeable(ctx, req, reply, "view");
    if (!c) return reply;
    await ctx.audit(req, "view", true, { case: c.id });
    // The case's own history says who looked, as the Telegram group's /case does.
    await deskFor(ctx, req.signed as Signed)?.view((req.signed as Signed).actor, c.id);
    const k = await caseContext(ctx, req, reply, c);
    const live = caseLive(k, c, await ctx.d.stores.transcripts.list(c.id));
    const forms = caseForms(k, c, { nonce: randomUUID() });
    const matches = ctx.d.reunite ? await ctx.d.reunite.matchesOf(c.id) : [];
    const section = matchesSection(k.t, c, matches, k.csrf);
    return reply
      .type("text/html; charset=utf-8")
      .send(casePage(ctx.pageContext(req, reply), c, live, forms + section));
  });

  app.get("/cases/:id/live", async (req: CaseRequest, reply) => {
    const c = await seeable(ctx, req, reply, "view");
    if (!c) return reply;
    return reply
      .type("text/html; charset=utf-8")
      .send(
        caseLive(
          await caseContext(ctx, req, reply, c),
          c,
          await ctx.d.stores.transcripts.list(c.id),
        ),
      );
  });

  const act = (
    action: string,
    run: (
      desk: OperatorDesk,
      s: Signed,
      c: Case,
      body: Record<string, unknown>,
    ) => Promise<CaseOutcome | string>,
  ) =>
    app.post<{ Params: { id: string } }>(
      `/cases/:id/${action}`,
      { preHandler: app.csrfProtection },
      async (req, reply) => {
        const c = await seeable(ctx, req, reply, action);
        if (!c) return reply;
        const s = req.signed as Signed;
        const desk = deskFor(ctx, s);
        if (!desk) return ctx.refuse(req, reply, 403, "no_personal_data", { action, case: c.id });
        const body = (req.body ?? {}) as Record<string, unknown>;
        const r = await run(desk, s, c, body);
        if (typeof r === "string") return ctx.refuse(req, reply, 400, r, { action, case: c.id });
        if (!r.ok) return ctx.refuse(req, reply, 409, r.error, { action, case: c.id });
        await ctx.audit(req, action, true, { case: c.id });
        if (r.delivered)
          await Promise.race([r.delivered, new Promise((ok) => setTimeout(ok, 1500))]);
        return answer(ctx, req, reply, r.case);
      },
    );

  matchRoutes(app, ctx, (req, reply) => seeable(ctx, req, reply, "match"));
  act("claim", (desk, s, c) => desk.claim(s.actor, c.id));
  act("release", (desk, s, c) => desk.release(s.actor, c.id));
  act("steps", (desk, s, c) => desk.sendSteps(s.actor, c.id));
  act("handback", (desk, s, c) => desk.handBack(s.actor, c.id));
  act("relink", (desk, s, c) => desk.confirmReattach(s.actor, c.id));
  act("norelink", (desk, s, c) => desk.refuseReattach(s.actor, c.id));
  act("close", async (desk, s, c, body) => {
    const outcome = outcomeSchema.safeParse(body.outcome);
    if (!outcome.success) return "bad_outcome";
    return desk.close(s.actor, c.id, outcome.data);
  });
  act("reply", async (desk, s, c, body) => {
    const text = typeof body.text === "string" ? body.text : "";
    if (text.length > REPLY_MAX) return "too_long";
    const nonce =
      typeof body.nonce === "string" && NONCE.test(body.nonce) ? body.nonce : randomUUID();
    return desk.message(s.actor, c.id, text, `web:${nonce}`);
  });
  act("note", async (desk, s, c, body) => {
    const text = typeof body.text === "string" ? body.text : "";
    if (text.length > NOTE_MAX) return "too_long";
    return desk.note(s.actor, c.id, text);
  });
  act("reassign", async (_desk, s, c, body) => {
    if (s.account.role !== "supervisor") return { ok: false, error: "not_holder", case: c };
    const to = z.string().max(80).safeParse(body.to);
    const colleagues = await colleaguesOf(ctx);
    if (!to.success || !colleagues.some(([actor]) => actor === to.data)) return "bad_request";
    const r = await ctx.d.cases.reassign(c.id, s.actor, to.data, ctx.now, { supervisor: true });
    if (!r.ok) return r;
    await ctx.d.desk.sla.onCaseChanged(r.case);
    await ctx.d.desk.board.update(r.case).catch(() => undefined);
    return { ok: true, case: r.case, changed: true };
  });
}

async function list(ctx: ConsoleContext, req: FastifyRequest): Promise<string> {
  const { lang, t } = ctx.words(req);
  const cases = await ctx.d.cases.open(QUEUE_LIMIT);
  const q = {
    t,
    view: ctx.view(lang),
    now: ctx.now,
    who: await ctx.who(lang),
    sla: ctx.d.config.sla,
  };
  return queueList(q, cases);
}

/** The case, when it exists and this user may see it; otherwise a refusal (audited). */
async function seeable(
  ctx: ConsoleContext,
  req: CaseRequest,
  reply: FastifyReply,
  action: string,
): Promise<Case | undefined> {
  const s = req.signed as Signed;
  const id = req.params.id;
  if (s.account.role === "coordinator") {
    await ctx.refuse(req, reply, 403, "no_personal_data", {
      action,
      ...(CASE_ID.test(id) ? { case: id } : {}),
    });
    return undefined;
  }
  const c = CASE_ID.test(id) ? await ctx.d.cases.get(id) : undefined;
  if (!c) {
    await ctx.refuse(req, reply, 404, "not_found", { action });
    return undefined;
  }
  if (!ctx.maySee(s.account, c)) {
    await ctx.refuse(req, reply, 403, "not_yours", { action, case: c.id });
    return undefined;
  }
  return c;
}

/** Accounts a supervisor may hand a case to: operators and supervisors. */
async function colleaguesOf(ctx: ConsoleContext): Promise<[string, string][]> {
  return (await ctx.d.stores.accounts.list())
    .filter((a) => a.role !== "coordinator")
    .map((a) => [actorOf(a, ctx.d.operatorName), a.username]);
}

async function caseContext(
  ctx: ConsoleContext,
  req: FastifyRequest,
  reply: FastifyReply,
  c: Case,
): Promise<CaseContext> {
  const s = req.signed as Signed;
  const { lang, t } = ctx.words(req);
  return {
    t,
    view: ctx.view(lang),
    now: ctx.now,
    csrf: ctx.pageContext(req, reply).csrf,
    who: await ctx.who(lang),
    allowed: allowedOn(s, c),
    colleagues:
      s.account.role === "supervisor"
        ? (await colleaguesOf(ctx)).filter(([a]) => a !== c.operator)
        : [],
  };
}

/** After an action: the live part and fresh forms for htmx, else back to the case. */
async function answer(ctx: ConsoleContext, req: FastifyRequest, reply: FastifyReply, c: Case) {
  if (!req.headers["hx-request"]) return reply.redirect(`${BASE}/cases/${c.id}`, 303);
  const fresh = (await ctx.d.cases.get(c.id)) ?? c;
  const k = await caseContext(ctx, req, reply, fresh);
  const live = caseLive(k, fresh, await ctx.d.stores.transcripts.list(c.id));
  // The forms follow what may be done now (a claim opens the reply box), emptied; the
  // notice of an earlier refusal goes.
  const forms = caseForms(k, fresh, { nonce: randomUUID(), oob: true });
  return reply
    .type("text/html; charset=utf-8")
    .send(`${live}${forms}<div id="notice" hx-swap-oob="true" aria-live="assertive"></div>`);
}

/** Server-sent events: `queue` on any queue change, `case` on changes of the one case watched. */
function stream(ctx: ConsoleContext, reply: FastifyReply, only: string | undefined): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  raw.write(": live\n\n");
  const send = (e: ConsoleEvent) => {
    if (e.topic === "queue") raw.write("event: queue\ndata: changed\n\n");
    else if (e.id === only) raw.write("event: case\ndata: changed\n\n");
  };
  const stop = ctx.d.stores.events.subscribe(send);
  const keepalive = setInterval(() => raw.write(": keepalive\n\n"), KEEPALIVE_MS);
  keepalive.unref();
  raw.on("close", () => {
    clearInterval(keepalive);
    stop();
  });
}
