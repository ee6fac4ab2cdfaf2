/**
 * The console's settings: the environment variables it reads (spread into the one config
 * schema, `src/config.ts`) and the typed configuration built from them.
 */
import { z } from "zod";

const emptyAsUndefined = (v: unknown) => (v === "" ? undefined : v);
const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));

/** Who signs in to the console. */
export const consoleRoleSchema = z.enum(["operator", "supervisor", "coordinator"]);
export type ConsoleRole = z.infer<typeof consoleRoleSchema>;

/** The console's variables (a function, so config.ts can spread it into its schema). */
export function consoleEnv() {
  return {
    CONSOLE_ENABLED: z.preprocess(
      emptyAsUndefined,
      z.enum(["true", "false"], "true or false").default("true"),
    ),
    CONSOLE_SESSION_IDLE_MINUTES: positiveInt(30),
    CONSOLE_SESSION_MAX_HOURS: positiveInt(12),
    CONSOLE_SIGNIN_MAX_FAILURES: positiveInt(5),
    CONSOLE_LOCKOUT_MINUTES: positiveInt(15),
    CONSOLE_SIGNIN_PER_MINUTE: positiveInt(10),
    CONSOLE_TOTP_REQUIRED_FOR: z.preprocess(
      emptyAsUndefined,
      z
        .string()
        .default("supervisor,coordinator")
        .transform((s) =>
          s
            .split(",")
            .map((x) => x.trim())
            .filter((x) => x.length > 0 && x !== "none"),
        )
        .pipe(
          z.array(
            z.enum(
              ["operator", "supervisor", "coordinator"],
              "roles separated by commas (operator, supervisor, coordinator), or none",
            ),
          ),
        ),
    ),
  };
}

/** The console as configured. */
export interface ConsoleConfig {
  enabled: boolean;
  /** A session ends after this long without a request, and this long after sign-in at most. */
  idleMs: number;
  absoluteMs: number;
  /** This many wrong passwords or codes in a row lock the account for `lockoutMs`. */
  maxFailures: number;
  lockoutMs: number;
  /** Sign-in attempts accepted per minute from one address (then 429). */
  signInPerMinute: number;
  /** Roles that must use a one-time code (TOTP) to sign in. */
  totpRequiredFor: readonly ConsoleRole[];
  /** Cookies are `Secure` (HTTPS only) in production. */
  secureCookies: boolean;
}

type ConsoleEnv = {
  [K in keyof ReturnType<typeof consoleEnv>]: z.infer<ReturnType<typeof consoleEnv>[K]>;
};

/** The console's configuration from the checked environment. */
export function consoleConfig(e: ConsoleEnv & { NODE_ENV: string }): ConsoleConfig {
  return {
    enabled: e.CONSOLE_ENABLED === "true",
    idleMs: e.CONSOLE_SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: e.CONSOLE_SESSION_MAX_HOURS * 3_600_000,
    maxFailures: e.CONSOLE_SIGNIN_MAX_FAILURES,
    lockoutMs: e.CONSOLE_LOCKOUT_MINUTES * 60_000,
    signInPerMinute: e.CONSOLE_SIGNIN_PER_MINUTE,
    totpRequiredFor: e.CONSOLE_TOTP_REQUIRED_FOR,
    secureCookies: e.NODE_ENV === "production",
  };
}
