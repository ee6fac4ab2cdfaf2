import { readEvalSet } from "./src/evaluation/understanding.js";
import { realBundle } from "./test/helpers/content.js";

const b = realBundle();
const items = readEvalSet("test/understanding/eval-set", ["id", "en"]).filter((i) => i.intent);
const rows: [string, string, number, number][] = [];
for (const i of items) {
  const r = b.understanding.read(i.text);
  if (r.intent) rows.push([i.intent!, r.intent.name, r.intent.score, r.intent.strength]);
}
for (const th of [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]) {
  const kept = rows.filter((r) => r[3] >= th);
  const right = kept.filter((r) => r[0] === r[1]).length;
  const wrongKept = kept.length - right;
  const rightDropped = rows.filter((r) => r[3] < th && r[0] === r[1]).length;
  console.log(
    th,
    "kept",
    kept.length,
    "right",
    right,
    "wrong",
    wrongKept,
    "right dropped",
    rightDropped,
  );
}
