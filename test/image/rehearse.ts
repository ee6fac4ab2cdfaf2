/**
 * `npm run image:rehearse`: the Dockerfile's own instructions, carried out on this machine
 * without Docker, then the result run as the image would run it. For machines that cannot
 * build the image (no Docker daemon, or no registry to pull the `node` base image from):
 * it shows that the build steps succeed, that nothing of the build is left in the tree, and
 * that the service, run by its CMD as a non-root user in production, answers its HEALTHCHECK,
 * serves an update and exits 0 on the SIGTERM a container runtime sends to PID 1.
 *
 * Not a Dockerfile interpreter for any Dockerfile: the instructions this one uses (FROM,
 * WORKDIR, COPY, RUN, ENV, USER, EXPOSE, HEALTHCHECK, CMD) with their plain forms. The base
 * image is this machine's Node (20.19+), not the image's. Needs root (to drop to `nobody`)
 * and a Redis at REDIS_URL (default 127.0.0.1:6379, under a key prefix of its own).
 * `-- --tree DIR` runs a tree an earlier rehearsal built (it prints where) without building.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { dropKeys } from "../../bench/lib/redis.js";
import { FAKE_TOKEN, FakeTelegramApi, textUpdate } from "../fakes/telegram-api.js";

// Outside vitest: the same default as the tests.
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const ROOT = join(import.meta.dirname, "../..");
const SECRET = "rehearsal-secret-0123456789abcdef";
const NOBODY = 65534;

interface Instruction {
  op: string;
  args: string;
}

/** Instructions with their continuation lines joined and comments left out. */
function readDockerfile(path: string): Instruction[] {
  const joined = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => !l.trimStart().startsWith("#"))
    .join("\n")
    .replace(/\\\n/g, " ");
  return joined
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const space = l.indexOf(" ");
      return { op: l.slice(0, space).toUpperCase(), args: l.slice(space + 1).trim() };
    });
}

interface Built {
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[];
  healthcheck: string[];
}

function step(text: string): void {
  console.log(`image:rehearse: ${text}`);
}

/** Carries out the build instructions in a scratch root; returns how to run the result. */
function build(instructions: Instruction[], earlier?: string): Built {
  const root = earlier ?? mkdtempSync(join(tmpdir(), "pulang-image-"));
  chmodSync(root, 0o755);
  const built: Built = { root, workdir: root, env: {}, user: undefined, cmd: [], healthcheck: [] };
  const at = (p: string) => (p.startsWith("/") ? join(root, p) : join(built.workdir, p));
  for (const { op, args } of instructions) {
    if (op === "FROM") step(`FROM ${args}: this machine's Node ${process.version} stands in`);
    else if (op === "WORKDIR") {
      built.workdir = at(args);
      mkdirSync(built.workdir, { recursive: true });
    } else if (op === "COPY") {
      const parts = args.split(/\s+/);
      const dest = at(parts.pop() as string);
      for (const src of earlier ? [] : parts) {
        const into = dest.endsWith("/") || parts.length > 1 ? join(dest, src) : dest;
        mkdirSync(dirname(into), { recursive: true });
        cpSync(join(ROOT, src), into, { recursive: true });
      }
    } else if (op === "RUN") {
      if (earlier) continue;
      step(`RUN ${args.slice(0, 70)}${args.length > 70 ? "..." : ""}`);
      const run = spawnSync("bash", ["-ec", args], {
        cwd: built.workdir,
        env: { ...process.env, ...built.env },
        stdio: "inherit",
      });
      if (run.status !== 0) throw new Error(`RUN failed (exit ${run.status}): ${args}`);
    } else if (op === "ENV") {
      const [key, ...value] = args.split("=");
      built.env[key as string] = value.join("=");
    } else if (op === "USER") built.user = args;
    else if (op === "CMD") built.cmd = JSON.parse(args) as string[];
    else if (op === "HEALTHCHECK") {
      built.healthcheck = JSON.parse(args.slice(args.indexOf("CMD") + 3).trim()) as string[];
    } else if (op !== "EXPOSE") throw new Error(`image:rehearse does not know ${op}`);
  }
  spawnSync("chown", ["-R", `${NOBODY}:${NOBODY}`, root]);
  return built;
}

/** What a `docker run --env-file .env` would give a production service, here on loopback. */
function productionEnv(built: Built, apiRoot: string, prefix: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    ...built.env,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "info",
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    DATA_KEY: randomBytes(32).toString("base64"),
    PSEUDONYM_KEY: randomBytes(32).toString("base64"),
    METRICS_TOKEN: randomBytes(24).toString("hex"),
    TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: apiRoot,
    OPERATOR_CHAT_ID: "-1001234567890",
    OPERATOR_IDS: "1001",
  };
}

/** Runs `argv` as the image's non-root user, as Docker would (root is kept only to drop it). */
function asImageUser(argv: string[], built: Built, env: Record<string, string>): ChildProcess {
  const drop = ["--reuid", `${NOBODY}`, "--regid", `${NOBODY}`, "--clear-groups", "--"];
  return spawn("setpriv", [...drop, ...argv], { cwd: built.workdir, env });
}

async function portOf(child: ChildProcess): Promise<number> {
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  child.stderr?.pipe(process.stderr);
  for await (const line of lines) {
    const entry = JSON.parse(line) as { msg?: string; port?: number; level?: number };
    if ((entry.level ?? 0) >= 50) console.error(line);
    if (entry.port) return entry.port;
  }
  throw new Error("the service exited before it said which port it serves");
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

async function runLikeDocker(built: Built): Promise<void> {
  const fake = await FakeTelegramApi.start();
  const prefix = `image:${randomBytes(4).toString("hex")}:`;
  const env = productionEnv(built, fake.apiRoot, prefix);
  const service = asImageUser(built.cmd, built, env);
  const exited = exitOf(service);
  try {
    const port = await portOf(service);
    step(`CMD ${built.cmd.join(" ")} serves on port ${port} as uid ${NOBODY}`);
    const health = spawnSync(built.healthcheck[0] as string, built.healthcheck.slice(1), {
      env: { ...env, PORT: String(port) },
      uid: NOBODY,
      gid: NOBODY,
    });
    if (health.status !== 0) throw new Error(`HEALTHCHECK failed (exit ${health.status})`);
    step("HEALTHCHECK passes");
    const res = await fetch(`http://127.0.0.1:${port}/telegram/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
      body: JSON.stringify(textUpdate(4242, "/start")),
    });
    if (!res.ok) throw new Error(`the webhook answered ${res.status}`);
    await fake.waitFor((c) => c.method === "sendMessage", 15_000);
    step("an update to the webhook is answered through the (fake) Bot API");
    const asked = Date.now();
    service.kill("SIGTERM");
    const code = await Promise.race([exited, sleep(15_000).then(() => "timeout" as const)]);
    if (code !== 0) throw new Error(`after SIGTERM: ${code} (docker stop waits 15 s, then kills)`);
    step(`SIGTERM to PID 1's process: exit 0 after ${Date.now() - asked} ms`);
  } finally {
    service.kill("SIGKILL");
    await fake.close();
    const redis = new Redis(REDIS_URL);
    await dropKeys(redis, prefix).finally(() => redis.quit());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function checkNothingOfTheBuildLeft(built: Built): void {
  for (const gone of [
    "src",
    "node_modules/typescript",
    "node_modules/tsx",
    "node_modules/vitest",
  ]) {
    if (existsSync(join(built.workdir, gone))) throw new Error(`the image keeps ${gone}`);
  }
  step("no sources, TypeScript, tsx or test tools in the image");
}

if (process.getuid?.() !== 0) {
  console.error("image:rehearse: run as root (it drops to uid 65534 to run the service)");
  process.exit(2);
}
const { values } = parseArgs({ options: { tree: { type: "string" } } });
const built = build(readDockerfile(join(ROOT, "Dockerfile")), values.tree);
try {
  checkNothingOfTheBuildLeft(built);
  if (built.user !== "node") throw new Error(`USER is ${built.user}, expected node (non-root)`);
  await runLikeDocker(built);
  step(`passed (the tree is left in ${built.root} to look at)`);
} catch (err) {
  console.error(`image:rehearse: FAILED: ${(err as Error).message} (tree in ${built.root})`);
  process.exitCode = 1;
}
