/**
 * The bots under test, each in a process of its own, as in production: Pulang
 * (`src/main.ts`, what `npm start` runs compiled), the grammY conversations baseline and the
 * floor. Started as `node --import tsx <entry>` (not the tsx CLI, whose grandchild a kill
 * could not reach). CPU time and memory are read from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

export const ROOT = join(import.meta.dirname, "../..");

export type BotKind = "pulang" | "baseline" | "floor";

/**
 * Pulang runs with production's settings (Redis, DATA_KEY, PSEUDONYM_KEY) but not
 * NODE_ENV=production, which also requires an operators' group (decision 0011): cases go to
 * the log, as in every run so far, so the figures stay comparable.
 */
export const BENCH_NODE_ENV = "development";

export const ENTRIES: Record<BotKind, string> = {
  pulang: "src/main.ts",
  baseline: "bench/bots/baseline.ts",
  floor: "bench/bots/floor.ts",
};

export interface BotProcessOptions {
  kind: BotKind;
  env: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** Every line the process writes to stdout (its JSON log). */
  onLine?: (line: string) => void;
}

/** A running bot process. */
export class BotProcess {
  readonly stderr: string[] = [];
  #exited: Promise<number | null>;

  private constructor(
    readonly kind: BotKind,
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.#exited =
      child.exitCode !== null
        ? Promise.resolve(child.exitCode)
        : new Promise((r) => child.once("exit", (code) => r(code)));
  }

  static start(o: BotProcessOptions): Promise<BotProcess> {
    const child = spawn(
      process.execPath,
      [...(o.nodeArgs ?? []), "--import", "tsx", join(ROOT, ENTRIES[o.kind])],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", ...o.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const stderr: string[] = [];
    child.stderr?.on("data", (c: Buffer) => {
      stderr.push(String(c));
      if (stderr.length > 200) stderr.shift();
    });
    return new Promise((resolve, reject) => {
      let bot: BotProcess | undefined;
      // It says it is running (an info line with its port) within seconds, or it never will.
      const timer = setTimeout(() => {
        if (bot) return;
        child.kill("SIGKILL");
        reject(new Error(`${o.kind} did not say it was running within 60 s:\n${stderr.join("")}`));
      }, 60_000);
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      lines.on("line", (line) => {
        o.onLine?.(line);
        if (bot || !line.includes("running")) return;
        try {
          const entry = JSON.parse(line) as { msg?: string; port?: number };
          if (entry.port && /running/.test(entry.msg ?? "")) {
            clearTimeout(timer);
            bot = new BotProcess(o.kind, child, entry.port);
            bot.stderr.push(...stderr);
            child.stderr?.on("data", (c: Buffer) => bot?.stderr.push(String(c)));
            resolve(bot);
          }
        } catch {
          // not JSON: ignore
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        if (!bot)
          reject(new Error(`${o.kind} exited before it was ready (${code}):\n${stderr.join("")}`));
      });
    });
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** CPU seconds used so far (user + system), from /proc; 0 where there is none. */
  cpuSeconds(): number {
    return cpuSecondsOf(this.pid);
  }

  /** Resident memory now and at its peak, in bytes. */
  memory(): { rss: number; peak: number } {
    return memoryOf(this.pid);
  }

  /** SIGTERM, and wait (SIGKILL after `graceMs`). Resolves with the exit code. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.alive) return this.#exited;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    const code = await this.#exited;
    clearTimeout(timer);
    return code;
  }

  /** kill -9. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill("SIGKILL");
    await this.#exited;
  }

  exited(): Promise<number | null> {
    return this.#exited;
  }
}

const TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export function memoryOf(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
    return { rss: kb("VmRSS") * 1024, peak: kb("VmHWM") * 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}
