/**
 * Reading `directory/*.yaml`: parse, check each file against its schema, then check what
 * spans entries and files. Every problem names the file, the entry and the field, and says
 * what is allowed, so a coordinator can fix the data without reading code.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { normalize } from "../engine/text-match.js";
import {
  type Contact,
  type DirectoryData,
  emergencyFileSchema,
  missionsFileSchema,
  nameText,
  nationalFileSchema,
  type PlaceName,
  placesFileSchema,
} from "./schema.js";

/** The files a directory is made of. */
export const DIRECTORY_FILES = {
  missions: "missions.yaml",
  national: "national.yaml",
  emergency: "emergency.yaml",
  places: "places.yaml",
} as const;

/** One thing wrong in the directory files. */
export interface DirectoryProblem {
  file: string;
  /** The entry's id (`kbri_bangkok.hotline`), country code, or "" for the whole file. */
  entry: string;
  /** Path inside the entry, e.g. `value` or `sources[0].date`; "" for the entry itself. */
  field: string;
  message: string;
}

/** The directory cannot be used; `problems` lists every reason. */
export class DirectoryError extends Error {
  override readonly name = "DirectoryError";
  constructor(readonly problems: readonly DirectoryProblem[]) {
    super(
      `The directory has ${problems.length} problem(s):\n${problems.map(formatDirectoryProblem).join("\n")}`,
    );
  }
}

/** `directory/missions.yaml › kbri_bangkok.hotline › value: a phone number...` */
export function formatDirectoryProblem(p: DirectoryProblem): string {
  const where = [p.file, p.entry, p.field].filter((s) => s !== "").join(" › ");
  return `  ${where}: ${p.message}`;
}

/**
 * Read and check every directory file in `dir`.
 *
 * @throws DirectoryError listing every problem in every file, so one run fixes them all.
 */
export function loadDirectory(dir: string): DirectoryData {
  const problems: DirectoryProblem[] = [];
  const file = (name: string): string => join(dir, name);
  const missions = readChecked(file(DIRECTORY_FILES.missions), missionsFileSchema, problems);
  const national = readChecked(file(DIRECTORY_FILES.national), nationalFileSchema, problems);
  const emergency = readChecked(file(DIRECTORY_FILES.emergency), emergencyFileSchema, problems);
  const places = readChecked(file(DIRECTORY_FILES.places), placesFileSchema, problems);
  if (!missions || !national || !emergency || !places) throw new DirectoryError(problems);
  const data: DirectoryData = {
    missions: missions.missions,
    national,
    emergency: emergency.countries,
    countries: places.countries,
    places: places.places,
  };
  problems.push(...crossCheckDirectory(data, dir));
  if (problems.length > 0) throw new DirectoryError(problems);
  return data;
}

function readChecked<T>(
  file: string,
  schema: z.ZodType<T>,
  problems: DirectoryProblem[],
): T | undefined {
  if (!existsSync(file)) {
    problems.push({
      file,
      entry: "",
      field: "",
      message: "missing: the directory needs this file",
    });
    return undefined;
  }
  const doc = parseDocument(readFileSync(file, "utf8"), { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({ file, entry: "", field: "", message: `not valid YAML: ${e.message}` });
    }
    return undefined;
  }
  const raw: unknown = doc.toJS();
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push({ file, ...locate(raw, issue.path), message: describeIssue(issue) });
  }
  return undefined;
}

/**
 * Name the entry an error sits in by its id rather than its position: coordinators
 * search the file for `kbri_bangkok.hotline`, not for "the third item".
 */
function locate(raw: unknown, path: readonly PropertyKey[]): { entry: string; field: string } {
  let node: unknown = raw;
  let entry = "";
  let rest: string[] = [];
  for (const key of path) {
    node =
      isObject(node) || Array.isArray(node)
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined;
    const ownId = isObject(node) && typeof node.id === "string" ? node.id : undefined;
    const isCountryKey = typeof key === "string" && /^[A-Z]{2}$/.test(key);
    if (ownId !== undefined || isCountryKey) {
      entry = ownId ?? String(key);
      rest = [];
      continue;
    }
    rest.push(typeof key === "number" ? `[${key}]` : `${rest.length > 0 ? "." : ""}${String(key)}`);
  }
  return { entry, field: rest.join("") };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}: check the spelling against the file's header comment`;
  }
  return issue.message;
}

/** A contact and where it lives, for checks and reports. */
export interface LocatedContact {
  contact: Contact;
  file: string;
  /** Mission id, `national`, or the country code of a local emergency number. */
  owner: string;
}

/** Every contact in the directory, mission contacts first, in file order. */
export function allContacts(data: DirectoryData, dir = "directory"): LocatedContact[] {
  const out: LocatedContact[] = [];
  const missionsFile = join(dir, DIRECTORY_FILES.missions);
  for (const m of data.missions) {
    for (const contact of m.contacts) out.push({ contact, file: missionsFile, owner: m.id });
  }
  for (const contact of data.national.contacts) {
    out.push({ contact, file: join(dir, DIRECTORY_FILES.national), owner: "national" });
  }
  for (const [code, entry] of Object.entries(data.emergency)) {
    for (const contact of entry.contacts) {
      out.push({ contact, file: join(dir, DIRECTORY_FILES.emergency), owner: code });
    }
  }
  return out;
}

/** Checks that span entries and files; returns every problem found. */
export function crossCheckDirectory(data: DirectoryData, dir = "directory"): DirectoryProblem[] {
  const problems: DirectoryProblem[] = [];
  const contacts = allContacts(data, dir);
  checkUniqueContacts(contacts, problems);
  checkUniqueIds(data, dir, problems);
  checkReferences(data, dir, contacts, problems);
  checkRejected(data, dir, problems);
  checkNotReadded(contacts, problems);
  checkMissionsReachable(data, dir, problems);
  checkNames(data, dir, problems);
  return problems;
}

function checkUniqueContacts(contacts: LocatedContact[], problems: DirectoryProblem[]): void {
  const seen = new Map<string, string>();
  for (const { contact, file } of contacts) {
    const first = seen.get(contact.id);
    if (first !== undefined) {
      problems.push({
        file,
        entry: contact.id,
        field: "id",
        message: `used twice (also in ${first}): ids must be unique`,
      });
    }
    seen.set(contact.id, file);
  }
}

function checkUniqueIds(data: DirectoryData, dir: string, problems: DirectoryProblem[]): void {
  const groups: [string, string[]][] = [
    [join(dir, DIRECTORY_FILES.missions), data.missions.map((m) => m.id)],
    [join(dir, DIRECTORY_FILES.places), data.places.map((p) => p.id)],
    [join(dir, DIRECTORY_FILES.places), data.countries.map((c) => c.code)],
  ];
  for (const [file, ids] of groups) {
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i)
        problems.push({ file, entry: id, field: "", message: "listed twice: ids must be unique" });
    });
  }
}

function checkReferences(
  data: DirectoryData,
  dir: string,
  contacts: LocatedContact[],
  problems: DirectoryProblem[],
): void {
  const missionsFile = join(dir, DIRECTORY_FILES.missions);
  const placesFile = join(dir, DIRECTORY_FILES.places);
  const missionIds = new Set(data.missions.map((m) => m.id));
  const countries = new Set(data.countries.map((c) => c.code));
  const usable = new Set(
    contacts.filter((c) => c.contact.status !== "do_not_use").map((c) => c.contact.id),
  );
  const missionList = [...missionIds].join(", ");
  const need = (ok: boolean, p: Omit<DirectoryProblem, "message">, message: string): void => {
    if (!ok) problems.push({ ...p, message });
  };
  for (const m of data.missions) {
    need(
      countries.has(m.country),
      { file: missionsFile, entry: m.id, field: "country" },
      `"${m.country}" is not listed under countries in ${placesFile}`,
    );
    (m.also_show ?? []).forEach((ref, i) => {
      need(
        usable.has(ref),
        { file: missionsFile, entry: m.id, field: `also_show[${i}]` },
        `"${ref}" is not a contact that may be shown`,
      );
    });
  }
  data.national.blocks.national.forEach((ref, i) => {
    const file = join(dir, DIRECTORY_FILES.national);
    need(
      usable.has(ref),
      { file, entry: "blocks", field: `national[${i}]` },
      `"${ref}" is not a contact that may be shown`,
    );
  });
  for (const c of data.countries) {
    need(
      c.mission === null || missionIds.has(c.mission),
      { file: placesFile, entry: c.code, field: "mission" },
      `unknown mission "${c.mission}"; known: ${missionList}`,
    );
  }
  for (const p of data.places) {
    need(
      countries.has(p.country),
      { file: placesFile, entry: p.id, field: "country" },
      `"${p.country}" is not listed under countries`,
    );
    need(
      p.mission === undefined || missionIds.has(p.mission),
      { file: placesFile, entry: p.id, field: "mission" },
      `unknown mission "${p.mission}"; known: ${missionList}`,
    );
    const serving = p.mission ?? data.countries.find((c) => c.code === p.country)?.mission;
    (p.also_missions ?? []).forEach((ref, i) => {
      const where = { file: placesFile, entry: p.id, field: `also_missions[${i}]` };
      need(missionIds.has(ref), where, `unknown mission "${ref}"; known: ${missionList}`);
      need(ref !== serving, where, `"${ref}" already serves ${p.id}: list only other missions`);
    });
  }
  for (const code of Object.keys(data.emergency)) {
    need(
      countries.has(code),
      { file: join(dir, DIRECTORY_FILES.emergency), entry: code, field: "" },
      `"${code}" is not listed under countries in ${placesFile}`,
    );
  }
}

/** Known typos (KBRI Bangkok's hotline with +65, Singapore) must never come back. */
function checkRejected(data: DirectoryData, dir: string, problems: DirectoryProblem[]): void {
  const file = join(dir, DIRECTORY_FILES.missions);
  for (const m of data.missions) {
    for (const pattern of m.reject_patterns ?? []) {
      const re = new RegExp(pattern);
      for (const c of m.contacts) {
        if (c.status === "do_not_use" || !re.test(c.value ?? "")) continue;
        const why = m.reject_reason ? ` (${m.reject_reason})` : "";
        problems.push({
          file,
          entry: c.id,
          field: "value",
          message: `matches rejected pattern ${pattern}${why}`,
        });
      }
    }
  }
}

/** A number marked do-not-use must not reappear under another id. */
function checkNotReadded(contacts: LocatedContact[], problems: DirectoryProblem[]): void {
  const banned = new Map<string, string>();
  for (const { contact } of contacts) {
    if (contact.status === "do_not_use" && contact.value) banned.set(valueKey(contact), contact.id);
  }
  for (const { contact, file } of contacts) {
    if (contact.status === "do_not_use" || !contact.value) continue;
    const ban = banned.get(valueKey(contact));
    if (ban !== undefined) {
      problems.push({
        file,
        entry: contact.id,
        field: "value",
        message: `same as "${ban}", which is marked do_not_use`,
      });
    }
  }
}

/** Phones compare by digits (+855-12-810-005 is +855 12 810 005); the rest by words. */
export function valueKey(c: Pick<Contact, "kind" | "value">): string {
  const value = c.value ?? "";
  if (c.kind !== "phone" && c.kind !== "whatsapp") return normalize(value);
  const [main = "", ext] = value.split(/ ext\.? /);
  return main.replace(/\D/g, "") + (ext ? `x${ext}` : "");
}

/** Every mission needs a number to call, or its `mission` block would be empty. */
function checkMissionsReachable(
  data: DirectoryData,
  dir: string,
  problems: DirectoryProblem[],
): void {
  const file = join(dir, DIRECTORY_FILES.missions);
  for (const m of data.missions) {
    const callable = m.contacts.some(
      (c) => c.status === "active" && (c.kind === "phone" || c.kind === "whatsapp"),
    );
    if (!callable) {
      problems.push({
        file,
        entry: m.id,
        field: "contacts",
        message: "needs at least one active phone or whatsapp contact",
      });
    }
  }
}

/** A name that means two places would make typed answers a coin toss. */
function checkNames(data: DirectoryData, dir: string, problems: DirectoryProblem[]): void {
  const file = join(dir, DIRECTORY_FILES.places);
  const owner = new Map<string, string>();
  const add = (placeName: PlaceName, entry: string, field: string): void => {
    const name = nameText(placeName);
    const key = normalize(name);
    const first = owner.get(key);
    if (key === "") {
      problems.push({ file, entry, field, message: "a name needs letters or digits" });
    } else if (first !== undefined && first !== entry) {
      problems.push({ file, entry, field, message: `"${name}" already names ${first}` });
    }
    owner.set(key, entry);
  };
  for (const c of data.countries) {
    c.names.forEach((n, i) => {
      add(n, c.code, `names[${i}]`);
    });
  }
  for (const p of data.places) {
    p.names.forEach((n, i) => {
      add(n, p.id, `names[${i}]`);
    });
  }
}
