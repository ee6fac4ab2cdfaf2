/** Signing in and out, the language, and the user's own two-factor set-up. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Account } from "./accounts.js";
import { type ConsoleContext, LANG_COOKIE, SESSION_COOKIE } from "./context.js";
import { checkTotp, newTotpSecret, totpQrSvg, totpUri } from "./totp.js";
import { accountPage } from "./views/account.js";
import { BASE } from "./views/layout.js";
import { signInPage } from "./views/signin.js";

const signInBody = z.object({
  username: z.string().max(200).default(""),
  password: z.string().max(1000).default(""),
  code: z.string().max(50).default(""),
});

/** Where each role starts. */
export function homeOf(account: Account): string {
  return account.role === "coordinator" ? `${BASE}/dashboard` : `${BASE}/queue`;
}

export function authRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const cookieOpts = {
    path: BASE,
    httpOnly: true,
    sameSite: "strict" as const,
    secure: ctx.d.config.console.secureCookies,
  };

  app.get("/", async (req, reply) =>
    reply.redirect(req.signed ? homeOf(req.signed.account) : `${BASE}/sign-in`, 303),
  );

  app.get("/sign-in", async (req: FastifyRequest<{ Querystring: { lang?: string } }>, reply) => {
    if (req.signed) return reply.redirect(homeOf(req.signed.account), 303);
    const lang = req.query.lang;
    if (lang && ctx.d.bundle.texts.languages.includes(lang)) {
      reply.setCookie(LANG_COOKIE, lang, { ...cookieOpts, maxAge: 365 * 86_400 });
      req.cookies[LANG_COOKIE] = lang;
    }
    return reply.type("text/html; charset=utf-8").send(signInPage(ctx.pageContext(req, reply)));
  });

  app.post(
    "/sign-in",
    {
      preHandler: app.csrfProtection,
      config: { rateLimit: { max: ctx.d.config.console.signInPerMinute, timeWindow: 60_000 } },
    },
    async (req, reply) => {
      const body = signInBody.safeParse(req.body ?? {});
      const { username, password, code } = body.success
        ? body.data
        : { username: "", password: "", code: "" };
      const r = await ctx.auth.signIn(username, password, code);
      if (!r.ok) {
        const { t } = ctx.words(req);
        return reply
          .status(r.reason === "locked" ? 429 : 401)
          .type("text/html; charset=utf-8")
          .send(signInPage(ctx.pageContext(req, reply), t(`signin.${r.reason}`)));
      }
      reply.setCookie(SESSION_COOKIE, r.sessionId, {
        ...cookieOpts,
        maxAge: Math.floor(ctx.d.config.console.absoluteMs / 1000),
      });
      const chosen = req.cookies[LANG_COOKIE];
      if (!r.account.lang && chosen && ctx.d.bundle.texts.languages.includes(chosen))
        await ctx.d.stores.accounts.put({ ...r.account, lang: chosen });
      return reply.redirect(homeOf(r.account), 303);
    },
  );

  app.post("/sign-out", { preHandler: app.csrfProtection }, async (req, reply) => {
    const s = req.signed;
    if (s) await ctx.auth.signOut(s.sessionId, s.account.username);
    reply.clearCookie(SESSION_COOKIE, { path: BASE });
    return reply.redirect(`${BASE}/sign-in`, 303);
  });

  app.post("/language", { preHandler: app.csrfProtection }, async (req, reply) => {
    const lang = z.object({ lang: z.string().max(10) }).safeParse(req.body);
    if (!lang.success || !ctx.d.bundle.texts.languages.includes(lang.data.lang))
      return ctx.refuse(req, reply, 400, "bad_request", { action: "language" });
    if (req.signed) {
      const account = await ctx.d.stores.accounts.get(req.signed.account.username);
      if (account) await ctx.d.stores.accounts.put({ ...account, lang: lang.data.lang });
      return reply.redirect(homeOf(req.signed.account), 303);
    }
    reply.setCookie(LANG_COOKIE, lang.data.lang, { ...cookieOpts, maxAge: 365 * 86_400 });
    return reply.redirect(`${BASE}/sign-in`, 303);
  });

  app.get("/account", async (req, reply) => showAccount(ctx, req, reply));

  app.post("/account/totp", { preHandler: app.csrfProtection }, async (req, reply) => {
    const account = req.signed?.account as Account;
    const secret = newTotpSecret();
    await ctx.d.stores.accounts.put({ ...account, pendingTotpSecret: secret });
    await ctx.audit(req, "totp_started", true);
    return showAccount(ctx, req, reply);
  });

  app.post("/account/totp/confirm", { preHandler: app.csrfProtection }, async (req, reply) => {
    const account = (await ctx.d.stores.accounts.get(
      req.signed?.account.username ?? "",
    )) as Account;
    const code = z.object({ code: z.string().max(20) }).safeParse(req.body);
    const pending = account.pendingTotpSecret;
    const step =
      pending && code.success ? await checkTotp(pending, code.data.code, ctx.now) : undefined;
    const { t } = ctx.words(req);
    if (step === undefined) {
      await ctx.audit(req, "totp_confirmed", false, { detail: "wrong_code" });
      reply.status(400);
      return showAccount(ctx, req, reply, { kind: "error", text: t("account.wrong_code") });
    }
    const { pendingTotpSecret: _p, ...rest } = account;
    await ctx.d.stores.accounts.put({ ...rest, totpSecret: pending as string, totpLastStep: step });
    await ctx.audit(req, "totp_confirmed", true);
    return showAccount(ctx, req, reply, { kind: "ok", text: t("account.totp_done") });
  });
}

async function showAccount(
  ctx: ConsoleContext,
  req: FastifyRequest,
  reply: FastifyReply,
  message?: { kind: "error" | "ok"; text: string },
) {
  const account = (await ctx.d.stores.accounts.get(req.signed?.account.username ?? "")) as Account;
  const pending = account.pendingTotpSecret;
  const view = {
    hasTotp: account.totpSecret !== undefined,
    ...(pending
      ? { pending: { svg: await totpQrSvg(totpUri(account.username, pending)), secret: pending } }
      : {}),
    ...(message ? { message } : {}),
  };
  return reply
    .type("text/html; charset=utf-8")
    .send(accountPage(ctx.pageContext(req, reply), view));
}
