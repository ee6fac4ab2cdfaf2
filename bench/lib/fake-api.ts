/**
 * A lean recording fake of the Telegram Bot API for throughput runs. The faithful fake in
 * test/fakes parses HTML, keeps every chat's messages and checks limits; at thousands of
 * calls a second that work would compete for the same two cores as the bots under test.
 * This one answers the methods the bots call with the shapes Telegram answers (a sent
 * message comes back with its text, chat, sender and inline keyboard, as Telegram returns
 * it, which matters for bots that store API results), and records every call: method,
 * chat, callback query id and the time it arrived (performance.now(), the driver's clock).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BENCH_BOT } from "./people.js";

/** One outbound call the bot made. */
export interface Call {
  method: string;
  chatId?: number;
  callbackId?: string;
  /** performance.now() when the fake received the whole request. */
  at: number;
}

export const BENCH_TOKEN = `${BENCH_BOT.id}:AAF4k3-t0k3n_f0r-Pulang-t3sts-0nly00`;

const GET_ME = {
  ...BENCH_BOT,
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

export class LeanTelegramApi {
  #server: Server | undefined;
  #apiRoot = "";
  readonly #messageIds = new Map<number, number>();
  /** Told of every call as it arrives (the driver correlates calls with updates). */
  onCall: (call: Call) => void = () => undefined;
  /** Count of calls per method. */
  readonly counts = new Map<string, number>();
  calls = 0;

  static async start(): Promise<LeanTelegramApi> {
    const fake = new LeanTelegramApi();
    const server = createServer((req, res) => fake.#handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    fake.#server = server;
    fake.#apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  get apiRoot(): string {
    return this.#apiRoot;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = performance.now();
      const method = /\/([A-Za-z]+)\/?$/.exec(req.url ?? "")?.[1] ?? "";
      let params: Record<string, unknown> = {};
      try {
        const body = Buffer.concat(chunks).toString("utf8");
        if (body) params = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return reply(res, 400, { ok: false, error_code: 400, description: "Bad Request" });
      }
      const chatId = typeof params.chat_id === "number" ? params.chat_id : Number(params.chat_id);
      const call: Call = {
        method,
        at,
        ...(Number.isFinite(chatId) ? { chatId } : {}),
        ...(typeof params.callback_query_id === "string"
          ? { callbackId: params.callback_query_id }
          : {}),
      };
      this.calls += 1;
      this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
      this.onCall(call);
      reply(res, 200, { ok: true, result: this.#result(method, params, chatId) });
    });
  }

  #result(method: string, params: Record<string, unknown>, chatId: number): unknown {
    switch (method) {
      case "getMe":
        return GET_ME;
      case "sendMessage": {
        const id = (this.#messageIds.get(chatId) ?? 1000) + 1;
        this.#messageIds.set(chatId, id);
        const markup = params.reply_markup as { inline_keyboard?: unknown } | undefined;
        return {
          message_id: id,
          from: BENCH_BOT,
          chat: { id: chatId, first_name: "Budi", type: "private" },
          date: Math.floor(Date.now() / 1000),
          text: plain(String(params.text ?? "")),
          ...(markup?.inline_keyboard ? { reply_markup: markup } : {}),
        };
      }
      default:
        return true;
    }
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Text as Telegram returns it after parsing HTML (tags gone, entities left out). */
function plain(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
