/**
 * The shape of the directory files in `directory/`: missions and their contacts, the
 * national channels, local emergency numbers, and the places gazetteer. Coordinators edit
 * these files without code, so every rule here says what is allowed when it fails.
 *
 * This is the first check; `load.ts` then checks what spans entries and files (ids unique,
 * references resolve, source dates agree, nothing re-adds a do-not-use number).
 */
import { z } from "zod";

/** YAML reads `2025` or `117` unquoted as numbers; the directory wants them as text. */
const asText = (v: unknown): unknown => (typeof v === "number" ? String(v) : v);

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "use lowercase letters, digits and _ (e.g. `kbri_phnom_penh`)");

/** Contact ids are what flows write after `contact:`; dots group them by owner. */
const contactId = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/,
    "use lowercase letters, digits, _ and dots (e.g. `kbri_phnom_penh.hotline_protection`)",
  );

/** ISO 3166-1 alpha-2, as country-coder returns it. */
export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 country code in capitals, e.g. KH, MM, LA, TH");

/** Sources are often dated only to the month or year ("Kemlu page, 2025-10"). */
const partialDate = z.preprocess(
  asText,
  z
    .string()
    .regex(
      /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/,
      "a date: YYYY, YYYY-MM or YYYY-MM-DD",
    ),
);

const fullDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "a date YYYY-MM-DD (e.g. 2026-12-01)");

const sourceSchema = z.strictObject({
  name: z.string().min(1, "say who published it (e.g. `merahputih.com`)"),
  date: partialDate.nullable(),
});

/** How a contact is reached; `in_person` has no value (report at a police station). */
export const CONTACT_KINDS = [
  "whatsapp",
  "phone",
  "email",
  "web",
  "address",
  "app",
  "in_person",
] as const;
/** As defined in contacts.md: high = two independent sources, one from 2024 or later. */
export const CONFIDENCES = ["high", "medium", "low"] as const;
/** `hold`: conflicting, never shown until checked; `do_not_use`: never shown, kept as a warning. */
export const STATUSES = ["active", "hold", "do_not_use"] as const;

/** One way to reach a mission or a channel, with where the fact came from. */
export const contactSchema = z
  .strictObject({
    id: contactId,
    label: id.describe("Text key under `label.` in locales/<lng>/directory.json."),
    kind: z.enum(CONTACT_KINDS),
    value: z.preprocess(asText, z.string()).optional(),
    to: z
      .preprocess(asText, z.string().regex(/^\d+$/, "digits only: the end of a number range"))
      .optional()
      .describe("Last digits of a number range: +63 2 8892 5061 `to: 5068`."),
    hotline: z.boolean().default(false),
    show_first: z.boolean().default(false),
    confidence: z.enum(CONFIDENCES),
    status: z.enum(STATUSES),
    sources: z.array(sourceSchema).min(1, "at least one source (name and date)"),
    source_date: partialDate.nullable(),
    last_verified: fullDate.nullable(),
    verified_by: z.string().min(1).optional(),
    note: z.string().min(1).optional(),
  })
  .superRefine(checkContact);

export type Contact = z.infer<typeof contactSchema>;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export type Confidence = (typeof CONFIDENCES)[number];

const PHONE = /^\+?\d[\d ()-]*\d( ext\.? \d+)?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const WEB = /^[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i;

function checkContact(c: Contact, ctx: z.RefinementCtx): void {
  const problem = (path: string, message: string): void => {
    ctx.addIssue({ code: "custom", path: [path], message });
  };
  const value = c.value ?? "";
  if (c.kind !== "in_person" && value.trim() === "")
    problem("value", `required for kind ${c.kind}`);
  if ((c.kind === "phone" || c.kind === "whatsapp") && value && !PHONE.test(value)) {
    problem("value", "a phone number: digits, spaces, - and ( ), optionally starting with +");
  }
  if (c.kind === "email" && value && !EMAIL.test(value)) problem("value", "an email address");
  if (c.kind === "web" && value && !WEB.test(value)) {
    problem("value", "a web address without https://, e.g. peduliwni.kemlu.go.id");
  }
  if (c.to !== undefined && c.kind !== "phone" && c.kind !== "whatsapp") {
    problem("to", "only phone numbers can have a range");
  }
  if (c.status !== "active" && !c.note)
    problem("note", `required when status is ${c.status}: say why`);
  if (c.verified_by && !c.last_verified) problem("verified_by", "set last_verified too");
  const newest = newestDate(c.sources.map((s) => s.date));
  if (c.source_date !== newest) {
    problem(
      "source_date",
      `must be the newest source date (${newest ?? "null: no source is dated"})`,
    );
  }
}

/** The latest of some partial dates; "2025-10" sorts before "2025-10-05", as it should. */
export function newestDate(dates: readonly (string | null)[]): string | null {
  let newest: string | null = null;
  for (const d of dates) if (d !== null && (newest === null || d > newest)) newest = d;
  return newest;
}

const missionSchema = z.strictObject({
  id,
  kind: z.enum(["embassy", "consulate"]),
  country: countryCode,
  reject_patterns: z
    .array(z.string().refine(isRegex, "a valid regular expression, e.g. `^\\+65`"))
    .optional()
    .describe("Values no contact of this mission may have (known typos)."),
  reject_reason: z.string().optional(),
  notice: id.optional().describe("Text key under `notice.` shown after the mission's lines."),
  also_show: z
    .array(contactId)
    .optional()
    .describe("National channels shown with this mission (e.g. while it has no hotline)."),
  contacts: z.array(contactSchema).min(1),
});

export type Mission = z.infer<typeof missionSchema>;

function isRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

/** `directory/missions.yaml`. */
export const missionsFileSchema = z.strictObject({ missions: z.array(missionSchema).min(1) });

const organisationSchema = z.strictObject({ id, name: z.string().min(1), note: z.string().min(1) });

/** `directory/national.yaml`: national channels and what the `national` block shows. */
export const nationalFileSchema = z.strictObject({
  contacts: z.array(contactSchema).min(1),
  blocks: z.strictObject({
    national: z.array(contactId).min(1).describe("What the `national` block shows, in order."),
  }),
  organisations: z.array(organisationSchema).optional(),
});

export type NationalFile = z.infer<typeof nationalFileSchema>;

const emergencyCountrySchema = z.strictObject({
  contacts: z.array(contactSchema),
  note: z.string().optional(),
});

/** `directory/emergency.yaml`: local emergency numbers by country code. */
export const emergencyFileSchema = z.strictObject({
  countries: z.record(countryCode, emergencyCountrySchema),
});

export type EmergencyFile = z.infer<typeof emergencyFileSchema>;

const latLon = z.strictObject({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});

export type LatLon = z.infer<typeof latLon>;

/**
 * What people type for a place. A bare string forgives one-letter typos in long words;
 * `{ name, typos: false }` does not, for names one typo away from an everyday word
 * (Pasay/pasar, Bamban/Bambang, Kandal/Kendal).
 */
const nameSchema = z.union([
  z.string().min(1),
  z.strictObject({ name: z.string().min(1), typos: z.boolean() }),
]);

export type PlaceName = z.infer<typeof nameSchema>;

const countrySchema = z.strictObject({
  code: countryCode,
  mission: id.nullable().describe("The mission serving this country; null when none."),
  names: z.array(nameSchema).min(1),
});

const placeSchema = z.strictObject({
  id,
  country: countryCode,
  kind: z.enum(["city", "province", "region", "area", "compound", "border_crossing"]),
  names: z.array(nameSchema).min(1),
  coords: latLon.optional(),
  core_km: z
    .number()
    .positive()
    .max(20)
    .optional()
    .describe("Within this distance the place's country wins over the map's coarse border."),
  area: z
    .array(z.tuple([z.number(), z.number()]))
    .min(3)
    .optional()
    .describe("A rough outline as [lat, lon] points; a pin inside resolves to this place."),
  mission: id.optional().describe("A mission other than the country's (e.g. a consulate)."),
  also_missions: z
    .array(id)
    .superRefine(checkAlsoMissions)
    .optional()
    .describe(
      "Missions shown after the serving one: across a border river, where people cross (KK Park: KBRI Bangkok too).",
    ),
  source: z.string().optional(),
});

export type Place = z.infer<typeof placeSchema>;

/** One message holds the serving mission and at most two more (500 characters). */
function checkAlsoMissions(ids: string[], ctx: z.RefinementCtx): void {
  const problem = (message: string): void => {
    ctx.addIssue({ code: "custom", message });
  };
  if (ids.length === 0) problem("list at least one mission id, or leave the field out");
  if (ids.length > 2) problem("at most 2: a message holds 500 characters");
  if (new Set(ids).size !== ids.length) problem("a mission is listed twice");
}
export type Country = z.infer<typeof countrySchema>;

/** `directory/places.yaml`: countries, places, and which mission serves them. */
export const placesFileSchema = z.strictObject({
  countries: z.array(countrySchema).min(1),
  places: z.array(placeSchema).min(1),
});

/** Everything in `directory/`, checked. */
export interface DirectoryData {
  missions: Mission[];
  national: NationalFile;
  emergency: EmergencyFile["countries"];
  countries: Country[];
  places: Place[];
}

/** The text of a place name, whichever way it was written. */
export function nameText(n: PlaceName): string {
  return typeof n === "string" ? n : n.name;
}
