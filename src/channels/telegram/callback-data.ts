/**
 * What a button carries back: the question it belongs to and the option, so a tap on an
 * old message is recognised as old (and answered kindly) instead of being misread.
 */

/** Telegram's limit for callback_data, in bytes. */
export const MAX_CALLBACK_BYTES = 64;

/** `c|help.safety|danger` */
export function encodeChoice(stepRef: string, option: string): string {
  return `c|${stepRef}|${option}`;
}

/** Whether a step and option fit in Telegram's 64 bytes. */
export function fitsCallback(stepRef: string, option: string): boolean {
  return Buffer.byteLength(encodeChoice(stepRef, option)) <= MAX_CALLBACK_BYTES;
}

/** The step and option a tap names, or undefined for data we did not make. */
export function decodeChoice(data: string): { stepRef: string; option: string } | undefined {
  const m = /^c\|([a-z0-9_.]+)\|([A-Za-z0-9_]+)$/.exec(data);
  return m ? { stepRef: m[1] as string, option: m[2] as string } : undefined;
}
