/**
 * The page around every console view: head (our own stylesheet and scripts, nothing from
 * another origin), the navigation for the user's role, the language switch and sign-out.
 *
 * Templates are `ghtml` tagged templates: every `${value}` is escaped; `!${value}` is used
 * only for HTML this code built with `html` itself, never for anything a person, an
 * operator or a file wrote.
 */
import { html } from "ghtml";
import type { Account } from "../accounts.js";
import type { T } from "../texts.js";

/** Where the console lives, and its static files. */
export const BASE = "/console";
export const ASSETS = `${BASE}/assets`;

/** htmx settings: no inline styles (the CSP forbids them), no eval, 4xx answers shown. */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ],
});

export interface PageContext {
  t: T;
  lang: string;
  csrf: string;
  account?: Account;
  /** Languages offered in the switch. */
  languages: readonly string[];
  /** Which navigation item is current. */
  current?: string;
}

/** What each role finds in the navigation. */
export function navItems(role: Account["role"] | undefined): string[] {
  switch (role) {
    case "operator":
      return ["queue", "directory", "account"];
    case "supervisor":
      return ["queue", "dashboard", "audit", "directory", "account"];
    case "coordinator":
      return ["dashboard", "directory", "account"];
    default:
      return [];
  }
}

export function page(
  ctx: PageContext,
  title: string,
  body: string,
  scripts: string[] = [],
): string {
  const { t, account } = ctx;
  const nav = navItems(account?.role).map(
    (item) =>
      html`<li><a href="${BASE}/${item}"!${item === ctx.current ? ' aria-current="page"' : ""}>${t(`nav.${item}`)}</a></li>`,
  );
  return `<!doctype html>${html`<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="htmx-config" content="${HTMX_CONFIG}">
<title>${title} · ${t("app")}</title>
<link rel="stylesheet" href="${ASSETS}/console.css">
<script src="${ASSETS}/htmx.min.js" defer></script>
<script src="${ASSETS}/sse.js" defer></script>
!${scripts.map((s) => html`<script src="${s}" defer></script>`).join("")}
</head>
<body hx-headers="${JSON.stringify({ "x-csrf-token": ctx.csrf })}">
<a class="skip" href="#main">${t("skip")}</a>
<header>
<span class="brand">${t("app")}</span>
!${account ? html`<nav aria-label="${t("nav.label")}"><ul>!${nav.join("")}</ul></nav>` : ""}
<div class="tools">
!${languageSwitch(ctx)}
!${account ? signOut(ctx, account) : ""}
</div>
</header>
<main id="main">
<div id="notice" aria-live="assertive"></div>
!${body}
</main>
</body>
</html>`}`;
}

function languageSwitch(ctx: PageContext): string {
  const { t } = ctx;
  const options = ctx.languages.map(
    (l) =>
      html`<option value="${l}"!${l === ctx.lang ? " selected" : ""}>${t(`language.${l}`)}</option>`,
  );
  return html`<form method="post" action="${BASE}/language" class="inline">
<input type="hidden" name="_csrf" value="${ctx.csrf}">
<label for="lang-switch" class="visually-hidden">${t("language.label")}</label>
<select id="lang-switch" name="lang">!${options.join("")}</select>
<button type="submit">${t("language.change")}</button>
</form>`;
}

function signOut(ctx: PageContext, account: Account): string {
  const { t } = ctx;
  return html`<span class="who">${account.username} · ${t(`role.${account.role}`)}</span>
<form method="post" action="${BASE}/sign-out" class="inline">
<input type="hidden" name="_csrf" value="${ctx.csrf}">
<button type="submit">${t("sign_out")}</button>
</form>`;
}

/** A hidden CSRF field for a form. */
export function csrfField(csrf: string): string {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

/** A message box: `role=alert` for refusals, `status` for confirmations. */
export function notice(kind: "error" | "ok", text: string): string {
  return kind === "error"
    ? html`<p class="notice error" role="alert">${text}</p>`
    : html`<p class="notice ok" role="status">${text}</p>`;
}
