/**
 * Broken flow content must stop start-up with a message that says exactly where.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createConfig } from "../../src/config.js";
import { loadBundle } from "../../src/flows/bundle.js";
import { copyContent, edit, problemsOf, removeContentCopies } from "../helpers/content.js";

const real = createConfig({}).paths;

afterEach(removeContentCopies);

describe("flow validation", () => {
  it("loads the real content", () => {
    expect(() => loadBundle(real, ["id", "en"])).not.toThrow();
  });

  it.each([
    [
      "an unknown target",
      "help.yaml",
      "next: passport }",
      "next: pasport }",
      /help\.yaml › steps\.injuries\.options\[0\]\.next: unknown target "pasport" \(steps in this flow: .*passport/,
    ],
    [
      "an unknown step kind",
      "gotout.yaml",
      "kind: place",
      "kind: map",
      /gotout\.yaml › steps\.place\.kind: .*allowed kinds: say, choice, ask/,
    ],
    [
      "a misspelt field",
      "family.yaml",
      "max_length: 100\n    personal: true",
      "max_lenght: 100\n    personal: true",
      /family\.yaml › steps\.name: unknown field\(s\) "max_lenght"/,
    ],
    [
      "a duplicated option id",
      "help.yaml",
      "{ id: unsafe, text: help:safety.unsafe",
      "{ id: danger, text: help:safety.unsafe",
      /help\.yaml › steps\.safety\.options: option id\(s\) used twice: danger/,
    ],
    [
      "a text key missing from the locales",
      "help.yaml",
      "text: help:people.question",
      "text: help:people.questoin",
      /help\.yaml › steps\.people\.text: text "help:people\.questoin" is missing in locale\(s\): id, en/,
    ],
    [
      "an unknown contact",
      "family.yaml",
      "contact:kp2mi.whatsapp",
      "contact:kp2mi.telegram",
      /family\.yaml › steps\.channels\.show\[2\]: "contact:kp2mi\.telegram" is not in the directory/,
    ],
    [
      "an unknown triage reason",
      "help.yaml",
      "flag: phone_at_risk",
      "flag: phone_risk",
      /help\.yaml › steps\.phone\.options\[2\]\.flag: unknown triage reason "phone_risk" \(known: .*phone_at_risk/,
    ],
    [
      "invalid YAML",
      "erase.yaml",
      "start: confirm",
      "start: [confirm",
      /erase\.yaml: not valid YAML/,
    ],
  ])("names the file, step and field for %s", (_what, file, from, to, expected) => {
    const paths = copyContent();
    edit(join(paths.flows, file), from, to);
    expect(problemsOf(paths)).toMatch(expected);
  });

  it("finds a step nothing leads to", () => {
    const paths = copyContent();
    edit(join(paths.flows, "welcome.yaml"), "next: other }", "next: menu }");
    expect(problemsOf(paths)).toMatch(/welcome\.yaml › steps\.other: cannot be reached/);
  });

  it("finds a loop that never asks anything", () => {
    const paths = copyContent();
    edit(
      join(paths.flows, "family.yaml"),
      "family:channels.no_viral]\n    next: done",
      "family:channels.no_viral]\n    next: channels",
    );
    const message = problemsOf(paths);
    expect(message).toMatch(/loops back to itself without asking anything/);
    expect(message).toMatch(/dead end: no path from here reaches an end/);
  });

  it("finds a text present in one language only", () => {
    const paths = copyContent();
    const file = join(paths.locales, "en", "help.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    delete json.urgent;
    writeFileSync(file, JSON.stringify(json));
    const message = problemsOf(paths);
    expect(message).toMatch(/locales\/en\/help\.json › urgent: missing \(present in id\)/);
  });

  it("lists every problem in every file at once", () => {
    const paths = copyContent();
    edit(join(paths.flows, "help.yaml"), "kind: place", "kind: map");
    edit(join(paths.flows, "gotout.yaml"), "kind: place", "kind: map");
    const message = problemsOf(paths);
    expect(message).toMatch(/gotout\.yaml/);
    expect(message).toMatch(/help\.yaml/);
  });
});
