/**
 * Reading Bot API requests the way the real server accepts them: query string, JSON,
 * application/x-www-form-urlencoded and multipart/form-data (grammY's multipart writes
 * `content-disposition:form-data;name="x"` without spaces and unquoted filenames), with every
 * value of a non-JSON body arriving as a string that Telegram converts by the parameter's type.
 */
import type { IncomingMessage } from "node:http";

export interface UploadedFile {
  /** Name of the multipart part (grammY uses a random id, referenced as "attach://<id>"). */
  field: string;
  filename: string;
  contentType?: string;
  bytes: Buffer;
}

export type Encoding = "json" | "multipart" | "urlencoded" | "query" | "none";

export interface ParsedRequest {
  params: Record<string, unknown>;
  files: UploadedFile[];
  encoding: Encoding;
}

export class BodyError extends Error {}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function parseRequest(req: IncomingMessage, body: Buffer, url: URL): ParsedRequest {
  const query: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (body.length === 0) {
    const hasQuery = Object.keys(query).length > 0;
    return { params: coerce(query), files: [], encoding: hasQuery ? "query" : "none" };
  }
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new BodyError("Bad Request: can't parse JSON object");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new BodyError("Bad Request: JSON object expected");
    }
    return {
      params: { ...coerce(query), ...coerceJsonStrings(parsed as Record<string, unknown>) },
      files: [],
      encoding: "json",
    };
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const form: Record<string, unknown> = { ...query };
    for (const [k, v] of new URLSearchParams(body.toString("utf8"))) form[k] = v;
    return { params: coerce(form), files: [], encoding: "urlencoded" };
  }
  if (type.startsWith("multipart/form-data")) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) throw new BodyError("Bad Request: multipart boundary is missing");
    const { fields, files } = parseMultipart(body, b.trim());
    return { params: coerce({ ...query, ...fields }), files, encoding: "multipart" };
  }
  throw new BodyError(`Bad Request: unsupported Content-Type ${type || "(none)"}`);
}

function parseMultipart(
  body: Buffer,
  boundary: string,
): { fields: Record<string, string>; files: UploadedFile[] } {
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new BodyError("Bad Request: malformed multipart body");
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === "\r\n") start += 2;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
    if (next < 0) throw new BodyError("Bad Request: malformed multipart body");
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) throw new BodyError("Bad Request: malformed multipart part");
    const headers = part.subarray(0, headerEnd).toString("utf8").split("\r\n");
    const content = part.subarray(headerEnd + 4);
    let name: string | undefined;
    let filename: string | undefined;
    let contentType: string | undefined;
    for (const line of headers) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === "content-disposition") {
        name =
          /(?:^|;)\s*name="([^"]*)"/i.exec(value)?.[1] ??
          /(?:^|;)\s*name=([^;]*)/i.exec(value)?.[1];
        const fn = /filename="([^"]*)"/i.exec(value)?.[1] ?? /filename=([^;]*)/i.exec(value)?.[1];
        filename = fn?.trim();
      } else if (key === "content-type") {
        contentType = value;
      }
    }
    if (name !== undefined) {
      if (filename !== undefined) {
        const file: UploadedFile = { field: name, filename, bytes: Buffer.from(content) };
        if (contentType) file.contentType = contentType;
        files.push(file);
      } else {
        fields[name] = content.toString("utf8");
      }
    }
    pos = next + 2;
  }
  return { fields, files };
}

/** Parameters Telegram reads as JSON-serialized objects or arrays. */
const JSON_KEYS = new Set([
  "reply_markup",
  "entities",
  "caption_entities",
  "allowed_updates",
  "commands",
  "scope",
  "reply_parameters",
  "link_preview_options",
  "media",
  "message_ids",
  "menu_button",
  "results",
  "permissions",
  "options",
  "reaction",
]);

const NUMBER_KEYS = new Set([
  "chat_id",
  "from_chat_id",
  "message_id",
  "message_thread_id",
  "reply_to_message_id",
  "offset",
  "limit",
  "timeout",
  "latitude",
  "longitude",
  "horizontal_accuracy",
  "live_period",
  "heading",
  "proximity_alert_radius",
  "icon_color",
  "max_connections",
  "cache_time",
  "user_id",
  "duration",
  "width",
  "height",
  "until_date",
]);

const BOOLEAN_KEYS = new Set([
  "disable_notification",
  "protect_content",
  "allow_paid_broadcast",
  "allow_sending_without_reply",
  "drop_pending_updates",
  "show_alert",
  "has_spoiler",
  "disable_content_type_detection",
  "show_caption_above_media",
  "remove_caption",
  "is_big",
  "revoke_messages",
]);

function coerceJsonStrings(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined) continue;
    out[k] = JSON_KEYS.has(k) && typeof v === "string" ? parseJsonValue(k, v) : v;
  }
  return out;
}

function parseJsonValue(key: string, v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    throw new BodyError(`Bad Request: can't parse ${key} JSON object`);
  }
}

/** Turn the strings of a form or query into the types Telegram reads them as. */
function coerce(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== "string") {
      out[k] = v;
    } else if (JSON_KEYS.has(k)) {
      out[k] = parseJsonValue(k, v);
    } else if (NUMBER_KEYS.has(k) && /^-?\d+(\.\d+)?$/.test(v.trim())) {
      out[k] = Number(v);
    } else if (BOOLEAN_KEYS.has(k) && /^(true|false|1|0)$/i.test(v.trim())) {
      out[k] = /^(true|1)$/i.test(v.trim());
    } else {
      out[k] = v;
    }
  }
  return out;
}
