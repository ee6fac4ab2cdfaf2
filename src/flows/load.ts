/**
 * Reading `flows/*.yaml`: parse, check each file against the schema, and report every
 * problem with the file, the step and the field, saying what is allowed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { type FlowFile, flowSchema, type GlobalFile, globalSchema } from "./schema.js";

/** The file holding what applies across flows. */
export const GLOBAL_FILE = "global.yaml";

/** One thing wrong in the flow files. */
export interface FlowProblem {
  file: string;
  /** Dotted path to the field, e.g. `steps.safety.options[1].next`. */
  path: string;
  message: string;
}

/** The flows cannot be used; `problems` lists every reason. */
export class FlowError extends Error {
  override readonly name = "FlowError";
  constructor(readonly problems: readonly FlowProblem[]) {
    super(
      `The flow files have ${problems.length} problem(s):\n${problems.map(formatProblem).join("\n")}`,
    );
  }
}

/** `flows/help.yaml › steps.safety.options[1].next: unknown step "plcae"` */
export function formatProblem(p: FlowProblem): string {
  return `  ${p.file}${p.path ? ` › ${p.path}` : ""}: ${p.message}`;
}

/** The parsed files, before cross-references are checked. */
export interface FlowSources {
  dir: string;
  global: GlobalFile;
  flows: { file: string; flow: FlowFile }[];
}

/**
 * Read and schema-check every flow file in `dir`.
 *
 * @throws FlowError listing every problem found in every file.
 */
export function readFlows(dir: string): FlowSources {
  const problems: FlowProblem[] = [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort();
  if (!files.includes(GLOBAL_FILE)) {
    problems.push({
      file: join(dir, GLOBAL_FILE),
      path: "",
      message: "missing: every deployment needs it",
    });
  }
  let global: GlobalFile | undefined;
  const flows: FlowSources["flows"] = [];
  for (const name of files) {
    const file = join(dir, name);
    const data = parseYaml(file, problems);
    if (data === undefined) continue;
    if (name === GLOBAL_FILE) {
      global = checkShape(globalSchema, data, file, problems);
      continue;
    }
    const flow = checkShape(flowSchema, data, file, problems);
    if (flow) flows.push({ file, flow });
  }
  if (problems.length > 0 || !global) throw new FlowError(problems);
  return { dir, global, flows };
}

function parseYaml(file: string, problems: FlowProblem[]): unknown {
  const doc = parseDocument(readFileSync(file, "utf8"), { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      problems.push({ file, path: "", message: `not valid YAML: ${e.message}` });
    return undefined;
  }
  return doc.toJS();
}

function checkShape<T>(
  schema: z.ZodType<T>,
  data: unknown,
  file: string,
  problems: FlowProblem[],
): T | undefined {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push({ file, path: formatPath(issue.path), message: describeIssue(issue) });
  }
  return undefined;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union" && "discriminator" in issue) {
    return `${issue.message}; allowed kinds: say, choice, ask, place, language, escalate, report, branch, end, erase, secret_word, checkin, reattach, code`;
  }
  if (issue.code === "unrecognized_keys") {
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}: check the spelling against flows/schema.json`;
  }
  if (issue.code === "invalid_value") {
    return `${issue.message}`;
  }
  return issue.message;
}
