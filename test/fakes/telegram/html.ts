/**
 * parse_mode "HTML" as the Bot API parses it (core.telegram.org/bots/api#html-style), following
 * the structure and error texts of TDLib's HTML parser: supported tags only, end tags matching
 * start tags, entities &lt; &gt; &amp; &quot; and numeric ones decoded.
 *
 * One deliberate difference: with `strictEscaping` (the fake's default) a bare ">" or an "&"
 * that starts no entity is also refused. Telegram lets those through, but text that depends on
 * it is a sign that something was not escaped.
 */
import type { MessageEntity } from "grammy/types";

const SUPPORTED = new Set([
  "a",
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "code",
  "pre",
  "blockquote",
  "tg-spoiler",
  "span",
  "tg-emoji",
]);

export type HtmlResult =
  | { ok: true; text: string; entities: MessageEntity[] }
  | { ok: false; error: string };

interface Open {
  tag: string;
  argument: string | undefined;
  offset: number;
  beginPos: number;
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Decode the entity at `pos` (pointing at "&"), or undefined if there is none. */
function decodeEntity(s: string, pos: number): { text: string; end: number } | undefined {
  const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});/.exec(s.slice(pos, pos + 12));
  if (!m?.[1]) return undefined;
  const body = m[1];
  let text: string | undefined;
  if (body.startsWith("#x")) text = safeCodePoint(Number.parseInt(body.slice(2), 16));
  else if (body.startsWith("#")) text = safeCodePoint(Number.parseInt(body.slice(1), 10));
  else text = NAMED[body.toLowerCase()];
  return text === undefined ? undefined : { text, end: pos + m[0].length };
}

function safeCodePoint(cp: number): string | undefined {
  if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    return undefined;
  }
  return String.fromCodePoint(cp);
}

function isSpace(ch: string | undefined): boolean {
  return ch !== undefined && /\s/.test(ch);
}

export function parseHtml(input: string, opts: { strictEscaping?: boolean } = {}): HtmlResult {
  const strict = opts.strictEscaping ?? true;
  const s = input.trim();
  const byteOffset = (pos: number) => Buffer.byteLength(s.slice(0, pos), "utf8");
  const fail = (msg: string): HtmlResult => ({ ok: false, error: `can't parse entities: ${msg}` });
  const entities: MessageEntity[] = [];
  const open: Open[] = [];
  const languages = new WeakMap<MessageEntity, string>();
  let out = "";
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === "&") {
      const dec = decodeEntity(s, i);
      if (dec) {
        out += dec.text;
        i = dec.end;
        continue;
      }
      if (strict) return fail(`Unescaped "&" at byte offset ${byteOffset(i)}; use &amp;`);
      out += ch;
      i += 1;
      continue;
    }
    if (ch === ">" && strict) {
      return fail(`Unescaped ">" at byte offset ${byteOffset(i)}; use &gt;`);
    }
    if (ch !== "<") {
      out += ch;
      i += 1;
      continue;
    }
    const tagStart = i;
    i += 1;
    if (s[i] !== "/") {
      // Start tag: the name runs to a space or ">".
      const nameStart = i;
      while (i < s.length && !isSpace(s[i]) && s[i] !== ">") i += 1;
      if (i >= s.length) return fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
      const tag = s.slice(nameStart, i).toLowerCase();
      if (!SUPPORTED.has(tag)) {
        return fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(tagStart)}`);
      }
      let argument: string | undefined;
      while (s[i] !== ">") {
        while (i < s.length && isSpace(s[i])) i += 1;
        if (s[i] === ">") break;
        const attrStart = i;
        while (i < s.length && !isSpace(s[i]) && !"=>/\"'".includes(s[i] as string)) i += 1;
        const attr = s.slice(attrStart, i).toLowerCase();
        if (!attr) {
          return fail(
            `Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(tagStart)}`,
          );
        }
        while (i < s.length && isSpace(s[i])) i += 1;
        if (i >= s.length) {
          return fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(tagStart)}`);
        }
        if (s[i] !== "=") {
          if (tag === "blockquote" && attr === "expandable") argument = "expandable";
          continue;
        }
        i += 1;
        while (i < s.length && isSpace(s[i])) i += 1;
        if (i >= s.length) {
          return fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(tagStart)}`);
        }
        let value = "";
        const quote = s[i];
        if (quote === '"' || quote === "'") {
          i += 1;
          while (i < s.length && s[i] !== quote) {
            const dec = s[i] === "&" ? decodeEntity(s, i) : undefined;
            if (dec) {
              value += dec.text;
              i = dec.end;
            } else {
              value += s[i];
              i += 1;
            }
          }
          if (s[i] === quote) i += 1;
        } else {
          const valueStart = i;
          while (i < s.length && /[A-Za-z0-9.-]/.test(s[i] as string)) i += 1;
          value = s.slice(valueStart, i).toLowerCase();
          if (i < s.length && !isSpace(s[i]) && s[i] !== ">") {
            return fail(`Unexpected end of name token at byte offset ${byteOffset(valueStart)}`);
          }
        }
        if (i >= s.length) return fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
        if (tag === "a" && attr === "href") argument = value;
        else if (tag === "code" && attr === "class" && value.startsWith("language-")) {
          argument = value.slice("language-".length);
        } else if (tag === "span" && attr === "class" && value.startsWith("tg-")) {
          argument = value.slice(3);
        } else if (tag === "tg-emoji" && attr === "emoji-id") argument = value;
      }
      if (tag === "span" && argument !== "spoiler") {
        return fail(
          `Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(tagStart)}`,
        );
      }
      i += 1; // past ">"
      open.push({ tag, argument, offset: out.length, beginPos: i });
      continue;
    }
    // End tag.
    const top = open.at(-1);
    if (!top) return fail(`Unexpected end tag at byte offset ${byteOffset(tagStart)}`);
    i += 1;
    const nameStart = i;
    while (i < s.length && !isSpace(s[i]) && s[i] !== ">") i += 1;
    const endName = s.slice(nameStart, i).toLowerCase();
    while (i < s.length && isSpace(s[i])) i += 1;
    if (s[i] !== ">") return fail(`Unclosed end tag at byte offset ${byteOffset(tagStart)}`);
    if (endName && endName !== top.tag) {
      return fail(
        `Unmatched end tag at byte offset ${byteOffset(tagStart)}, expected "</${top.tag}>", found "</${endName}>"`,
      );
    }
    const contentEnd = tagStart;
    i += 1;
    open.pop();
    const length = out.length - top.offset;
    if (length > 0) {
      const raw = s.slice(top.beginPos, contentEnd);
      const entity = toEntity(top, length, raw, entities, languages);
      if (typeof entity === "string") return fail(entity);
      if (entity) entities.push(entity);
    }
  }
  const unclosed = open.at(-1);
  if (unclosed) return fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  // Telegram trims the resulting text; entities are clipped to it.
  const trimmed = out.trimEnd();
  const lead = trimmed.length - trimmed.trimStart().length;
  const text = trimmed.trimStart();
  const clipped: MessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(text.length, e.offset + e.length - lead);
    if (end > start) clipped.push({ ...e, offset: start, length: end - start });
  }
  clipped.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, text, entities: clipped };
}

function toEntity(
  open: Open,
  length: number,
  rawContent: string,
  previous: MessageEntity[],
  languages: WeakMap<MessageEntity, string>,
): MessageEntity | string | undefined {
  const offset = open.offset;
  switch (open.tag) {
    case "b":
    case "strong":
      return { type: "bold", offset, length };
    case "i":
    case "em":
      return { type: "italic", offset, length };
    case "u":
    case "ins":
      return { type: "underline", offset, length };
    case "s":
    case "strike":
    case "del":
      return { type: "strikethrough", offset, length };
    case "tg-spoiler":
    case "span":
      return { type: "spoiler", offset, length };
    case "blockquote":
      return {
        type: open.argument === "expandable" ? "expandable_blockquote" : "blockquote",
        offset,
        length,
      };
    case "tg-emoji": {
      if (!open.argument || !/^\d+$/.test(open.argument)) {
        return "Invalid custom emoji identifier specified";
      }
      return { type: "custom_emoji", offset, length, custom_emoji_id: open.argument };
    }
    case "a": {
      const url = open.argument ?? rawContent;
      if (!/^(https?|tg|ftp):\/\//i.test(url) && !/^[\w.-]+\.[a-z]{2,}/i.test(url)) {
        return undefined; // Telegram drops links it cannot use, keeping the text.
      }
      return { type: "text_link", offset, length, url };
    }
    case "code": {
      // <pre><code class="language-x">…</code></pre> becomes one pre entity with a language.
      const entity: MessageEntity = { type: "code", offset, length };
      if (open.argument) languages.set(entity, open.argument);
      return entity;
    }
    case "pre": {
      const last = previous.at(-1);
      if (last && last.type === "code" && last.offset === offset && last.length === length) {
        previous.pop();
        const language = languages.get(last);
        return language
          ? { type: "pre", offset, length, language }
          : { type: "pre", offset, length };
      }
      return { type: "pre", offset, length };
    }
    default:
      return undefined;
  }
}
