/**
 * What people write, through the real service and the channels' fakes: Telegram (webhook,
 * real Redis) and WhatsApp (signed notifications). A sentence in slang opens the right case
 * at the right priority, a family's first message opens their report, a free-text answer
 * is taken, and nothing they wrote reaches the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegramApi, textUpdate } from "../fakes/telegram-api.js";
import { FakeGraphApi, type SentMessage } from "../fakes/whatsapp/graph-api.js";
import { type Helpline, startHelpline } from "../fakes/whatsapp/helpline.js";
import { textMessage } from "../fakes/whatsapp/webhooks.js";
import { dropPrefix, type Service, startService } from "../helpers/service.js";

describe("on Telegram", () => {
  let fake: FakeTelegramApi;
  let svc: Service;
  let nextChat = 7_400_001;

  beforeAll(async () => {
    fake = await FakeTelegramApi.start();
    svc = await startService({ fake });
  });
  afterAll(async () => {
    await svc.stop();
    await fake.close();
    await dropPrefix(svc.prefix);
  });

  /** Send `text` from `chat` (no language hint: the words must say it) and wait for replies. */
  async function say(chat: number, text: string): Promise<string> {
    const before = fake.sentTo(chat).length;
    expect((await svc.post(textUpdate(chat, text))).status).toBe(200);
    await fake.waitFor(() => fake.sentTo(chat).length > before, 5000);
    await svc.app.runtime.drain();
    return fake
      .sentTo(chat)
      .slice(before)
      .map((m) => m.text ?? "")
      .join("\n");
  }

  it("a first message that says a beating opens a P1 case at once, then asks where", async () => {
    const chat = nextChat++;
    const text = await say(chat, "tolong sy di pukul bos, gak bisa keluar");
    expect(text).toContain("Kamu ada di mana sekarang?");
    const [open] = await svc.app.cases
      .open(50)
      .then((all) => all.filter((c) => c.summary.lang === "id" && c.reasons.includes("beaten")));
    expect(open).toMatchObject({ priority: "P1" });
    expect(open?.reasons).toEqual(expect.arrayContaining(["beaten", "locked_in"]));
    // The person's words never reach the logs.
    expect(svc.logs.join("")).not.toContain("pukul bos");
  });

  it("a family's first message opens the report, with the relation already known", async () => {
    const chat = nextChat++;
    const text = await say(chat, "anak saya hilang kontak sudah 2 bulan di kamboja");
    expect(text).toContain("Siapa nama lengkapnya?");
    expect(text).not.toContain("Apa hubungan Anda dengan dia?");
  });

  it("'saya butuh bantuan' is what it says, never a case code", async () => {
    const chat = nextChat++;
    const text = await say(chat, "saya butuh bantuan");
    expect(text).toContain("Bagaimana keadaanmu sekarang?");
    expect(text).not.toMatch(/Untuk memastikan/);
  });
});

describe("on WhatsApp", () => {
  let graph: FakeGraphApi;
  let line: Helpline;
  let nextNumber = 6281300000001;

  beforeAll(async () => {
    graph = await FakeGraphApi.start();
    line = await startHelpline(graph);
  });
  afterAll(async () => {
    await line.stop();
    await graph.close();
  });

  async function say(wa: string, text: string): Promise<string> {
    const before = graph.sent(wa).length;
    expect((await line.post(textMessage(wa, text))).status).toBe(200);
    await line.runtime.drain(10_000);
    return graph
      .sent(wa)
      .slice(before)
      .map((m: SentMessage) => FakeGraphApi.textOf(m))
      .join("\n");
  }

  it("someone who got out keeps Poipet and the held passport: confirmed, not asked again", async () => {
    const wa = String(nextNumber++);
    const first = await say(
      wa,
      "sy udah kabur dr kantor, skrg di hotel di poipet. paspor masih ditahan",
    );
    expect(first).toContain("Poipet, Kamboja, betul?");
    const next = await say(wa, "iya betul");
    expect(next).toContain("butuh tempat tinggal");
    expect(next).not.toContain("Dokumen apa");
  });

  it("an injury told in a sentence answers the question and raises P1", async () => {
    const wa = String(nextNumber++);
    await say(wa, "saya butuh bantuan");
    await say(wa, "tidak aman");
    await say(wa, "gak tau");
    // Nor the country: the national channels, and the questions go on.
    await say(wa, "gak tau");
    await say(wa, "kapan saja");
    await say(wa, "sendiri");
    const asked = await say(wa, "sy luka kepala sama tangan");
    expect(asked).toContain("Di mana paspormu sekarang?");
    const key = `wa:+${wa}`;
    const p1 = line.cases.filter(
      (c) => c.key === key && c.effect.type === "escalate" && c.effect.priority === "P1",
    );
    expect(p1.length).toBeGreaterThan(0);
    expect(line.logs.join("")).not.toContain("luka kepala");
  });

  it("a mother's 'Ya, dalam bahaya' files her report at P1 and keeps her in it", async () => {
    const wa = String(nextNumber++);
    await say(wa, "saya mau lapor anak saya hilang");
    await say(wa, "Budi");
    await say(wa, "lewati");
    await say(wa, "lewati");
    await say(wa, "lewati");
    await say(wa, "Poipet");
    await say(wa, "lewati");
    await say(wa, "lewat agen");
    const noted = await say(wa, "Ya, dalam bahaya");
    expect(noted).toContain("Bagaimana kami bisa menghubungi Anda?");
    expect(noted).not.toContain("Jaga dirimu");
    await say(wa, "+62 812 3456 7890");
    const key = `wa:+${wa}`;
    const report = line.cases.find((c) => c.key === key && c.effect.type === "report");
    expect(report?.effect).toMatchObject({ priority: "P1" });
  });
});
