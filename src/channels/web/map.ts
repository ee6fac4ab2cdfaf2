/**
 * The built-in map and the list of known places, from data already on this machine: the
 * country outlines country-coder carries (the same ones a shared pin is resolved with) and
 * the places of `directory/places.yaml`. No tiles, no map service: a place a person picks
 * never leaves their browser except to this helpline.
 */
import { feature } from "@rapideditor/country-coder";
import type { DirectoryData } from "../../directory/index.js";
import { nameText } from "../../directory/schema.js";

/** A known place a person can pick from the list. */
export interface KnownPlace {
  id: string;
  name: string;
  country: string;
  lat: number;
  lon: number;
}

/** One country's outline as an SVG path (x = longitude, y = -latitude). */
export interface Outline {
  code: string;
  d: string;
}

/** The map: a window over mainland Southeast Asia, where most compounds are. */
export interface RegionMap {
  /** SVG viewBox in degrees: west, -north, width, height. */
  viewBox: string;
  outlines: Outline[];
  /** Places inside the window, as markers. */
  places: KnownPlace[];
  /** Where each country's name is written on the map (ISO code, longitude, latitude). */
  labels: { code: string; lon: number; lat: number }[];
}

/** Inside each country, clear of the border places' markers. */
const LABELS = [
  { code: "MM", lon: 95.2, lat: 21.5 },
  { code: "TH", lon: 100.6, lat: 15.6 },
  { code: "LA", lon: 102.4, lat: 19.6 },
  { code: "KH", lon: 104.2, lat: 12.9 },
  { code: "VN", lon: 105.6, lat: 21.4 },
  { code: "MY", lon: 101.9, lat: 4.4 },
];

/** West, south, east, north: from the Bay of Bengal to the South China Sea. */
const WINDOW = { west: 92, south: 1, east: 110, north: 24 } as const;
/** Drawn in this order; ids are country-coder's (Q1973345: Peninsular Malaysia; Q19188: mainland China). */
const DRAWN = ["Q19188", "Q6736667", "BD", "MM", "TH", "LA", "VN", "KH", "Q1973345", "SG"] as const;

/** Every place the directory locates, grouped later by country. */
export function knownPlaces(data: DirectoryData): KnownPlace[] {
  return data.places.flatMap((p) =>
    p.coords
      ? [
          {
            id: p.id,
            name: nameText(p.names[0] as (typeof p.names)[number]),
            country: p.country,
            lat: p.coords.lat,
            lon: p.coords.lon,
          },
        ]
      : [],
  );
}

/** The region map with the known places inside its window. */
export function regionMap(places: readonly KnownPlace[]): RegionMap {
  const inside = (p: KnownPlace) =>
    p.lon >= WINDOW.west && p.lon <= WINDOW.east && p.lat >= WINDOW.south && p.lat <= WINDOW.north;
  return {
    viewBox: `${WINDOW.west} ${-WINDOW.north} ${WINDOW.east - WINDOW.west} ${WINDOW.north - WINDOW.south}`,
    outlines: DRAWN.flatMap((code) => {
      const d = outlinePath(code);
      return d ? [{ code, d }] : [];
    }),
    places: places.filter(inside),
    labels: LABELS,
  };
}

type Ring = [number, number][];

function outlinePath(code: string): string | undefined {
  const geometry = feature(code)?.geometry;
  if (!geometry) return undefined;
  const polygons: Ring[][] =
    geometry.type === "MultiPolygon" ? (geometry.coordinates as Ring[][]) : [];
  const rings = polygons.flat();
  const d = rings
    .map((ring) => `M${ring.map(([lon, lat]) => `${round(lon)},${round(-lat)}`).join("L")}Z`)
    .join("");
  return d.length > 0 ? d : undefined;
}

function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}
