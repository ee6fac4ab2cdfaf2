import { realBundle } from "./test/helpers/content.js";

const b = realBundle();
for (const t of process.argv.slice(2)) {
  const r = b.understanding.read(t);
  console.log(JSON.stringify(t), r.tokens.map((x) => x.word).join(" "));
  console.log(
    "  ",
    JSON.stringify({
      danger: r.danger,
      facts: r.facts,
      plea: r.plea,
      intent: r.intent,
      lang: r.lang,
      place: r.place,
      number: r.number,
    }),
  );
}
