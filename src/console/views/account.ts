/** The user's own account: two-factor set-up (a QR code drawn here) and its confirmation. */
import { html } from "ghtml";
import { BASE, csrfField, notice, type PageContext, page } from "./layout.js";

export interface AccountView {
  hasTotp: boolean;
  /** While setting up: the QR code (SVG built by `qrcode`) and the secret to type by hand. */
  pending?: { svg: string; secret: string };
  message?: { kind: "error" | "ok"; text: string };
}

export function accountPage(ctx: PageContext, a: AccountView): string {
  const { t } = ctx;
  const setup = a.pending
    ? html`<p>${t("account.scan")}</p>
<div class="qr">!${a.pending.svg}</div>
<p class="hint">${t("account.secret")} <code>${a.pending.secret}</code></p>
<form method="post" action="${BASE}/account/totp/confirm" class="stack">
!${csrfField(ctx.csrf)}
<label for="code">${t("signin.code")}</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8" required>
<button type="submit" class="primary">${t("account.confirm")}</button>
</form>`
    : html`<form method="post" action="${BASE}/account/totp" class="stack">
!${csrfField(ctx.csrf)}
<button type="submit">${a.hasTotp ? t("account.renew") : t("account.start")}</button>
</form>`;
  const body = html`<h1>${t("account.title")}</h1>
!${a.message ? notice(a.message.kind, a.message.text) : ""}
<h2>${t("account.totp")}</h2>
<p>${a.hasTotp ? t("account.totp_on") : t("account.totp_off")}</p>
!${setup}`;
  return page({ ...ctx, current: "account" }, t("account.title"), body);
}
