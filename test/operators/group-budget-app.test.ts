/**
 * The operators' group has a budget of messages (Telegram: 20 a minute), and cases need
 * it (issue 13, point 8): unclaimed cases are re-announced in one summed-up line per
 * priority rather than one message per case, and strangers are never answered there.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupTextUpdate } from "../fakes/telegram-api.js";
import { type GroupService, startGroupService } from "./group-service.js";

const GROUP = -1_009_876_500_008;
const OPERATOR = 4848;
const STRANGER = 9_999_001;
let g: GroupService;

beforeAll(async () => {
  g = await startGroupService(GROUP, OPERATOR);
});

afterAll(async () => {
  await g.stop();
});

/** What the bot posted in the group's General topic. */
const general = () =>
  g.fake
    .sentTo(GROUP)
    .filter((m) => m.message_thread_id === undefined)
    .map((m) => m.text ?? "");

describe("unclaimed cases waiting too long", () => {
  it("are announced in one line per priority, with how many and the oldest wait", async () => {
    for (let chat = 7_950_001; chat <= 7_950_005; chat++) await g.say(chat, "SOS tolong saya");
    await g.fake.waitFor(() => g.fake.callsTo("createForumTopic").length >= 5, 8000);
    const before = general().length;

    await g.clock.advance(g.svc, 3);
    const announced = general().slice(before);
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatch(/^⚠️ 5 P1 cases waiting, oldest 3 min/);

    // Two minutes on, still nobody: one louder line again, not five.
    await g.clock.advance(g.svc, 2);
    const again = general().slice(before + 1);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatch(/^⚠️⚠️ Still nobody: 5 P1 cases waiting, oldest 5 min/);
  });
});

describe("someone not on the operators' lists writing in the group", () => {
  it("is refused in the log only: nothing is posted in the group", async () => {
    const before = g.fake.sentTo(GROUP).length;
    await g.post(groupTextUpdate(GROUP, STRANGER, "/queue"));
    await g.post(groupTextUpdate(GROUP, STRANGER, "halo semua"));
    expect(g.fake.sentTo(GROUP).length).toBe(before);
    expect(g.svc.logs.join("")).toContain("not on the operators' allow-lists; refused");
  });
});
