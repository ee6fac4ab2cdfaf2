/**
 * Understanding benchmark: how long reading one message takes on one core, by message
 * length (up to 4,096 characters, the longest a Telegram or WhatsApp message can be), and
 * how long training takes at start-up. Messages are the evaluation set's, and long ones
 * made of them. Budgets: p99 under 1 ms per message; training under 2 s.
 */
import { join } from "node:path";
import { createConfig } from "../src/config.js";
import { readEvalSet } from "../src/evaluation/understanding.js";
import { loadBundle } from "../src/flows/bundle.js";
import { Understanding } from "../src/understanding/index.js";

export interface UnderstandingResult {
  /** CPU time of building understanding (training included): the clock of a shared machine says more about the other work on it. */
  trainingMs: number;
  /**
   * Per length class: the longest message's characters, and read times in ms, by the clock
   * (wall) and by the process's CPU time (`cpu*`, which a busy machine does not inflate).
   */
  reads: {
    label: string;
    chars: number;
    p50: number;
    p99: number;
    max: number;
    cpuP50: number;
    cpuP99: number;
    n: number;
  }[];
}

const EVAL_DIR = join(import.meta.dirname, "../test/understanding/eval-set");

/** Run about `rounds` reads per length class and report. */
export function benchUnderstanding(
  rounds: number,
  onProgress?: (fraction: number) => void,
): UnderstandingResult {
  const bundle = loadBundle(createConfig({}).paths, ["id", "en"]);
  const t0 = process.cpuUsage();
  const understanding = new Understanding(bundle.understanding.setup);
  const built = process.cpuUsage(t0);
  const trainingMs = (built.user + built.system) / 1000;
  const texts = readEvalSet(EVAL_DIR, ["id", "en"]).map((i) => i.text);
  const joined = texts.join(" ");
  const classes = [
    { label: "evaluation set messages", messages: texts },
    // 200 different long messages: a handful would let every word's memory stay warm.
    { label: "1,000 characters", messages: slices(joined, 1000, 200) },
    { label: "4,096 characters", messages: slices(joined, 4096, 200) },
  ];
  const reads: UnderstandingResult["reads"] = [];
  for (const [c, { label, messages }] of classes.entries()) {
    for (const m of messages.slice(0, 200)) readFully(understanding, m); // warm up the JIT
    const times: number[] = [];
    const cpu: number[] = [];
    // Each read far from the last in the text: neighbouring slices share most of their words,
    // and reading them in turn would find those words still in the CPU's caches.
    const stride = farStride(messages.length);
    for (let i = 0; i < rounds; i++) {
      const m = messages[(i * stride) % messages.length] as string;
      const cpuStart = process.cpuUsage();
      const start = process.hrtime.bigint();
      readFully(understanding, m);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      const used = process.cpuUsage(cpuStart);
      cpu.push((used.user + used.system) / 1000);
      if (i % 500 === 0) onProgress?.((c + i / rounds) / classes.length);
    }
    reads.push({
      label,
      chars: Math.max(...messages.map((m) => m.length)),
      p50: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      max: Math.max(...times),
      cpuP50: quantile(cpu, 0.5),
      cpuP99: quantile(cpu, 0.99),
      n: times.length,
    });
  }
  onProgress?.(1);
  return { trainingMs, reads };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

/**
 * Everything a reading can tell, including what is worked out only when asked (intent,
 * place, language, number): the most a message can cost.
 */
function readFully(understanding: Understanding, text: string): void {
  const r = understanding.read(text);
  void [r.intent, r.place, r.lang, r.number];
}

/** A step through `n` items that visits each once per round, about 0.38 of `n` at a time. */
function farStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let stride = Math.max(1, Math.round(n * 0.38));
  while (gcd(stride, n) !== 1) stride += 1;
  return stride;
}

/** `count` pieces of `length` characters, from different places in the text. */
function slices(text: string, length: number, count: number): string[] {
  const out: string[] = [];
  const step = Math.max(1, Math.floor((text.length - length) / count));
  for (let i = 0; i < count; i++) out.push(text.slice(i * step, i * step + length));
  return out;
}
