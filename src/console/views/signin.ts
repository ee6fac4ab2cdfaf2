/** The sign-in page: username, password and code, one button. */
import { html } from "ghtml";
import { BASE, csrfField, notice, type PageContext, page } from "./layout.js";

export function signInPage(ctx: PageContext, error?: string): string {
  const { t } = ctx;
  const body = html`<section class="narrow">
<h1>${t("signin.title")}</h1>
!${error ? notice("error", error) : ""}
<form method="post" action="${BASE}/sign-in" class="stack">
!${csrfField(ctx.csrf)}
<label for="username">${t("signin.username")}</label>
<input id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64">
<label for="password">${t("signin.password")}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="256">
<label for="code">${t("signin.code")}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" aria-describedby="code-hint">
<p id="code-hint" class="hint">${t("signin.code_hint")}</p>
<button type="submit" class="primary">${t("signin.submit")}</button>
</form>
</section>`;
  return page(ctx, t("signin.title"), body);
}
