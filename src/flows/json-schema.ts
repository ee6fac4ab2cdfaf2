/**
 * The flow schemas as JSON Schema, for editors (`# yaml-language-server: $schema=...`).
 * `npm run flows:schema` writes them; a test fails when the files are out of date.
 */
import { z } from "zod";
import { flowSchema, globalSchema } from "./schema.js";

/** File name (inside `flows/`) and its JSON text. */
export function flowJsonSchemas(): { file: string; json: string }[] {
  const render = (schema: z.ZodType, title: string) =>
    `${JSON.stringify({ title, ...z.toJSONSchema(schema, { io: "input" }) }, null, 2)}\n`;
  return [
    { file: "schema.json", json: render(flowSchema, "Pulang flow") },
    { file: "schema.global.json", json: render(globalSchema, "Pulang global settings") },
  ];
}
