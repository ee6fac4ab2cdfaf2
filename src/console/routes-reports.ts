/** The dashboard (coordinators and supervisors), the directory (everyone), the audit (supervisors). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { localDay } from "../cases/stats.js";
import { ageDays } from "../directory/audit.js";
import { allContacts, loadDirectory } from "../directory/load.js";
import type { ConsoleContext } from "./context.js";
import { computeDashboard, dashboardCsv } from "./dashboard.js";
import { auditPage } from "./views/audit.js";
import { dashboardPage } from "./views/dashboard.js";
import { type DirectoryRow, directoryPage } from "./views/directory.js";

/** Days the dashboard covers. */
const DASHBOARD_DAYS = 14;
/** A contact verified longer ago than this is highlighted (as `contacts:check` lists it). */
const STALE_AFTER_DAYS = 180;
const AUDIT_SHOWN = 300;

export function reportRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const only = async (
    req: FastifyRequest,
    reply: FastifyReply,
    roles: string[],
    action: string,
  ) => {
    if (roles.includes(req.signed?.account.role ?? "")) return true;
    await ctx.refuse(req, reply, 403, "not_allowed", { action });
    return false;
  };

  const figures = async () => {
    const now = ctx.now;
    const c = ctx.d.config;
    return computeDashboard({
      open: await ctx.d.cases.open(5000),
      figures: await ctx.d.stores.figures.since(now, DASHBOARD_DAYS),
      now,
      days: DASHBOARD_DAYS,
      timeZone: c.timeZone,
      slaMs: c.sla.unclaimedMs,
    });
  };

  app.get("/dashboard", async (req, reply) => {
    if (!(await only(req, reply, ["coordinator", "supervisor"], "dashboard"))) return reply;
    const { lang } = ctx.words(req);
    const view = ctx.view(lang);
    const label = (measure: string, value: string) => {
      if (measure === "country")
        return value === "unknown" ? ctx.words(req).t("dashboard.unknown") : view.country(value);
      if (measure === "channel") return view.t(`channel.${value}`);
      if (measure === "outcome") return view.t(`outcome.${value}`);
      return value;
    };
    await ctx.audit(req, "dashboard", true);
    const page = dashboardPage(
      ctx.pageContext(req, reply),
      { t: ctx.words(req).t, age: (ms) => view.age(ms), label },
      await figures(),
    );
    return reply.type("text/html; charset=utf-8").send(page);
  });

  app.get("/dashboard.csv", async (req, reply) => {
    if (!(await only(req, reply, ["coordinator", "supervisor"], "export"))) return reply;
    await ctx.audit(req, "export", true);
    const day = localDay(ctx.now, ctx.d.config.timeZone);
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="pulang-figures-${day}.csv"`)
      .send(dashboardCsv(await figures()));
  });

  const directory = loadDirectory(ctx.d.config.paths.directory);
  app.get("/directory", async (req, reply) => {
    const now = ctx.now;
    const rows: DirectoryRow[] = allContacts(directory).map(({ contact: c, owner }) => {
      const age = ageDays(c.last_verified, now);
      return {
        owner,
        label: c.label,
        kind: c.kind,
        value: c.value ?? "",
        status: c.status,
        confidence: c.confidence,
        sources: c.sources.map((s) => (s.date ? `${s.name} (${s.date})` : s.name)).join("; "),
        sourceDate: c.source_date,
        lastVerified: c.last_verified,
        freshness: age === null ? "unverified" : age > STALE_AFTER_DAYS ? "stale" : "fresh",
      };
    });
    return reply
      .type("text/html; charset=utf-8")
      .send(directoryPage(ctx.pageContext(req, reply), rows, STALE_AFTER_DAYS));
  });

  app.get("/audit", async (req, reply) => {
    if (!(await only(req, reply, ["supervisor"], "audit"))) return reply;
    const { lang } = ctx.words(req);
    const entries = await ctx.d.stores.audit.recent(ctx.now, AUDIT_SHOWN);
    await ctx.audit(req, "audit", true);
    const view = ctx.view(lang);
    return reply
      .type("text/html; charset=utf-8")
      .send(auditPage(ctx.pageContext(req, reply), entries, (ms) => view.clock(ms)));
  });
}
