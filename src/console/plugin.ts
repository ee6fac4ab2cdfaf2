/**
 * The console at `/console`, registered on the service's Fastify server in a scope of its
 * own: security headers and a strict content security policy (@fastify/helmet), cookies,
 * forms, CSRF tokens on every state change (@fastify/csrf-protection, bound to the signed-in
 * user), a rate limit on signing in (@fastify/rate-limit), and our own static files
 * (@fastify/static: htmx, its SSE extension and uPlot from their packages). Nothing is
 * loaded from another origin.
 */

import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import cookie from "@fastify/cookie";
import csrf from "@fastify/csrf-protection";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { errorSummary } from "../channels/errors.js";
import { actorOf } from "./accounts.js";
import { CONSOLE_CSS, DASHBOARD_JS } from "./assets.js";
import { ConsoleAuth } from "./auth.js";
import { ConsoleContext, type ConsoleDeps, csrfUser, SESSION_COOKIE } from "./context.js";
import { createDemoAccount, demoNotice } from "./demo-account.js";
import { authRoutes } from "./routes-auth.js";
import { caseRoutes } from "./routes-cases.js";
import { reportRoutes } from "./routes-reports.js";
import { sweepTranscripts } from "./transcript.js";
import { BASE } from "./views/layout.js";

/** The files served from packages under /console/assets/. */
const PACKAGE_ASSETS: Record<string, string> = {
  "htmx.min.js": "htmx.org/dist/htmx.min.js",
  "sse.js": "htmx-ext-sse/dist/sse.js",
  "uPlot.iife.min.js": "uplot/dist/uPlot.iife.min.js",
  "uPlot.min.css": "uplot/dist/uPlot.min.css",
};

function packageFile(spec: string): string {
  const require = createRequire(import.meta.url);
  const [scopeOrName, ...rest] = spec.split("/");
  const name = scopeOrName as string;
  return join(dirname(require.resolve(`${name}/package.json`)), ...rest);
}

/** Paths that need no signed-in user. */
const PUBLIC = new Set([`${BASE}/sign-in`, `${BASE}/language`]);

/** The strict policy: our origin only, no inline script or style, no framing. */
const CSP = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** Register the console on `app`. */
export function consolePlugin(d: ConsoleDeps): (app: FastifyInstance) => void {
  return (app) => {
    app.register(async (scope) => console(scope, d), { prefix: BASE });
  };
}

async function console(scope: FastifyInstance, d: ConsoleDeps): Promise<void> {
  const auth = new ConsoleAuth({
    accounts: d.stores.accounts,
    sessions: d.stores.sessions,
    lockout: d.stores.lockout,
    audit: d.stores.audit,
    config: { totpRequiredFor: d.demo ? [] : d.config.console.totpRequiredFor },
    now: d.now,
  });
  const ctx = new ConsoleContext(d, auth);
  await scope.register(helmet, {
    contentSecurityPolicy: CSP,
    referrerPolicy: { policy: "no-referrer" },
    crossOriginEmbedderPolicy: false,
  });
  if (!scope.hasRequestDecorator("cookies")) await scope.register(cookie);
  if (!scope.hasContentTypeParser("application/x-www-form-urlencoded"))
    await scope.register(formbody, { bodyLimit: 64 * 1024 });
  await scope.register(csrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: "pulang_console_csrf",
    cookieOpts: {
      path: BASE,
      httpOnly: true,
      sameSite: "strict",
      secure: d.config.console.secureCookies,
    },
    csrfOpts: { hmacKey: d.secret },
    getUserInfo: csrfUser,
  });
  await scope.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, context) => ({
      statusCode: context.statusCode,
      code: "CONSOLE_RATE_LIMITED",
      message: "rate limited",
    }),
  });
  await scope.register(fastifyStatic, {
    root: [...new Set(Object.values(PACKAGE_ASSETS).map((spec) => dirname(packageFile(spec))))],
    prefix: "/assets/",
    decorateReply: false,
    allowedPath: (path) => Object.keys(PACKAGE_ASSETS).includes(path.replace(/^\//, "")),
    maxAge: "1d",
  });
  scope.get("/assets/console.css", (_req, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "max-age=3600").send(CONSOLE_CSS),
  );
  scope.get("/assets/dashboard.js", (_req, reply) =>
    reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "max-age=3600")
      .send(DASHBOARD_JS),
  );

  scope.addHook("onRequest", async (req, reply) => signedIn(ctx, req, reply));
  scope.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) =>
    failed(ctx, err, req, reply),
  );
  scope.setNotFoundHandler(async (req, reply) =>
    ctx.refuse(req, reply, 404, "not_found", { action: "open_page" }),
  );

  authRoutes(scope, ctx);
  caseRoutes(scope, ctx);
  reportRoutes(scope, ctx);

  if (d.demo) {
    const creds = await createDemoAccount(d.stores.accounts, d.now(), "en");
    scope.addHook("onListen", async function () {
      const address = this.server.address();
      const port = typeof address === "object" && address ? address.port : 3000;
      process.stderr.write(demoNotice(`http://localhost:${port}`, creds));
    });
  }
  startSweep(scope, d);
}

/** Who is signed in; without a live session, pages lead to signing in, and actions are refused. */
async function signedIn(ctx: ConsoleContext, req: FastifyRequest, reply: FastifyReply) {
  const path = req.url.split("?")[0] as string;
  if (path.startsWith(`${BASE}/assets/`)) return;
  const id = req.cookies[SESSION_COOKIE];
  const current = await ctx.auth.current(id);
  if (current) {
    req.signed = {
      account: current.account,
      sessionId: id as string,
      actor: actorOf(current.account, ctx.d.operatorName),
    };
    return;
  }
  if (PUBLIC.has(path)) return;
  if (req.method === "GET" && !req.headers["hx-request"] && path !== `${BASE}/events`)
    return reply.redirect(`${BASE}/sign-in`, 303);
  if (id) reply.clearCookie(SESSION_COOKIE, { path: BASE });
  reply.header("hx-redirect", `${BASE}/sign-in`);
  return ctx.refuse(req, reply, 401, id ? "session_ended" : "signed_out", { action: "request" });
}

/** CSRF refusals, rate limits and bad input become refusals; the rest is logged. */
async function failed(
  ctx: ConsoleContext,
  err: Error & { statusCode?: number; code?: string },
  req: FastifyRequest,
  reply: FastifyReply,
) {
  if (err.code === "FST_CSRF_INVALID_TOKEN" || err.code === "FST_CSRF_MISSING_SECRET")
    return ctx.refuse(req, reply, 403, "csrf", { action: "csrf" });
  if (err.code === "CONSOLE_RATE_LIMITED")
    return ctx.refuse(req, reply, 429, "rate_limited", { action: "rate_limited" });
  const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 500) ctx.d.log.error({ code: err.code, err: err.name }, "console request failed");
  return ctx.refuse(req, reply, status, status === 500 ? "broken" : "bad_request", {
    action: "request",
  });
}

/** Hourly: delete the transcripts of cases the retention purge deleted. */
function startSweep(scope: FastifyInstance, d: ConsoleDeps): void {
  const sweep = async () => {
    const gone = await sweepTranscripts(d.stores.transcripts, async (id) => {
      const c = await d.cases.get(id);
      return c !== undefined && !c.erased;
    });
    if (gone > 0) d.log.info({ count: gone }, "console transcripts of purged cases deleted");
  };
  const timer = setInterval(() => {
    sweep().catch((err) => d.log.warn({ err: errorSummary(err) }, "transcript sweep failed"));
  }, 3_600_000);
  timer.unref();
  scope.addHook("onClose", async () => {
    clearInterval(timer);
    await d.stores.events.close();
  });
}
