/**
 * Engine benchmark: how many steps per second one core runs, text rendering included,
 * replaying the golden transcripts; and how big the session is after each flow.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { createConfig } from "../src/config.js";
import type { Session } from "../src/engine/session.js";
import { step } from "../src/engine/step.js";
import type { Bundle, Effect, Inbound } from "../src/engine/types.js";
import { loadBundle } from "../src/flows/bundle.js";

interface ScriptTurn {
  say?: string;
  tap?: string;
  pin?: [number, number];
  contact?: string;
  start?: string | null;
  media?: string;
}

export interface EngineResult {
  stepsPerSecond: number;
  steps: number;
  seconds: number;
  /** Largest session JSON seen in each transcript, in bytes. */
  sessionBytes: Record<string, { max: number; final: number }>;
}

const TRANSCRIPTS = join(import.meta.dirname, "../test/transcripts");

function loadScripts(): { name: string; lang?: string; turns: ScriptTurn[] }[] {
  return readdirSync(TRANSCRIPTS)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => ({
      ...parse(readFileSync(join(TRANSCRIPTS, f), "utf8")),
      name: f.replace(/\.yaml$/, ""),
    }));
}

/** Replay one script; returns the steps taken and (when `measure`) the session sizes. */
function replay(
  bundle: Bundle,
  script: { lang?: string; turns: ScriptTurn[] },
  t0: number,
  measure = false,
) {
  let session: Session | undefined;
  let last: Effect[] = [];
  let max = 0;
  let n = 0;
  for (const [i, turn] of script.turns.entries()) {
    const inbound = toInbound(turn, last);
    const r = step(bundle, session, script.lang ? { ...inbound, langHint: script.lang } : inbound, {
      now: t0 + i * 1000,
      ids: () => `B${++n}`,
    });
    session = r.session;
    if (r.effects.some((e) => e.type === "reply" && e.stepRef)) last = r.effects;
    if (measure) max = Math.max(max, Buffer.byteLength(JSON.stringify(session)));
  }
  const final = measure ? Buffer.byteLength(JSON.stringify(session)) : 0;
  return { steps: script.turns.length, max, final };
}

function toInbound(turn: ScriptTurn, last: Effect[]): Inbound {
  if (turn.say !== undefined) return { kind: "text", text: turn.say };
  if (turn.pin) return { kind: "location", lat: turn.pin[0], lon: turn.pin[1] };
  if (turn.contact) return { kind: "contact", phone: turn.contact };
  if (turn.media) return { kind: "media", media: turn.media };
  if (turn.tap !== undefined) {
    const q = [...last].reverse().find((e) => e.type === "reply" && e.stepRef);
    return {
      kind: "choice",
      stepRef: q?.type === "reply" ? (q.stepRef ?? "") : "",
      option: turn.tap,
    };
  }
  return turn.start ? { kind: "start", payload: turn.start } : { kind: "start" };
}

/** Run for about `seconds` and report. */
export function benchEngine(
  seconds: number,
  onProgress?: (fraction: number) => void,
): EngineResult {
  const bundle = loadBundle(createConfig({}).paths, ["id", "en"]);
  const scripts = loadScripts();
  const sessionBytes: EngineResult["sessionBytes"] = {};
  for (const s of scripts) {
    const { max, final } = replay(bundle, s, 0, true);
    sessionBytes[s.name] = { max, final };
  }
  for (let i = 0; i < 200; i++) for (const s of scripts) replay(bundle, s, i); // warm up the JIT
  let steps = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(Math.round(seconds * 1e9));
  let elapsed = 0n;
  while (elapsed < budget) {
    for (const s of scripts) steps += replay(bundle, s, steps).steps;
    elapsed = process.hrtime.bigint() - start;
    onProgress?.(Math.min(1, Number(elapsed) / Number(budget)));
  }
  const secs = Number(elapsed) / 1e9;
  return { stepsPerSecond: Math.round(steps / secs), steps, seconds: secs, sessionBytes };
}
