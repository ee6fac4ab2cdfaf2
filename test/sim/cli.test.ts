/**
 * The simulator and the demo, run as a person runs them: as processes, lines in.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
/**
 * Both start the demo service (web chat and console on the same runtime, decision 0041),
 * compiled on the fly by tsx: a cold start takes most of 20 s on a busy 2-core runner.
 */
const SPAWN_MS = 50_000;

function run(script: string, args: string[], input: string, env: Record<string, string> = {}) {
  const result = spawnSync(TSX, [join(ROOT, script), ...args], {
    input,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...env },
    timeout: SPAWN_MS,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("npm run chat", { timeout: SPAWN_MS + 5_000 }, () => {
  it("prints one JSON object per effect with --json, one message per input line", () => {
    const { code, out } = run("src/sim/cli.ts", ["--json", "--lang", "id"], "halo\n1\n1\n");
    expect(code).toBe(0);
    const effects = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(effects[0]).toMatchObject({
      type: "reply",
      text: expect.stringContaining("Halo 👋 Ini Pulang"),
    });
    expect(effects.find((e) => e.type === "escalate")).toMatchObject({
      type: "escalate",
      priority: "P1",
      reasons: ["immediate_danger"],
    });
    const menu = effects.find((e) => e.stepRef === "welcome.menu");
    expect(menu.buttons.map((b: { id: string }) => b.id)).toEqual([
      "help",
      "family",
      "gotout",
      "other",
    ]);
  });

  it("taps a button by its number and shares a location with /loc", () => {
    const { out } = run("src/sim/cli.ts", ["--lang", "en"], "hi\n1\n2\n/loc 16.648 98.521\n");
    expect(out).toContain("[1] 🆘 I need help now");
    expect(out).toContain("Where are you now?");
    expect(out).toContain("Can you keep using this phone?");
  });

  it("confirms a place it read in a sentence when the person types the button's number", () => {
    const { out } = run(
      "src/sim/cli.ts",
      ["--lang", "id"],
      "sy udah kabur dr kantor, skrg di hotel di poipet. paspor masih ditahan\n1\n",
    );
    expect(out).toContain("Poipet, Kamboja, betul?");
    expect(out).toContain("KBRI Phnom Penh");
    expect(out).not.toContain("Kami belum menemukan tempat itu");
  });

  it("refuses an unknown language", () => {
    const { code, err } = run("src/sim/cli.ts", ["--lang", "fr"], "");
    expect(code).toBe(2);
    expect(err).toContain("--lang must be one of: id, en");
  });
});

describe("npm start without a channel token", { timeout: SPAWN_MS + 5_000 }, () => {
  it("runs the local demo on in-memory stores", () => {
    const { code, out, err } = run("src/main.ts", [], "halo\n2\n");
    expect(code).toBe(0);
    expect(err).toContain("local demo");
    expect(out).toContain("Pilih bahasa");
    expect(out).toContain("English");
  });

  it("refuses to start, and says where, when a flow file is broken", () => {
    const flows = mkdtempSync(join(tmpdir(), "pulang-broken-"));
    try {
      cpSync(join(ROOT, "flows"), flows, { recursive: true });
      writeFileSync(
        join(flows, "erase.yaml"),
        "id: erase\nstart: confirm\nsteps:\n  confirm: { kind: choice, text: erase:nope, options: [] }\n",
      );
      const { code, err } = run("src/main.ts", [], "", { FLOWS_DIR: flows });
      expect(code).toBe(1);
      expect(err).toContain("Pulang cannot start.");
      expect(err).toMatch(/erase\.yaml › steps\.confirm\.options/);
    } finally {
      rmSync(flows, { recursive: true, force: true });
    }
  });

  it("refuses to start on a bad setting, naming the variable", () => {
    const { code, err } = run("src/main.ts", [], "", { PORT: "eighty" });
    expect(code).toBe(1);
    expect(err).toMatch(/PORT: /);
  });
});
