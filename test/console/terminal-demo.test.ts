/**
 * A newcomer's first minute (issue 14): `npm start` with no token, a message typed in the
 * terminal, then the console opened with the one-time password the terminal printed. The
 * terminal's case is in the console's queue like a web-chat case, and the operator's
 * reply from the console is printed in the terminal.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGTERM");
});

/** A browser's cookie jar and the last page's CSRF token, over fetch. */
class Tab {
  readonly cookies = new Map<string, string>();
  csrf = "";
  constructor(readonly base: string) {}
  async open(path: string, form?: Record<string, string>): Promise<Response & { text: string }> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(`${this.base}${path}`, {
      redirect: "manual",
      ...(form
        ? {
            method: "POST",
            body: new URLSearchParams({ _csrf: this.csrf, ...form }).toString(),
          }
        : {}),
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, v] = (pair as string).split("=");
      if (k && v !== undefined) this.cookies.set(k, v);
    }
    const text = await res.text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(text)?.[1] ?? this.csrf;
    return Object.assign(res, { text });
  }
}

async function until<T>(what: string, check: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the terminal demo and the console", () => {
  it("puts a case typed in the terminal in the console, and prints the console's reply", async () => {
    const proc = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "src/main.ts")], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", PORT: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    child = proc;
    let out = "";
    let err = "";
    proc.stdout?.on("data", (c) => {
      out += String(c);
    });
    proc.stderr?.on("data", (c) => {
      err += String(c);
    });
    const url = await until(
      "the console's address",
      () => /Operator console: (\S+)\/console/.exec(err)?.[1],
    );
    const password = await until("the password", () => /password: (\S+)/.exec(err)?.[1]);

    proc.stdin?.write("tlg sy dipukulin bos, hp mau diambil\n");
    const id = await until("the case", () => /case (\S+) sent to operators: P1/.exec(out)?.[1]);

    const tab = new Tab(url);
    await tab.open("/console/sign-in?lang=en");
    const signedIn = await tab.open("/console/sign-in", { username: "demo", password, code: "" });
    expect(signedIn.status).toBe(303);
    const queue = await tab.open("/console/queue/list");
    expect(queue.text).toContain(id);
    expect(queue.text).toContain("Simulator");

    await tab.open(`/console/cases/${id}`);
    expect((await tab.open(`/console/cases/${id}/claim`, {})).status).toBe(303);
    await tab.open(`/console/cases/${id}`);
    await tab.open(`/console/cases/${id}/reply`, {
      text: "Halo, ini Wati dari tim.",
      nonce: "nonce-t001",
    });
    await until("the reply in the terminal", () => out.includes("Halo, ini Wati dari tim."));

    proc.stdin?.end("/quit\n");
    expect(await new Promise((r) => proc.once("exit", r))).toBe(0);
  }, 90_000);
});
