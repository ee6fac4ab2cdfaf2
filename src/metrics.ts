/**
 * Prometheus metrics: counts and timings only, never content. One registry per app, so
 * tests and several apps in one process do not collide.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export interface Metrics {
  registry: Registry;
  /** Updates handled, by channel, kind (message, callback_query...) and outcome. */
  updates: Counter<"channel" | "kind" | "outcome">;
  /** Time from receiving an update to having saved it. */
  handling: Histogram<"channel">;
  /** Failures, by where they happened. */
  errors: Counter<"stage">;
  /** Outbound messages, by channel and outcome. */
  outbound: Counter<"channel" | "outcome">;
  /** Messages waiting for their turn under the platform's rate limits. */
  pacing: Gauge<"channel">;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pulang_" });
  return {
    registry,
    updates: new Counter({
      name: "pulang_updates_total",
      help: "Updates handled, by channel, kind and outcome",
      labelNames: ["channel", "kind", "outcome"],
      registers: [registry],
    }),
    handling: new Histogram({
      name: "pulang_update_handling_seconds",
      help: "Time from receiving an update to having saved it",
      labelNames: ["channel"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    errors: new Counter({
      name: "pulang_errors_total",
      help: "Failures, by stage",
      labelNames: ["stage"],
      registers: [registry],
    }),
    outbound: new Counter({
      name: "pulang_outbound_messages_total",
      help: "Messages to people, by channel and outcome",
      labelNames: ["channel", "outcome"],
      registers: [registry],
    }),
    pacing: new Gauge({
      name: "pulang_outbound_waiting",
      help: "Messages waiting for their turn under the platform's rate limits",
      labelNames: ["channel"],
      registers: [registry],
    }),
  };
}
