/**
 * The composition root: everything is built here, from configuration, and nowhere else.
 */
import type { Config } from "./config.js";
import type { Bundle } from "./engine/types.js";
import { loadBundle } from "./flows/bundle.js";
import type { Logger } from "./log.js";
import { newCaseRef } from "./runtime/ids.js";
import { MemoryConversationStore } from "./runtime/memory-store.js";
import type { EffectSink } from "./runtime/ports.js";
import { Runtime } from "./runtime/runtime.js";

/** Flows, texts and directory, checked; throws with every problem listed. */
export function loadContent(config: Config): Bundle {
  return loadBundle(config.paths, config.languages);
}

/** A runtime on in-memory stores: the local demo and the simulator. */
export function createDemoRuntime(bundle: Bundle, log: Logger, sink?: EffectSink): Runtime {
  return new Runtime({
    bundle,
    store: new MemoryConversationStore(),
    sink: sink ?? { run: async () => {} },
    log,
    ids: newCaseRef,
  });
}
