import { realBundle } from "./test/helpers/content.js";

const b = realBundle();
const u = b.understanding;
const [stepRef, ...texts] = process.argv.slice(2);
const st = b.flows.steps.get(stepRef!)!;
for (const t of texts) {
  const r = u.read(t);
  const hits = st.matcher ? st.matcher.hits(r.tokens) : [];
  console.log(
    JSON.stringify(t),
    hits.map((h) => `${h.value}@${h.start}+${h.length}/${h.words}${h.exact ? "" : "~"}`).join(" "),
    "live:",
    st.matcher
      ? u
          .liveHits(r, st.matcher)
          .map((h) => h.value)
          .join(",")
      : "",
  );
}
