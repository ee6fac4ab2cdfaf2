/**
 * The console as `npm start` wires it (real service, real Redis, the fake Bot API), and a
 * small browser over Fastify's `inject`: it keeps cookies, reads each page's CSRF token,
 * and posts forms the way the pages do.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { generate } from "otplib";
import { RedisAccountStore } from "../../src/console/accounts.js";
import { addAccount } from "../../src/console/manage.js";
import type { ConsoleRole } from "../../src/console/settings.js";
import {
  callbackUpdate,
  FakeTelegramApi,
  locationUpdate,
  textUpdate,
} from "../fakes/telegram-api.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

export const PASSWORD = "correct horse battery";

/** A browser over inject: cookies kept, the last page's CSRF token at hand. */
export class Browser {
  readonly cookies = new Map<string, string>();
  csrf = "";
  last?: LightMyRequestResponse;

  constructor(readonly server: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.#send("GET", url, undefined, headers);
  }

  /** Post a form as the page would: with the CSRF token, unless `csrf` says otherwise. */
  async post(
    url: string,
    form: Record<string, string> = {},
    o: { csrf?: string | null; htmx?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const token = o.csrf === undefined ? this.csrf : o.csrf;
    const body = new URLSearchParams({ ...(token === null ? {} : { _csrf: token }), ...form });
    return this.#send("POST", url, body.toString(), {
      "content-type": "application/x-www-form-urlencoded",
      ...(o.htmx ? { "hx-request": "true" } : {}),
    });
  }

  async #send(
    method: "GET" | "POST",
    url: string,
    payload?: string,
    headers: Record<string, string> = {},
  ) {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await this.server.inject({
      method,
      url,
      ...(payload !== undefined ? { payload } : {}),
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    for (const c of res.cookies as {
      name: string;
      value: string;
      maxAge?: number;
      expires?: Date;
    }[]) {
      const gone = c.value === "" || (c.expires !== undefined && c.expires.getTime() < Date.now());
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
    this.last = res;
    return res;
  }

  /** Sign in (the sign-in page first, for its token). */
  async signIn(username: string, password = PASSWORD, code = ""): Promise<LightMyRequestResponse> {
    await this.get("/console/sign-in?lang=en");
    return this.post("/console/sign-in", { username, password, code });
  }
}

export interface ConsoleService extends Service {
  accounts: RedisAccountStore;
  /** Make an account; returns its TOTP secret when it has one. */
  account(
    username: string,
    role: ConsoleRole,
    o?: { telegramId?: string; totp?: boolean },
  ): Promise<string | undefined>;
  browser(): Browser;
  /** A person in danger on Telegram: their chat id and the case id. */
  personInDanger(chat: number): Promise<string>;
  close(): Promise<void>;
}

export async function startConsole(
  env: Record<string, string> = {},
  now?: () => number,
): Promise<ConsoleService> {
  const fake = await FakeTelegramApi.start();
  const svc = await startService({
    fake,
    ...(now ? { now } : {}),
    env: {
      TELEGRAM_CHAT_GAP_MS: "1",
      TELEGRAM_GROUP_PER_MINUTE: "10000",
      // Tests sign in often from one address; the limit itself has a test of its own.
      CONSOLE_SIGNIN_PER_MINUTE: "1000",
      ...env,
    },
  });
  const redis = svc.ports.redis;
  if (!redis) throw new Error("the console tests need Redis");
  const accounts = new RedisAccountStore(redis, svc.prefix, svc.ports.codec);
  return {
    ...svc,
    accounts,
    async account(username, role, o = {}) {
      const made = await addAccount(
        accounts,
        { username, role, password: PASSWORD, ...o },
        svc.config.console.totpRequiredFor,
        Date.now(),
      );
      return made.account.totpSecret;
    },
    browser: () => new Browser(svc.app.server),
    async personInDanger(chat) {
      const post = async (u: object) => {
        fake.remember(u as never);
        const res = await svc.post(u);
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        await svc.app.runtime.drain();
      };
      await post(textUpdate(chat, "halo", { languageCode: "id" }));
      await post(callbackUpdate(chat, "c|welcome.menu|help"));
      await post(callbackUpdate(chat, "c|help.safety|danger"));
      await post(locationUpdate(chat, 13.66, 102.56));
      const c = (await svc.app.cases.open(50)).find((x) => x.conversation === `tg:${chat}`);
      if (!c) throw new Error("no case");
      return c.id;
    },
    async close() {
      await svc.stop();
      await fake.close();
      await dropPrefix(svc.prefix);
    },
  };
}

/** The current code of a TOTP secret. */
export function codeOf(secret: string, at = Date.now()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at / 1000) });
}
