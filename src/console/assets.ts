/**
 * The console's own stylesheet and the dashboard's chart script, kept as TypeScript
 * strings so the compiled build (`dist/`, where `src/` is gone) carries them with no copy
 * step. Third-party files (htmx, its SSE extension, uPlot) are served from their packages.
 */

export const CONSOLE_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #4d5560; --line: #c9ced6; --bg: #fff;
  --p1: #b3261e; --p2: #a35200; --p3: #6b5d00; --ok: #1d6b35; --accent: #0b57d0; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 12px;
  border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; }
header nav ul { display: flex; flex-wrap: wrap; gap: 4px 12px; list-style: none; margin: 0; padding: 0; }
header nav a[aria-current] { font-weight: 700; text-decoration: none; }
header .tools { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-left: auto; }
main { padding: 12px; max-width: 72rem; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: 0.3em 0; }
h2 { font-size: 1.1rem; }
.hint, .empty { color: var(--muted); }
.narrow { max-width: 24rem; margin: 0 auto; }
.stack { display: flex; flex-direction: column; gap: 6px; max-width: 40rem; margin: 12px 0; }
form.inline { display: inline-flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 0; }
input, select, textarea, button { font: inherit; min-height: 44px; padding: 6px 10px; }
textarea { min-height: 5rem; width: 100%; }
button { border: 1px solid var(--line); background: #f2f4f7; border-radius: 6px; cursor: pointer; }
button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
.notice { padding: 8px 12px; border-radius: 6px; border: 1px solid; }
.notice.error { color: var(--p1); border-color: var(--p1); background: #fdf2f1; }
.notice.ok { color: var(--ok); border-color: var(--ok); background: #f0f8f2; }
ol.queue { list-style: none; padding: 0; display: grid; gap: 8px; }
ol.queue li { border: 1px solid var(--line); border-left: 6px solid var(--line); border-radius: 6px; padding: 8px 10px; }
ol.queue li.p1 { border-left-color: var(--p1); }
ol.queue li.p2 { border-left-color: var(--p2); }
ol.queue li.p3 { border-left-color: var(--p3); }
ol.queue a { display: flex; flex-wrap: wrap; gap: 4px 12px; font-weight: 600; }
ol.queue .prio { font-weight: 700; }
ol.queue li.overdue { background: #fdf2f1; }
ol.queue .flag { font-weight: 700; }
.reattach { border: 2px solid var(--p2); border-radius: 6px; padding: 8px 10px; margin: 12px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0 0; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
.card { white-space: pre-line; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow-wrap: anywhere; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
fieldset.outcomes { display: flex; flex-wrap: wrap; gap: 4px 12px; border: 1px solid var(--line); border-radius: 6px; }
label.choice { display: inline-flex; align-items: center; gap: 4px; min-height: 44px; }
ol.messages { list-style: none; padding: 0; display: grid; gap: 6px; }
.msg { border-radius: 8px; padding: 6px 10px; max-width: 40rem; overflow-wrap: anywhere; }
.msg p { margin: 2px 0; white-space: pre-wrap; }
.msg.person { background: #eef1f5; }
.msg.operator { background: #e6f0ff; margin-left: auto; }
.msg.event { color: var(--muted); font-size: 0.9rem; }
.msg .from { font-weight: 600; }
.delivery { font-size: 0.85rem; color: var(--muted); }
.delivery.done { color: var(--ok); }
.pin-map { width: 240px; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
.pin-map .sea { fill: #dbe8f5; }
.pin-map .land { fill: #f4f1e8; stroke: #8a8f96; stroke-width: 0.8; }
.pin-map .pin { fill: var(--p1); stroke: #fff; stroke-width: 2; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 12px 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
tr.stale, tr.unverified { background: #fff6e0; }
tr.refused td { color: var(--p1); }
.flag { color: var(--p1); }
.qr svg { width: 220px; height: 220px; }
.chart { min-height: 240px; }
.summary { margin: 12px 0; }
@media (max-width: 600px) {
  main { padding: 8px; }
  header .tools { margin-left: 0; }
}
`;

/** Draws the cases-per-day chart from the figures the page carries (`data-figures`). */
export const DASHBOARD_JS = `
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("chart-priority");
    if (!el || typeof uPlot === "undefined") return;
    var data = JSON.parse(el.getAttribute("data-figures") || "{}");
    var days = data.days || [];
    var perDay = (data.perDay && data.perDay.priority) || {};
    var xs = days.map(function (d) { return Date.parse(d + "T12:00:00Z") / 1000; });
    var colours = { P1: "#b3261e", P2: "#a35200", P3: "#6b5d00" };
    var series = [{}];
    var columns = [xs];
    ["P1", "P2", "P3"].forEach(function (p) {
      series.push({ label: p, stroke: colours[p], width: 2 });
      columns.push(perDay[p] || days.map(function () { return 0; }));
    });
    var width = Math.min(el.clientWidth || 600, 900);
    new uPlot({ width: width, height: 220, series: series, axes: [{}, { label: "" }] }, columns, el);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
`;
