/**
 * Server-sent events on a Fastify reply: the stream a page listens to. Written here in a
 * few lines rather than with a plugin: @fastify/sse needs Node 20.20.2 or newer, and the
 * helpline runs on 20.19. Each event is HTML for htmx's SSE extension to swap in.
 */
import type { FastifyReply, FastifyRequest } from "fastify";

/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 25_000;

export interface EventStream {
  /** Send one event; its data may span lines. */
  send(data: string, event?: string): void;
}

/**
 * Take over the reply and stream events until the browser goes away, then call `closed`.
 * Headers already set on the reply (security headers) are kept.
 */
export function openEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  closed: () => void,
): EventStream {
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) res.setHeader(name, value as string | string[]);
  }
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    // nginx and similar would otherwise hold events back.
    "x-accel-buffering": "no",
  });
  res.write(": open\n\n");
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  req.raw.once("close", () => {
    clearInterval(heartbeat);
    closed();
  });
  return {
    send(data, event) {
      if (res.writableEnded) return;
      const lines = data.split(/\r?\n/).map((line) => `data: ${line}`);
      res.write(`${event ? `event: ${event}\n` : ""}${lines.join("\n")}\n\n`);
    },
  };
}
