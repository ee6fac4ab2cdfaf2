/**
 * `npm start` as a container runtime or systemd runs it: the real command, compiled
 * JavaScript, and SIGTERM sent to the npm process itself. The service must get the
 * signal, stop taking connections and exit 0, not be orphaned and keep running.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
/** How long a clean stop may take: no updates are in flight, nothing is queued. */
const STOP_WITHIN_MS = 5_000;
const started: ChildProcess[] = [];

/** WhatsApp settings of the right shape that reach nothing: the service opens its port. */
const PLACEHOLDER_WHATSAPP = {
  WHATSAPP_PHONE_NUMBER_ID: "1000000001",
  WHATSAPP_ACCESS_TOKEN: `placeholder${"x".repeat(30)}`,
  WHATSAPP_APP_SECRET: "placeholder0123456789",
  WHATSAPP_VERIFY_TOKEN: "placeholder-verify-token",
  WHATSAPP_API_ROOT: "http://127.0.0.1:9",
};

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` with only `env` set (no channel unless given), its input a pipe. */
function npmStart(env: Record<string, string>): Started {
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      npm_config_update_notifier: "false",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
    // Its own process group, so the test can clean up whatever it leaves behind.
    detached: true,
  });
  started.push(child);
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the exit code, or fails if the process is still running after `ms`. */
async function exitWithin(s: Started, ms: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${ms} ms after SIGTERM`)), ms);
  });
  try {
    return await Promise.race([s.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

beforeAll(() => {
  // The first `npm start` on a clean clone builds dist/ (about ten seconds); do it here, so
  // the tests below time the start and stop, not the compiler.
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
  expect(build.status, build.stdout + build.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  for (const child of started) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone: what the tests expect.
    }
  }
});

describe("npm start", () => {
  it("stops the service on SIGTERM to npm: the port closes and it exits 0", async () => {
    const port = await freePort();
    const s = npmStart({ PORT: String(port), HOST: "127.0.0.1", ...PLACEHOLDER_WHATSAPP });
    await until("the service to listen", () => s.output().includes("Pulang is running"));
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    s.child.kill("SIGTERM");
    expect(await exitWithin(s, STOP_WITHIN_MS)).toBe(0);
    expect(await portAnswers(port)).toBe(false);
    expect(s.output()).toContain('"msg":"stopped"');
  }, 60_000);

  it("ends the demo on SIGTERM to npm with exit code 0", async () => {
    const s = npmStart({});
    await until("the demo", () => s.output().includes("local demo"));
    s.child.stdin?.write("halo\n");
    await until("the bot's answer", () => s.output().includes("bot> "), 10_000);

    s.child.kill("SIGTERM");
    expect(await exitWithin(s, STOP_WITHIN_MS)).toBe(0);
  }, 60_000);

  it("refuses to run the demo in production, naming what is missing", async () => {
    const s = npmStart({ NODE_ENV: "production" });
    expect(await exitWithin(s, 30_000)).toBe(1);
    expect(s.output()).toContain("Pulang cannot start.");
    expect(s.output()).toMatch(/NODE_ENV=production needs a channel/);
    expect(s.output()).not.toContain("local demo");
  }, 60_000);
});
