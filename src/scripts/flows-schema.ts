/** `npm run flows:schema`: write flows/schema.json and flows/schema.global.json. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createConfig } from "../config.js";
import { flowJsonSchemas } from "../flows/json-schema.js";

const dir = createConfig(process.env).paths.flows;
for (const { file, json } of flowJsonSchemas()) {
  writeFileSync(join(dir, file), json);
  process.stdout.write(`wrote ${join(dir, file)}\n`);
}
