/**
 * Two-factor codes (TOTP, RFC 6238: six digits every 30 seconds, as every authenticator
 * app reads them) through `otplib`. One step either side is accepted for clock drift; a
 * code's time step is remembered so the same code never signs in twice.
 */
import { generateSecret, generateURI, verify } from "otplib";
import QRCode from "qrcode";

/** What authenticator apps show as the account's issuer. */
export const TOTP_ISSUER = "Pulang";

export function newTotpSecret(): string {
  return generateSecret();
}

/** The `otpauth://` address an authenticator app reads (from a QR code). */
export function totpUri(username: string, secret: string): string {
  return generateURI({ issuer: TOTP_ISSUER, label: username, secret });
}

/** That address as an SVG QR code, made here (nothing is sent anywhere to draw it). */
export function totpQrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
}

/** That address as a QR code drawn with characters, for a terminal. */
export function totpQrTerminal(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: "terminal", small: true });
}

/**
 * The time step of `code` when it is right for `secret` at `now` and newer than
 * `afterStep`; undefined otherwise.
 */
export async function checkTotp(
  secret: string,
  code: string,
  now: number,
  afterStep?: number,
): Promise<number | undefined> {
  const token = code.replace(/\s+/g, "");
  if (!/^\d{6}$/.test(token)) return undefined;
  try {
    const r = await verify({
      secret,
      token,
      epoch: Math.floor(now / 1000),
      epochTolerance: 30,
      ...(afterStep !== undefined ? { afterTimeStep: afterStep } : {}),
    });
    if (!r.valid) return undefined;
    // TOTP's result names its step; HOTP's (the other half of the type) does not.
    return "timeStep" in r && typeof r.timeStep === "number"
      ? r.timeStep
      : Math.floor(now / 30_000);
  } catch {
    return undefined;
  }
}
