/**
 * What a WhatsApp reply button or list row carries back: the question it belongs to and
 * the option (`help.safety|danger`), so a tap on an old message is recognised as old (and
 * answered kindly) instead of being read as an answer to the question now open.
 */

/** WhatsApp's limit for a reply button's id. */
export const MAX_BUTTON_ID = 256;
/** WhatsApp's limit for a list row's id (stricter than a button's). */
export const MAX_ROW_ID = 200;

/** `help.safety|danger` */
export function encodeChoiceId(stepRef: string, option: string): string {
  return `${stepRef}|${option}`;
}

/** Whether a step and option fit in a list row's id (and so in a button's too). */
export function fitsChoiceId(stepRef: string, option: string): boolean {
  return encodeChoiceId(stepRef, option).length <= MAX_ROW_ID;
}

/** The step and option an id names, or undefined for an id we did not make. */
export function decodeChoiceId(id: string): { stepRef: string; option: string } | undefined {
  const m = /^([a-z0-9_.]+)\|([A-Za-z0-9_]+)$/.exec(id);
  return m ? { stepRef: m[1] as string, option: m[2] as string } : undefined;
}
