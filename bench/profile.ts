/**
 * Where a bot's CPU time goes: reads a V8 `.cpuprofile` (node --cpu-prof) and adds up self
 * time by function and by area (a package in node_modules, a folder of src/, Node itself,
 * the garbage collector). Idle time is left out of the shares.
 *
 * `npx tsx bench/profile.ts <file.cpuprofile> [top]` prints both tables;
 * `npx tsx bench/profile.ts <file.cpuprofile> --callers <function> [depth]` shows the call
 * stacks that lead to a function's self time (e.g. writeUtf8String, createHmac).
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** ms of CPU seen (idle excluded). */
  busyMs: number;
  idleMs: number;
  areas: { area: string; share: number }[];
  functions: { fn: string; area: string; share: number }[];
}

/** `node_modules/ioredis/...` -> `ioredis`, `src/runtime/x.ts` -> `src/runtime`. */
export function areaOf(url: string, fn: string): string {
  if (!url) {
    if (fn === "(garbage collector)") return "GC";
    if (fn === "(program)") return "V8/native (program)";
    if (fn === "(idle)") return "idle";
    return fn.startsWith("(") ? fn : "native";
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/")[0]}`;
  const src = /\/(src|bench|test)\/([^/]+)\//.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  const file = /\/(src|bench)\/([^/]+)$/.exec(url);
  if (file) return `${file[1]}/${file[2]}`;
  return url
    .replace(/^file:\/\//, "")
    .split("/")
    .slice(-2)
    .join("/");
}

export function summarizeProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node from samples and their time deltas (µs).
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const dt = deltas[i + 1] ?? deltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const areas = new Map<string, number>();
  const fns = new Map<string, { area: string; us: number }>();
  let idle = 0;
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    if (area === "idle") {
      idle += us;
      continue;
    }
    busy += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    const name =
      `${functionName || "(anonymous)"} ${url ? `${url.split("/").slice(-1)[0]}:${lineNumber + 1}` : ""}`.trim();
    const entry = fns.get(name) ?? { area, us: 0 };
    entry.us += us;
    fns.set(name, entry);
  }
  return {
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, us]) => ({ area, share: us / busy })),
    functions: [...fns.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([fn, v]) => ({ fn, area: v.area, share: v.us / busy })),
  };
}

/** The stacks (`depth` frames up) through which `fn` spends its self time, in ms. */
export function callersOf(path: string, fn: string, depth = 8): { stack: string; ms: number }[] {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stacks = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number);
    if (node?.callFrame.functionName !== fn) continue;
    const frames: string[] = [];
    for (
      let up = parent.get(node.id);
      up !== undefined && frames.length < depth;
      up = parent.get(up)
    ) {
      const f = (byId.get(up) as ProfileNode).callFrame;
      frames.push(
        `${f.functionName || "(anonymous)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`,
      );
    }
    const key = frames.join("\n    < ");
    stacks.set(key, (stacks.get(key) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0) / 1000);
  }
  return [...stacks.entries()].map(([stack, ms]) => ({ stack, ms })).sort((a, b) => b.ms - a.ms);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [file, top, fn, depth] = process.argv.slice(2);
  if (file && top === "--callers" && fn) {
    for (const c of callersOf(file, fn, Number(depth ?? 8)).slice(0, 12))
      process.stdout.write(`${c.ms.toFixed(0).padStart(7)} ms  ${c.stack}\n\n`);
    process.exit(0);
  }
  if (!file) {
    process.stderr.write("usage: npx tsx bench/profile.ts <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  const s = summarizeProfile(file, Number(top ?? 30));
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  process.stdout.write(
    `busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms\n\nby area:\n`,
  );
  for (const a of s.areas) process.stdout.write(`  ${pct(a.share)}  ${a.area}\n`);
  process.stdout.write("\nby function (self time):\n");
  for (const f of s.functions) process.stdout.write(`  ${pct(f.share)}  ${f.fn}  [${f.area}]\n`);
}
