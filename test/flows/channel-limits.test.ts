/**
 * Content that would not fit Telegram or WhatsApp is refused where content is checked
 * (start-up, `npm run flows:check`), with the file, the step, the field and the limit,
 * instead of shipping a label WhatsApp cuts or a button Telegram refuses.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyContent, edit, problemsOf, removeContentCopies } from "../helpers/content.js";

afterEach(removeContentCopies);

describe("channel limits in the content check", () => {
  it("refuses a reply-button label over WhatsApp's 20 characters, naming the option", () => {
    const paths = copyContent();
    edit(join(paths.locales, "en/help.json"), '"🟠 Not safe"', '"🟠 Not safe at all, really"');
    expect(problemsOf(paths)).toMatch(
      /help\.yaml › steps\.safety\.options\[1\]\.text: in en \(help:safety\.unsafe\.label\): WhatsApp shows at most 20 characters on a reply button \(questions with up to 3 options\); "🟠 Not safe at all, really" has 26 \(an emoji counts as 2\)/,
    );
  });

  it("allows 24 characters in a list row (4 to 10 options), and refuses 25", () => {
    const paths = copyContent();
    const file = join(paths.locales, "en/help.json");
    edit(file, '"Held by boss or agent"', '"Held by my boss or agent"');
    expect(problemsOf(paths)).toBe("");
    edit(file, '"Held by my boss or agent"', '"Held by my boss, or agent"');
    expect(problemsOf(paths)).toMatch(
      /help\.yaml › steps\.passport\.options\[1\]\.text: in en .*at most 24 characters in a list row .*has 25/,
    );
  });

  it("refuses an option whose Telegram button data would pass 64 bytes, once for all languages", () => {
    const paths = copyContent();
    const id = `unsafe_${"x".repeat(44)}`; // "c|help.safety|" (14 bytes) + 51 = 65
    edit(join(paths.flows, "help.yaml"), "{ id: unsafe,", `{ id: ${id},`);
    const problems = problemsOf(paths);
    const expected = `help.yaml › steps.safety.options[1].id: Telegram allows 64 bytes of button data; "c|help.safety|${id}" has 65: shorten the step id or the option id`;
    expect(problems).toContain(expected);
    expect(problems.split(expected)).toHaveLength(2);
  });

  it("refuses a question too long to stay with its buttons on WhatsApp", () => {
    const paths = copyContent();
    const long = `Bagaimana keadaanmu sekarang? ${"Tolong jawab dengan jujur. ".repeat(40)}`.trim();
    edit(
      join(paths.locales, "id/help.json"),
      '"Bagaimana keadaanmu sekarang?"',
      JSON.stringify(long),
    );
    expect(problemsOf(paths)).toMatch(
      new RegExp(
        `help\\.yaml › steps\\.safety\\.text: in id \\(help:safety\\.question\\): WhatsApp allows 1024 characters in a message with buttons; this text has ${long.length}`,
      ),
    );
  });

  it("names the button and the words the helpline adds itself", () => {
    const paths = copyContent();
    edit(
      join(paths.locales, "en/common.json"),
      '"skip": "Skip"',
      '"skip": "Skip this question, please"',
    );
    edit(
      join(paths.locales, "en/whatsapp.json"),
      '"choose": "Choose"',
      '"choose": "Choose one of these, please"',
    );
    const problems = problemsOf(paths);
    expect(problems).toMatch(
      /family\.yaml › steps\.\w+: button "_skip": in en, WhatsApp shows at most 20 characters on a reply button/,
    );
    expect(problems).toContain(
      `${join(paths.locales, "en", "whatsapp.json")} › choose: WhatsApp allows 20 characters here; "Choose one of these, please" has 27`,
    );
  });
});
