import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createConfig } from "../../src/config.js";
import { flowJsonSchemas } from "../../src/flows/json-schema.js";

describe("flows/schema.json", () => {
  it.each(flowJsonSchemas().map((s) => [s.file, s.json]))(
    "%s is up to date (run npm run flows:schema)",
    (file, json) => {
      const onDisk = readFileSync(join(createConfig({}).paths.flows, file), "utf8");
      expect(onDisk).toBe(json);
    },
  );
});
