/**
 * A browser tab of the web chat over real HTTP: its conversation id from the page, its
 * event stream read as it comes, and its posts (to the page's instance, or another one).
 */
import { expect } from "vitest";
import { CHAT_HEADER } from "../../src/channels/web/routes.js";

/** A browser tab: its conversation id from the page, and its event stream read as it comes. */
export async function openTab(base: string) {
  const page = await (await fetch(`${base}/`)).text();
  const chat = /data-chat="([^"]+)"/.exec(page)?.[1] as string;
  const stream = new AbortController();
  const res = await fetch(`${base}/chat/events?c=${chat}`, { signal: stream.signal });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  let seen = "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      seen += decoder.decode(value);
    }
  })();
  let n = 0;
  return {
    chat,
    seen: () => seen,
    /** Post as the page does; `to`: another instance's address (the same tab there). */
    async send(form: Record<string, string>, to = base): Promise<number> {
      n += 1;
      const res = await fetch(`${to}/chat/send`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", [CHAT_HEADER]: chat },
        body: new URLSearchParams({ mid: `ptest${String(n).padStart(6, "0")}`, ...form }),
      });
      return res.status;
    },
    async until(what: string | RegExp, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      const found = () => (typeof what === "string" ? seen.includes(what) : what.test(seen));
      while (!found()) {
        if (Date.now() > deadline) throw new Error(`the page never showed ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => stream.abort(),
  };
}
