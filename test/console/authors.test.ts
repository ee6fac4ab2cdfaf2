/**
 * The console's transcript says which operator wrote each reply, wherever they wrote it:
 * a console account by its username, a Telegram operator linked to an account by that
 * account's username, and a Telegram operator without one by a pseudonymous label
 * ("Operator 1"), never by their Telegram name or number.
 */
import type { Message } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackUpdate, groupTextUpdate } from "../fakes/telegram-api.js";
import { type ConsoleService, startConsole } from "./harness.js";

const GROUP = -1_009_876_543_414;
/** In the group only (no account), and in the group linked to the account `wati`. */
const UNLINKED = 5_550_101;
const LINKED = 5_550_102;

let svc: ConsoleService;
beforeAll(async () => {
  svc = await startConsole({
    OPERATOR_CHAT_ID: String(GROUP),
    OPERATOR_IDS: String(UNLINKED),
    SUPERVISOR_IDS: String(LINKED),
    CONSOLE_TOTP_REQUIRED_FOR: "none",
  });
  await svc.account("wati", "supervisor", { telegramId: String(LINKED) });
  await svc.account("sari", "supervisor");
});
afterAll(async () => svc.close());

/** The transcript's operator messages on the case page, as "author: words". */
function operatorLines(page: string): string[] {
  return [
    ...page.matchAll(
      /<li class="msg operator"><span class="from">([^<]*)<\/span>.*?<p>([^<]*)<\/p>/gs,
    ),
  ].map((m) => `${m[1]}: ${m[2]}`);
}

describe("who wrote each reply", () => {
  it("names accounts by username and a Telegram operator without one by a label, never a number", async () => {
    const chat = 7_742_001;
    const id = await svc.personInDanger(chat);
    await svc.fake.waitFor(() => svc.fake.sentTo(GROUP).some((m) => m.text?.includes(id)), 8000);
    const thread = (await svc.app.cases.get(id))?.topic as number;
    const card = svc.fake.sentTo(GROUP).find((m) => m.message_thread_id === thread) as Message;
    await svc.handle(callbackUpdate(GROUP, `o|claim|${id}`, card, { userId: UNLINKED }));
    const inGroup = async (user: number, text: string) => {
      await svc.handle(groupTextUpdate(GROUP, user, text, thread));
      await svc.fake.waitFor(() => svc.fake.lastTextTo(chat) === text, 8000);
    };
    await inGroup(UNLINKED, "Halo, kami di sini.");
    await inGroup(LINKED, "Kamu aman sekarang?");

    const b = svc.browser();
    await b.signIn("sari");
    await b.get(`/console/cases/${id}`);
    await b.post(`/console/cases/${id}/reply`, {
      text: "Kirim lokasi kalau bisa.",
      nonce: "nonce-a001",
    });
    const page = (await b.get(`/console/cases/${id}`)).body;
    expect(operatorLines(page)).toEqual([
      "Operator 1: Halo, kami di sini.",
      "wati: Kamu aman sekarang?",
      "sari: Kirim lokasi kalau bisa.",
    ]);
    for (const number of [UNLINKED, LINKED]) expect(page).not.toContain(String(number));
  });
});
