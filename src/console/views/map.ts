/**
 * A map pin without map tiles: the countries around the pin drawn as an inline SVG from
 * the borders `@rapideditor/country-coder` already ships (the place resolver uses them),
 * and a dot. Nothing is fetched from anywhere, so the person's position never leaves the
 * operator's browser for a tile server.
 */
import { borders } from "@rapideditor/country-coder";
import { html } from "ghtml";

/** Degrees shown around the pin in each direction. */
const SPAN = 4;
const SIZE = 240;

type Ring = number[][];

function rings(geometry: { type: string; coordinates: unknown }): Ring[] {
  if (geometry.type === "Polygon") return geometry.coordinates as Ring[];
  if (geometry.type === "MultiPolygon") return (geometry.coordinates as Ring[][]).flat();
  return [];
}

/** Whether a ring has a point within the box (a cheap filter; SVG clips the rest). */
function near(ring: Ring, lat: number, lon: number): boolean {
  return ring.some(
    ([x, y]) =>
      Math.abs((x as number) - lon) < SPAN * 2 && Math.abs((y as number) - lat) < SPAN * 2,
  );
}

/** An SVG of the area around (lat, lon) with the pin at its centre, or "" when unknown. */
export function pinMap(lat: number, lon: number, label: string): string {
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return "";
  const scale = SIZE / (SPAN * 2);
  const x = (lo: number) => ((lo - lon + SPAN) * scale).toFixed(1);
  const y = (la: number) => ((lat + SPAN - la) * scale).toFixed(1);
  const paths: string[] = [];
  for (const feature of borders.features) {
    if (!feature.geometry) continue;
    for (const ring of rings(feature.geometry)) {
      if (!near(ring, lat, lon)) continue;
      const d = ring.map(([lo, la], i) => `${i ? "L" : "M"}${x(lo as number)} ${y(la as number)}`);
      paths.push(`${d.join("")}Z`);
    }
  }
  const c = SIZE / 2;
  return html`<svg class="pin-map" viewBox="0 0 ${SIZE} ${SIZE}" role="img" aria-label="${label}">
<rect width="${SIZE}" height="${SIZE}" class="sea"/>
!${paths.map((d) => html`<path d="${d}" class="land"/>`).join("")}
<circle cx="${c}" cy="${c}" r="6" class="pin"/>
</svg>`;
}
