/**
 * Phone numbers as matching sees them: E.164, however they were typed. A family types
 * `0812 3456 7890`, `+62 812-3456-7890` or `62812...`; a WhatsApp conversation is
 * `wa:+6281234567890`: all are one number. Parsing is libphonenumber-js's (Google's
 * metadata, kept current), with Indonesia as the region of numbers typed without a
 * country code, since the families and the people they look for are Indonesian.
 */
import { findPhoneNumbersInText } from "libphonenumber-js";

/** Where numbers typed without `+` or a country code are from. */
export const DEFAULT_REGION = "ID";

/** Every number in a piece of text, in E.164 (`+6281234567890`), without repeats. */
export function phonesIn(text: string): string[] {
  const found = findPhoneNumbersInText(text, DEFAULT_REGION).map((f) => f.number.number);
  return [...new Set(found)];
}

/** The number a WhatsApp conversation writes from (`wa:+855...`), if it is one. */
export function phoneOfConversation(conversation: string | undefined): string | undefined {
  if (!conversation?.startsWith("wa:")) return undefined;
  return phonesIn(conversation.slice(3))[0];
}
