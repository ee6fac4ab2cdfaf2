import { readFileSync } from "node:fs";
import { realBundle } from "./test/helpers/content.js";

const b = realBundle();
const u: any = b.understanding;
const toks = u.tokens(process.argv[2]);
const v = JSON.parse(readFileSync("locales/id/understanding.json", "utf8"));
for (const [fact, ps] of Object.entries(v.facts) as any) {
  const l = u.phrases();
  for (const p of ps) l.add(p, p);
  const h = l.hits(toks);
  if (h.length)
    console.log(
      fact,
      h.map((x: any) => x.value + "@" + x.start),
    );
}
for (const k of ["past", "negation", "neutral"]) {
  const l = u.phrases();
  for (const p of v[k]) l.add(p, p);
  console.log(
    k,
    l.hits(toks).map((x: any) => x.value + "@" + x.start),
  );
}
