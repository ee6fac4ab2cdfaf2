/**
 * The HTTP surface's own limits: `/metrics` behind its token, and slow callers dropped
 * (headers, or a body that trickles in) on every route, so they cannot hold connections.
 */
import { connect } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { createServer, DEFAULT_TIMEOUTS, type ServerDeps } from "../../src/http/server.js";
import { createLogger } from "../../src/log.js";
import { createMetrics } from "../../src/metrics.js";

const TOKEN = "metrics-token-0123456789";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function serve(o: Partial<ServerDeps> = {}): Promise<{ base: string; port: number }> {
  app = createServer({
    log: createLogger("silent"),
    metrics: createMetrics(),
    ready: async () => [],
    routes: [(a) => a.post("/echo", async (req) => req.body)],
    ...o,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { base: `http://127.0.0.1:${port}`, port };
}

/** Write `head` on a raw socket and keep it open; resolves with what came back by close. */
function slowCaller(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    let got = "";
    socket.on("data", (chunk) => {
      got += String(chunk);
    });
    socket.on("close", () => resolve(got));
    socket.on("error", reject);
  });
}

describe("/metrics", () => {
  it("asks for the bearer token when one is set", async () => {
    const { base } = await serve({ metricsToken: TOKEN });
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, {
      headers: { authorization: "Bearer metrics-token-0000000000" },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain("pulang_errors_total");
    // Health and readiness stay open: load balancers and container runtimes ask them.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});

describe("slow callers", () => {
  // Short limits, so a test sees them at work; the service's own are 10 s and 20 s.
  const timeouts = { headersMs: 500, requestMs: 1000 };

  it("drops a request whose body trickles in past the request timeout", async () => {
    const { port } = await serve({ timeouts });
    const answer = await slowCaller(
      port,
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 10_000);

  it("drops a caller that never finishes its headers", async () => {
    const { port } = await serve({ timeouts });
    const answer = await slowCaller(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 10_000);

  it("still serves a caller that sends at once", async () => {
    const { base } = await serve({ timeouts: DEFAULT_TIMEOUTS });
    const res = await fetch(`${base}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ a: 1 }),
    });
    expect(await res.json()).toEqual({ a: 1 });
  });
});
