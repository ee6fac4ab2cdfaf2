/**
 * The one place that reads settings. A zod schema over the environment; `createConfig`
 * is pure and fails with messages that name each variable and what it must be.
 * Nothing else reads `process.env`.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { GRAPH_API_VERSION } from "./channels/whatsapp/graph.js";
import { type ConsoleConfig, consoleConfig, consoleEnv } from "./console/settings.js";
import {
  type DataKeys,
  decodeKey,
  KEY_ID_PATTERN,
  KEY_ID_RULE,
  KeyFormatError,
  keyProblem,
  MAKE_A_KEY,
  parseDataKeys,
  previousKeysProblems,
} from "./crypto/keys.js";

/** The repository root, for default paths to flows, locales and directory data. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));

/** Comma-separated Telegram user ids (positive integers). */
function idList(what: string) {
  return z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default("")
      .transform((s) =>
        s
          .split(",")
          .map((x) => x.trim())
          .filter((x) => x.length > 0),
      )
      .pipe(z.array(z.string().regex(/^\d{1,15}$/, `${what}, comma-separated (e.g. 12345,67890)`))),
  );
}

/** Comma-separated `host:port` seeds, e.g. `10.0.0.1:6379,10.0.0.2:6379`. */
function hostPortList(name: string) {
  return z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x.length > 0),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(/^[\w.-]+:\d{1,5}$/, `${name}: host:port pairs, comma-separated`)
            .transform((hp) => {
              const at = hp.lastIndexOf(":");
              return { host: hp.slice(0, at), port: Number(hp.slice(at + 1)) };
            }),
        )
        .min(1),
    )
    .optional();
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
  METRICS_TOKEN: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "16-256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
  ),
  FLOWS_DIR: z.preprocess(emptyAsUndefined, z.string().default(`${ROOT}flows`)),
  LOCALES_DIR: z.preprocess(emptyAsUndefined, z.string().default(`${ROOT}locales`)),
  DIRECTORY_DIR: z.preprocess(emptyAsUndefined, z.string().default(`${ROOT}directory`)),
  LANGUAGES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default("id,en")
      .transform((s) => s.split(",").map((l) => l.trim()))
      .pipe(z.array(z.string().regex(/^[a-z]{2,3}$/, "language codes such as id,en")).min(1)),
  ),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379")
      .optional(),
  ),
  REDIS_CLUSTER_NODES: z.preprocess(emptyAsUndefined, hostPortList("REDIS_CLUSTER_NODES")),
  REDIS_SENTINELS: z.preprocess(emptyAsUndefined, hostPortList("REDIS_SENTINELS")),
  REDIS_SENTINEL_NAME: optionalString,
  REDIS_USERNAME: optionalString,
  REDIS_PASSWORD: optionalString,
  REDIS_KEY_PREFIX: z.preprocess(emptyAsUndefined, z.string().default("pulang:")),
  REDIS_WAIT_REPLICAS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(0)),
  REDIS_WAIT_TIMEOUT_MS: positiveInt(1_000),
  SESSION_TTL_DAYS: positiveInt(30),
  CONVERSATION_WINDOW_HOURS: positiveInt(24),
  CLOSED_CASE_RETENTION_DAYS: positiveInt(30),
  REPORT_RETENTION_DAYS: positiveInt(180),
  CASE_IDLE_CLOSE_DAYS: positiveInt(14),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\d+:[\w-]{20,}$/, "the token from @BotFather, like 123456:ABC-DEF...")
      .optional(),
  ),
  TELEGRAM_MODE: z.preprocess(emptyAsUndefined, z.enum(["polling", "webhook"]).default("polling")),
  TELEGRAM_WEBHOOK_SECRET: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, "16-256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
  ),
  TELEGRAM_WEBHOOK_URL: optionalString.pipe(z.url("a public https:// URL").optional()),
  TELEGRAM_API_ROOT: z.preprocess(emptyAsUndefined, z.url().default("https://api.telegram.org")),
  TELEGRAM_MESSAGES_PER_SECOND: positiveInt(30),
  TELEGRAM_CHAT_GAP_MS: positiveInt(1000),
  TELEGRAM_GROUP_PER_MINUTE: positiveInt(20),
  OPERATOR_CHAT_ID: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .max(-1, "the operators' supergroup id, a negative number such as -1001234567890")
      .optional(),
  ),
  OPERATOR_IDS: idList("Telegram user ids of operators"),
  SUPERVISOR_IDS: idList("Telegram user ids of supervisors"),
  OPERATOR_LANGUAGE: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z]{2,3}$/, "a language code such as id or en")
      .optional(),
  ),
  SLA_P1_MINUTES: positiveInt(2),
  SLA_P2_MINUTES: positiveInt(15),
  SLA_P3_MINUTES: positiveInt(60),
  SLA_NO_REPLY_MINUTES: positiveInt(10),
  TIME_ZONE: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default("Asia/Jakarta")
      .refine(isTimeZone, "an IANA time zone such as Asia/Jakarta (for daily statistics)"),
  ),
  // Encryption at rest (src/crypto/keys.ts). Messages never repeat a key.
  DATA_KEY: optionalString.pipe(
    z
      .string()
      .superRefine((v, ctx) => addProblems(ctx, [keyProblem(v)]))
      .optional(),
  ),
  PSEUDONYM_KEY: optionalString.pipe(
    z
      .string()
      .superRefine((v, ctx) => addProblems(ctx, [keyProblem(v)]))
      .optional(),
  ),
  DATA_KEY_ID: z.preprocess(
    emptyAsUndefined,
    z.string().regex(KEY_ID_PATTERN, KEY_ID_RULE).default("k1"),
  ),
  DATA_KEYS_PREVIOUS: optionalString.pipe(
    z
      .string()
      .superRefine((v, ctx) => addProblems(ctx, previousKeysProblems(v)))
      .optional(),
  ),
  ...whatsappEnv(),
  ...webChatEnv(),
  ...consoleEnv(),
});

/** The raw environment, checked. */
export type Env = z.infer<typeof envSchema>;

/** Everything the application is configured with. */
export interface Config {
  env: Env["NODE_ENV"];
  logLevel: Env["LOG_LEVEL"];
  /** `metricsToken`: what `/metrics` asks for as a bearer token (required in production). */
  http: { port: number; host: string; metricsToken: string | undefined };
  paths: { flows: string; locales: string; directory: string };
  languages: string[];
  /** Where Redis is; undefined means in-memory stores (the demo). */
  redis:
    | {
        connection: RedisConnection;
        keyPrefix: string;
        /** Replicas that must hold a write before it counts as saved, and how long to wait. */
        waitReplicas: { count: number; timeoutMs: number };
      }
    | undefined;
  sessionTtlSeconds: number;
  /** We write to a person only this long after they last wrote (check-ins they asked for aside). */
  conversationWindowMs: number;
  /**
   * Closed help cases and closed missing-person reports are deleted after these; an open
   * case nobody wrote in for `idleCaseMs` is closed as "no response" (then deleted in turn).
   */
  retention: { closedCaseMs: number; reportMs: number; idleCaseMs: number };
  telegram: TelegramConfig | undefined;
  /** The WhatsApp Cloud API channel; undefined when WHATSAPP_PHONE_NUMBER_ID is unset. */
  whatsapp: WhatsAppConfig | undefined;
  /** The operators' Telegram group and who may act in it. */
  operators: OperatorsConfig;
  /** How long cases may wait, in ms. */
  sla: { unclaimedMs: Record<"P1" | "P2" | "P3", number>; noReplyMs: number };
  /** For daily statistics. */
  timeZone: string;
  /**
   * Secret for naming Redis keys by a keyed hash of the conversation key (a phone number
   * must not appear in a key name). Never rotated; undefined outside production: derived
   * from the data key.
   */
  pseudonymKey: Buffer | undefined;
  /** Keys for encryption at rest; undefined when DATA_KEY is unset (never in production with Redis). */
  dataKeys: DataKeys | undefined;
  /** The browser chat at `/` (src/channels/web): on outside production unless turned off. */
  webChat: WebChatConfig;
  /** The web console at /console (src/console). */
  console: ConsoleConfig;
}

export interface HostPort {
  host: string;
  port: number;
}

/** One Redis (URL), a Redis Cluster (seed nodes) or a Sentinel-watched primary. */
export type RedisConnection =
  | { kind: "single"; url: string }
  | ({ kind: "cluster"; nodes: HostPort[] } & RedisCredentials)
  | ({ kind: "sentinel"; sentinels: HostPort[]; name: string } & RedisCredentials);

/** For Cluster and Sentinel (a single Redis carries them in its URL). */
export interface RedisCredentials {
  username?: string;
  password?: string;
}

/** Operators work cases in a Telegram supergroup with topics; only listed ids may act. */
export interface OperatorsConfig {
  chatId: number | undefined;
  /** The language of cards and answers in the operators' group. */
  language: string;
  operatorIds: string[];
  supervisorIds: string[];
}

export type TelegramConfig = {
  token: string;
  apiRoot: string;
  /** Telegram's sending limits (shared by every instance when Redis is set). */
  limits: { globalPerSecond: number; perChatGapMs: number; groupPerMinute: number };
} & ({ mode: "polling" } | { mode: "webhook"; secret: string; url: string | undefined });

/** A setting is missing or wrong; the message lists each one. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/**
 * Build the configuration from an environment. Pure: pass `process.env` from the
 * composition root, or a plain object in tests.
 *
 * @throws ConfigError naming every variable that is wrong and what it must be.
 * @example createConfig({ TELEGRAM_BOT_TOKEN: "123:abc..." }).telegram?.mode === "polling"
 */
export function createConfig(input: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    http: { port: e.PORT, host: e.HOST, metricsToken: e.METRICS_TOKEN },
    paths: { flows: e.FLOWS_DIR, locales: e.LOCALES_DIR, directory: e.DIRECTORY_DIR },
    languages: e.LANGUAGES,
    redis: redisConfig(e),
    sessionTtlSeconds: e.SESSION_TTL_DAYS * 86_400,
    conversationWindowMs: e.CONVERSATION_WINDOW_HOURS * 3_600_000,
    retention: {
      closedCaseMs: e.CLOSED_CASE_RETENTION_DAYS * 86_400_000,
      reportMs: e.REPORT_RETENTION_DAYS * 86_400_000,
      idleCaseMs: e.CASE_IDLE_CLOSE_DAYS * 86_400_000,
    },
    telegram: telegramConfig(e),
    whatsapp: whatsappConfig(e),
    operators: {
      chatId: e.OPERATOR_CHAT_ID,
      language: e.OPERATOR_LANGUAGE ?? (e.LANGUAGES[0] as string),
      operatorIds: e.OPERATOR_IDS,
      supervisorIds: e.SUPERVISOR_IDS,
    },
    sla: {
      unclaimedMs: {
        P1: e.SLA_P1_MINUTES * 60_000,
        P2: e.SLA_P2_MINUTES * 60_000,
        P3: e.SLA_P3_MINUTES * 60_000,
      },
      noReplyMs: e.SLA_NO_REPLY_MINUTES * 60_000,
    },
    timeZone: e.TIME_ZONE,
    dataKeys: dataKeysConfig(e),
    pseudonymKey: pseudonymKeyConfig(e),
    webChat: webChatConfig(e),
    console: consoleConfig(e),
  };
}

/** What `npm start` runs: the helpline service, or the terminal demo. */
export type StartMode = "service" | "demo";

/**
 * What this configuration may start. Outside production, no channel means the local demo.
 * In production the demo never runs, and a channel without a place where operators see
 * cases is refused: people would be told "our team has been told" while nobody can see
 * their case. (Separate from `createConfig`, which scripts such as `flows:check` and
 * `keys:rotate` use in production without a channel.)
 *
 * @throws ConfigError naming each missing variable.
 * @example startMode(createConfig({})) === "demo"
 */
export function startMode(config: Config): StartMode {
  const hasChannel = config.telegram !== undefined || config.whatsapp !== undefined;
  if (config.env !== "production") return hasChannel ? "service" : "demo";
  if (!hasChannel) {
    throw new ConfigError(
      "Invalid configuration:\n  TELEGRAM_BOT_TOKEN or WHATSAPP_PHONE_NUMBER_ID: NODE_ENV=production needs a channel to serve (the terminal demo never runs in production)",
    );
  }
  const problems = [...operatorSurfaceProblems(config), ...metricsProblems(config)];
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
  return "service";
}

/**
 * Why operators could not see or act on cases; empty when they can. Two surfaces count:
 * the Telegram group (OPERATOR_CHAT_ID, with someone allowed to act in it) and the web
 * console on the service's Redis, whose accounts `consoleOperatorsProblem`
 * (src/console/surface.ts) counts at start-up (decision 0041).
 */
function operatorSurfaceProblems(config: Config): string[] {
  const { chatId, operatorIds, supervisorIds } = config.operators;
  const why = "when NODE_ENV=production and a channel is configured";
  if (chatId === undefined) {
    if (consoleCanServe(config)) return [];
    return [
      `OPERATOR_CHAT_ID: required ${why}, unless the web console is on with Redis (CONSOLE_ENABLED=true, REDIS_URL): the operators' Telegram supergroup (a negative id such as -1001234567890); without it or the console, cases are queued where no one sees them`,
    ];
  }
  const problems: string[] = [];
  if (!config.telegram) {
    problems.push(
      `TELEGRAM_BOT_TOKEN: required with OPERATOR_CHAT_ID: the operators' group is run by a Telegram bot, also when people write on WhatsApp`,
    );
  }
  if (operatorIds.length === 0 && supervisorIds.length === 0) {
    problems.push(
      `OPERATOR_IDS: required ${why} (or SUPERVISOR_IDS): Telegram user ids of the people who may act on cases in the operators' group; nobody else can claim one there`,
    );
  }
  return problems;
}

/**
 * Whether the web console can be the operators' only surface: it is on, and its accounts
 * live in Redis (the `operators:add` script writes them there; memory has none).
 */
export function consoleCanServe(config: Config): boolean {
  return config.console.enabled && config.redis !== undefined;
}

/** `/metrics` tells anyone who asks how busy the helpline is and how it fails: not public. */
function metricsProblems(config: Config): string[] {
  if (config.http.metricsToken !== undefined) return [];
  return [
    "METRICS_TOKEN: required when NODE_ENV=production: 16-256 characters of A-Z, a-z, 0-9, _ and - (make one with: openssl rand -hex 24); /metrics then asks for it as a bearer token",
  ];
}

function telegramConfig(e: Env): TelegramConfig | undefined {
  if (!e.TELEGRAM_BOT_TOKEN) return undefined;
  const base = {
    token: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT.replace(/\/$/, ""),
    limits: {
      globalPerSecond: e.TELEGRAM_MESSAGES_PER_SECOND,
      perChatGapMs: e.TELEGRAM_CHAT_GAP_MS,
      groupPerMinute: e.TELEGRAM_GROUP_PER_MINUTE,
    },
  };
  if (e.TELEGRAM_MODE === "polling") return { ...base, mode: "polling" };
  if (!e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError(
      "Invalid configuration:\n  TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_MODE=webhook (16-256 characters of A-Z, a-z, 0-9, _ and -)",
    );
  }
  return {
    ...base,
    mode: "webhook",
    secret: e.TELEGRAM_WEBHOOK_SECRET,
    url: e.TELEGRAM_WEBHOOK_URL,
  };
}

function addProblems(ctx: z.RefinementCtx, problems: (string | undefined)[]): void {
  for (const message of problems) if (message) ctx.addIssue({ code: "custom", message });
}

// ---- Redis ------------------------------------------------------------------------------

/** At most one of REDIS_URL, REDIS_CLUSTER_NODES and REDIS_SENTINELS; none means memory. */
function redisConfig(e: Env): Config["redis"] {
  const credentials = {
    ...(e.REDIS_USERNAME ? { username: e.REDIS_USERNAME } : {}),
    ...(e.REDIS_PASSWORD ? { password: e.REDIS_PASSWORD } : {}),
  };
  const chosen = [e.REDIS_URL, e.REDIS_CLUSTER_NODES, e.REDIS_SENTINELS].filter(Boolean).length;
  const invalid = (line: string) => new ConfigError(`Invalid configuration:\n  ${line}`);
  if (chosen > 1) {
    throw invalid(
      "REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS: set one of them (one Redis, a Cluster, or Sentinel)",
    );
  }
  if (e.REDIS_SENTINELS && !e.REDIS_SENTINEL_NAME) {
    throw invalid(
      "REDIS_SENTINEL_NAME: required with REDIS_SENTINELS (the primary's name, e.g. mymaster)",
    );
  }
  if (e.REDIS_URL && (e.REDIS_USERNAME || e.REDIS_PASSWORD)) {
    throw invalid(
      "REDIS_PASSWORD: with REDIS_URL, put the credentials in the URL (redis://user:pass@host:port)",
    );
  }
  const common = {
    keyPrefix: e.REDIS_KEY_PREFIX,
    waitReplicas: { count: e.REDIS_WAIT_REPLICAS, timeoutMs: e.REDIS_WAIT_TIMEOUT_MS },
  };
  if (e.REDIS_URL) return { connection: { kind: "single", url: e.REDIS_URL }, ...common };
  if (e.REDIS_CLUSTER_NODES) {
    return {
      connection: { kind: "cluster", nodes: e.REDIS_CLUSTER_NODES, ...credentials },
      ...common,
    };
  }
  if (e.REDIS_SENTINELS && e.REDIS_SENTINEL_NAME) {
    const sentinel = { sentinels: e.REDIS_SENTINELS, name: e.REDIS_SENTINEL_NAME };
    return { connection: { kind: "sentinel", ...sentinel, ...credentials }, ...common };
  }
  return undefined;
}

/** Whether the service keeps its state in Redis (of any kind) rather than in memory. */
function usesRedis(e: Env): boolean {
  return Boolean(e.REDIS_URL || e.REDIS_CLUSTER_NODES || e.REDIS_SENTINELS);
}

/** The key-name secret; required in production with Redis, because it must never change. */
function pseudonymKeyConfig(e: Env): Buffer | undefined {
  if (e.PSEUDONYM_KEY) return decodeKey(e.PSEUDONYM_KEY);
  if (e.NODE_ENV === "production" && usesRedis(e)) {
    throw new ConfigError(
      `Invalid configuration:\n  PSEUDONYM_KEY: required when NODE_ENV=production and Redis is set (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): 32 random bytes, base64 (${MAKE_A_KEY}); unlike DATA_KEY it is never rotated`,
    );
  }
  return undefined;
}

/** The data keys, or undefined when DATA_KEY is unset where that is allowed. */
function dataKeysConfig(e: Env): DataKeys | undefined {
  const invalid = (line: string) => new ConfigError(`Invalid configuration:\n  ${line}`);
  if (!e.DATA_KEY) {
    if (e.NODE_ENV === "production" && usesRedis(e)) {
      throw invalid(
        `DATA_KEY: required when NODE_ENV=production and Redis is set (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS): 32 random bytes, base64 (${MAKE_A_KEY})`,
      );
    }
    if (e.DATA_KEYS_PREVIOUS) {
      throw invalid("DATA_KEYS_PREVIOUS: set DATA_KEY (the current key) too");
    }
    return undefined;
  }
  try {
    return parseDataKeys({ key: e.DATA_KEY, id: e.DATA_KEY_ID, previous: e.DATA_KEYS_PREVIOUS });
  } catch (err) {
    // The schema checked each setting; what is left is the current id reused as a previous one.
    if (err instanceof KeyFormatError) throw invalid(`DATA_KEYS_PREVIOUS: ${err.message}`);
    throw err;
  }
}

// ---- WhatsApp (Cloud API) ---------------------------------------------------------------

/** The WhatsApp channel's settings (src/channels/whatsapp). */
export interface WhatsAppConfig {
  /** The business number's id in Meta's API (not the number itself). */
  phoneNumberId: string;
  accessToken: string;
  /** Signs every webhook call (X-Hub-Signature-256). */
  appSecret: string;
  /** What Meta presents when verifying the webhook URL. */
  verifyToken: string;
  apiRoot: string;
  /** The Graph API version, pinned. */
  apiVersion: string;
  /** This instance's share of the number's rate (Meta: 80/s by default). */
  messagesPerSecond: number;
  /** The approved re-engagement template operators may send after the 24-hour window. */
  template: { name: string; language: string } | undefined;
  /** A signed notification whose newest message is older than this is refused as a replay. */
  replayWindowMs: number;
}

/** The WhatsApp variables (a function, so this block can sit here and still be spread above). */
function whatsappEnv() {
  const rule = (pattern: RegExp, what: string) =>
    optionalString.pipe(z.string().regex(pattern, what).optional());
  return {
    WHATSAPP_PHONE_NUMBER_ID: rule(
      /^\d{5,20}$/,
      "the phone number ID from WhatsApp Manager (digits; not the phone number itself)",
    ),
    WHATSAPP_ACCESS_TOKEN: rule(
      /^\S{20,}$/,
      "a permanent (system user) access token from Meta Business Settings, without spaces",
    ),
    WHATSAPP_APP_SECRET: rule(
      /^[A-Za-z0-9]{16,128}$/,
      "the app secret from the Meta app's Settings > Basic (letters and digits)",
    ),
    WHATSAPP_VERIFY_TOKEN: rule(
      /^[A-Za-z0-9_-]{16,256}$/,
      "16-256 characters of A-Z, a-z, 0-9, _ and - (you choose it, and enter the same one in the app's webhook settings)",
    ),
    WHATSAPP_API_ROOT: z.preprocess(
      emptyAsUndefined,
      z
        .url("an http(s) URL such as https://graph.facebook.com")
        .default("https://graph.facebook.com"),
    ),
    WHATSAPP_API_VERSION: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^v\d+\.\d+$/, `a Graph API version such as ${GRAPH_API_VERSION}`)
        .default(GRAPH_API_VERSION),
    ),
    WHATSAPP_MESSAGES_PER_SECOND: positiveInt(80),
    WHATSAPP_REPLAY_WINDOW_MINUTES: positiveInt(10),
    WHATSAPP_TEMPLATE_NAME: rule(
      /^[a-z0-9_]{1,512}$/,
      "the name of an approved message template: lowercase letters, digits and _",
    ),
    WHATSAPP_TEMPLATE_LANGUAGE: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "the template's language code, such as id or en_US")
        .default("id"),
    ),
  };
}

/** The WhatsApp settings, or undefined; the four credentials come together or not at all. */
function whatsappConfig(e: Env): WhatsAppConfig | undefined {
  const credentials = {
    WHATSAPP_PHONE_NUMBER_ID: e.WHATSAPP_PHONE_NUMBER_ID,
    WHATSAPP_ACCESS_TOKEN: e.WHATSAPP_ACCESS_TOKEN,
    WHATSAPP_APP_SECRET: e.WHATSAPP_APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: e.WHATSAPP_VERIFY_TOKEN,
  };
  const set = Object.entries(credentials).filter(([, v]) => v !== undefined);
  if (set.length === 0) {
    if (e.WHATSAPP_TEMPLATE_NAME) {
      throw new ConfigError(
        "Invalid configuration:\n  WHATSAPP_TEMPLATE_NAME: set WHATSAPP_PHONE_NUMBER_ID and the other WhatsApp credentials too",
      );
    }
    return undefined;
  }
  const missing = Object.keys(credentials).filter((k) => !set.some(([name]) => name === k));
  if (missing.length > 0) {
    const lines = missing.map(
      (name) =>
        `  ${name}: required to serve WhatsApp (set all of ${Object.keys(credentials).join(", ")})`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return {
    phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID as string,
    accessToken: e.WHATSAPP_ACCESS_TOKEN as string,
    appSecret: e.WHATSAPP_APP_SECRET as string,
    verifyToken: e.WHATSAPP_VERIFY_TOKEN as string,
    apiRoot: e.WHATSAPP_API_ROOT.replace(/\/$/, ""),
    apiVersion: e.WHATSAPP_API_VERSION,
    messagesPerSecond: e.WHATSAPP_MESSAGES_PER_SECOND,
    replayWindowMs: e.WHATSAPP_REPLAY_WINDOW_MINUTES * 60_000,
    template: e.WHATSAPP_TEMPLATE_NAME
      ? { name: e.WHATSAPP_TEMPLATE_NAME, language: e.WHATSAPP_TEMPLATE_LANGUAGE }
      : undefined,
  };
}

// ---- Web chat (the browser demo) ----------------------------------------------------------

/** The web chat's settings (src/channels/web). */
export interface WebChatConfig {
  /** Served at `/`: on by default outside production, off in production unless WEB_CHAT=on. */
  enabled: boolean;
  /** What one browser tab may send in a minute (the rest is refused with 429). */
  messagesPerMinute: number;
}

function webChatEnv() {
  return {
    WEB_CHAT: z.preprocess(
      emptyAsUndefined,
      z.enum(["on", "off"], "on or off (unset: on, except with NODE_ENV=production)").optional(),
    ),
    WEB_CHAT_MESSAGES_PER_MINUTE: positiveInt(30),
  };
}

/** Off in production unless asked for: a public page anyone can write to is a decision. */
function webChatConfig(e: Env): WebChatConfig {
  const fallback = e.NODE_ENV === "production" ? "off" : "on";
  return {
    enabled: (e.WEB_CHAT ?? fallback) === "on",
    messagesPerMinute: e.WEB_CHAT_MESSAGES_PER_MINUTE,
  };
}
