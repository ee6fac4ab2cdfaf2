/**
 * The real flows, texts and directory, loaded once per test file.
 */
import { createConfig } from "../../src/config.js";
import type { Bundle } from "../../src/engine/types.js";
import { loadBundle } from "../../src/flows/bundle.js";

let cached: Bundle | undefined;

/** The bundle `npm start` would load. */
export function realBundle(): Bundle {
  cached ??= loadBundle(createConfig({}).paths, ["id", "en"]);
  return cached;
}
