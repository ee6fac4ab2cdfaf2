/**
 * What a page posts, in: a typed message, a tap on a button, a point picked on the map or
 * a known place from the list. Pure: the form is checked (zod) and becomes the runtime's
 * `Inbound`; anything else is refused before it reaches the runtime.
 */
import { z } from "zod";
import { EXIT } from "../../engine/safety.js";
import type { Inbound } from "../../engine/types.js";

/** What one message may hold; longer text is refused (the engine reads up to this much). */
export const MAX_TEXT = 4096;
/** The page's own id for a message: redeliveries are handled once, and it names the bubble. */
const messageId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "8-64 of A-Z a-z 0-9 _ -");
const latitude = z.coerce.number().min(-90).max(90);
const longitude = z.coerce.number().min(-180).max(180);

const posted = z.union([
  z.strictObject({ mid: messageId, text: z.string().trim().min(1).max(MAX_TEXT) }),
  z.strictObject({
    mid: messageId,
    stepRef: z.string().min(1).max(200),
    option: z.string().min(1).max(200),
    /** The button's words, shown as the person's bubble. */
    label: z.string().max(200).optional(),
  }),
  z.strictObject({ mid: messageId, lat: latitude, lon: longitude }),
  z.strictObject({ mid: messageId, place: z.string().regex(/^[a-z0-9_]{1,64}$/) }),
]);

/** Where a known place is, by its directory id (`poipet`), when it has coordinates. */
export type PlaceLookup = (id: string) => { lat: number; lon: number; name: string } | undefined;

/** A post read: the runtime's inbound, its id, and what the person's bubble says. */
export interface WebIncoming {
  inbound: Inbound;
  /** The page's message id: the dedupe id and the bubble's id. */
  id: string;
  /** What to show as the person's own bubble (their text, the button, the place). */
  shown: string;
  /** The tap was the quick exit. */
  quickExit: boolean;
}

/**
 * Read a posted form. Undefined when it is not one of the four shapes, or names a place
 * the directory does not locate.
 *
 * @param langHint the browser's preferred language (`Accept-Language`), like Telegram's
 *   `language_code`: used only while the conversation has no language yet
 * @param pinLabel how a shared point reads in the person's bubble ("📍 Location shared")
 */
export function readPost(
  body: unknown,
  o: { places: PlaceLookup; langHint?: string; pinLabel: string },
): WebIncoming | undefined {
  const parsed = posted.safeParse(body);
  if (!parsed.success) return undefined;
  const p = parsed.data;
  const hint = o.langHint ? { langHint: o.langHint } : {};
  const base = { id: p.mid, quickExit: false };
  if ("text" in p)
    return {
      ...base,
      inbound: { kind: "text", text: p.text, origin: p.mid, ...hint },
      shown: p.text,
    };
  if ("option" in p) {
    return {
      ...base,
      inbound: { kind: "choice", stepRef: p.stepRef, option: p.option, origin: p.mid, ...hint },
      shown: p.label ?? "",
      quickExit: p.option === EXIT,
    };
  }
  if ("place" in p) {
    const place = o.places(p.place);
    if (!place) return undefined;
    const inbound: Inbound = { kind: "location", lat: place.lat, lon: place.lon, origin: p.mid };
    return { ...base, inbound: { ...inbound, ...hint }, shown: `📍 ${place.name}` };
  }
  return {
    ...base,
    inbound: { kind: "location", lat: p.lat, lon: p.lon, origin: p.mid, ...hint },
    shown: o.pinLabel,
  };
}

/** The first language the browser prefers (`id-ID,id;q=0.9,en;q=0.8` -> `id`). */
export function browserLanguage(header: string | undefined): string | undefined {
  const first = header?.split(",")[0]?.split(";")[0]?.trim().split("-")[0]?.toLowerCase();
  return first && /^[a-z]{2,3}$/.test(first) ? first : undefined;
}
