/**
 * `npm run telegram:setup` against the fake Bot API, as an operator would run it.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_TOKEN, FakeTelegramApi } from "../fakes/telegram-api.js";

const ROOT = join(import.meta.dirname, "../..");
let fake: FakeTelegramApi;

beforeAll(async () => {
  fake = await FakeTelegramApi.start();
});
afterAll(() => fake.close());

/** Run the script as a separate process (the fake answers from this one, so not sync). */
function setup(
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      join(ROOT, "node_modules/.bin/tsx"),
      [join(ROOT, "src/scripts/telegram-setup.ts")],
      {
        env: {
          PATH: process.env.PATH ?? "",
          TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
          TELEGRAM_API_ROOT: fake.apiRoot,
          ...env,
        },
        timeout: 30_000,
      },
      (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("npm run telegram:setup", () => {
  it("sets the webhook with its secret and allowed updates, and the commands in both languages", async () => {
    const run = await setup({
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: "a-good-secret-1234567890",
      TELEGRAM_WEBHOOK_URL: "https://pulang.example.org/telegram/webhook",
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("webhook set to https://pulang.example.org/telegram/webhook");
    const hook = fake.callsTo("setWebhook").at(-1)?.params;
    expect(hook).toMatchObject({
      url: "https://pulang.example.org/telegram/webhook",
      secret_token: "a-good-secret-1234567890",
      allowed_updates: ["message", "edited_message", "callback_query", "my_chat_member"],
    });
    const commands = fake.callsTo("setMyCommands");
    const id = commands.find((c) => c.params.language_code === "id")?.params.commands as {
      command: string;
      description: string;
    }[];
    const en = commands.find((c) => c.params.language_code === "en")?.params.commands as {
      command: string;
      description: string;
    }[];
    expect(id.map((c) => c.command)).toEqual(["start", "help", "language", "human", "erase"]);
    expect(id.find((c) => c.command === "human")?.description).toBe("Bicara dengan petugas");
    expect(en.find((c) => c.command === "erase")?.description).toBe("Erase my data");
    expect(fake.callsTo("setMyDescription").length).toBeGreaterThanOrEqual(2);
  });

  it("refuses webhook mode without the public URL, saying which variable", async () => {
    const run = await setup({
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: "a-good-secret-1234567890",
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("TELEGRAM_WEBHOOK_URL is not set");
  });

  it("removes the webhook in polling mode", async () => {
    const run = await setup({});
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("webhook removed (polling mode)");
  });
});
