/**
 * The web chat's HTML, rendered on the server with preact-render-to-string: every value
 * (a person's words, a bot reply, a place name) is escaped by the renderer, never pasted
 * into markup. htmx posts the forms and swaps in what the server-sent events carry: new
 * bubbles at the end of the log, deleted bubbles removed (`hx-swap-oob="delete"`), the
 * page's own words when the conversation's language changes.
 */
import { html as htmlOf } from "htm/preact";
import type { VNode } from "preact";
import { render } from "preact-render-to-string";
import type { Texts } from "../../engine/types.js";
import type { KnownPlace, RegionMap } from "./map.js";
import type { WebButton, WebMessage } from "./render.js";

/** Markup with every interpolated value escaped (htm over preact). */
const html = htmlOf as (strings: TemplateStringsArray, ...values: unknown[]) => VNode;

/** Where the page's files and endpoints are. */
export const PATHS = {
  page: "/",
  send: "/chat/send",
  events: "/chat/events",
  assets: "/web/",
} as const;

/** What the page is rendered from. */
export interface PageModel {
  lang: string;
  texts: Texts;
  /** A new conversation id; the tab keeps its own if it has one already. */
  chat: string;
  map: RegionMap;
  places: readonly KnownPlace[];
}

/** The page's own words that follow the conversation's language, by element id. */
const CHROME = {
  "t-exit": "web:exit",
  "t-exit-hint": "web:exit_hint",
  "t-intro": "web:intro",
  "t-message": "web:message_label",
  "t-send": "web:send",
  "t-map-title": "web:map.title",
  "t-map-hint": "web:map.hint",
  "t-map-share": "web:map.share",
  "t-map-places": "web:map.places",
  "t-map-close": "web:map.close",
} as const;

type ChromeId = keyof typeof CHROME;

/** The whole page, as sent for `GET /`. */
export function page(m: PageModel): string {
  const t = (key: string) => m.texts.t(m.lang, key);
  const say = (id: ChromeId) => html`<span id=${id}>${t(CHROME[id])}</span>`;
  const body = html`
    <html lang=${m.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          name="htmx-config"
          content='{"allowEval":false,"allowScriptTags":false,"includeIndicatorStyles":false,"selfRequestsOnly":true,"historyCacheSize":0,"refreshOnHistoryMiss":true}'
        />
        <title>${t("web:title")}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href=${`${PATHS.assets}chat.css`} />
        <script src=${`${PATHS.assets}chat.js`} defer></script>
        <script src=${`${PATHS.assets}htmx.min.js`} defer></script>
        <script src=${`${PATHS.assets}sse.js`} defer></script>
      </head>
      <body data-chat=${m.chat} data-events=${PATHS.events}>
        <header class="top">
          <h1>Pulang</h1>
          <button id="exit" type="button" class="exit" aria-describedby="t-exit-hint">
            ${say("t-exit")}
          </button>
          <span class="visually-hidden">${say("t-exit-hint")}</span>
        </header>
        <main id="chat" hx-ext="sse">
          <p class="intro">${say("t-intro")}</p>
          <ol id="log" aria-label=${t("web:log_label")} aria-live="polite" sse-swap="message" hx-swap="beforeend"></ol>
          ${languageMark(m.lang, m.texts)}
          <p id="status" role="status"></p>
        </main>
        <form id="composer" hx-post=${PATHS.send} hx-swap="none">
          <label for="text" class="visually-hidden">${say("t-message")}</label>
          <input id="text" name="text" type="text" autocomplete="off" maxlength="4096" required
            placeholder=${t("web:message_placeholder")} />
          <button type="submit">${say("t-send")}</button>
        </form>
        ${mapDialog(m, say)}
        <template id="words" data-too-fast=${t("web:too_fast")} data-not-sent=${t("web:not_sent")}
          data-picked=${t("web:map.picked")}></template>
      </body>
    </html>
  `;
  return `<!doctype html>${render(body)}`;
}

function mapDialog(m: PageModel, say: (id: ChromeId) => VNode): VNode {
  const t = (key: string) => m.texts.t(m.lang, key);
  const byCountry = new Map<string, KnownPlace[]>();
  for (const p of m.places) byCountry.set(p.country, [...(byCountry.get(p.country) ?? []), p]);
  return html`
    <dialog id="map" aria-labelledby="t-map-title">
      <h2>${say("t-map-title")}</h2>
      <p>${say("t-map-hint")}</p>
      <svg id="map-svg" viewBox=${m.map.viewBox} role="img" aria-label=${t("web:map.label")}
        preserveAspectRatio="xMidYMid meet">
        <rect class="sea" x="-180" y="-90" width="360" height="180" />
        ${m.map.outlines.map((o) => html`<path class="land" d=${o.d} />`)}
        ${m.map.labels.map(
          (l) =>
            html`<text class="country" x=${l.lon} y=${-l.lat}>${countryName(m.texts, m.lang, l.code)}</text>`,
        )}
        ${m.map.places.map((p) => html`<circle class="place" cx=${p.lon} cy=${-p.lat} r="0.12" />`)}
        <circle id="pick" class="pick" cx="0" cy="0" r="0.3" visibility="hidden" />
      </svg>
      <form id="pin-form" hx-post=${PATHS.send} hx-swap="none">
        <input type="hidden" name="lat" />
        <input type="hidden" name="lon" />
        <button id="pin-send" type="submit" disabled>${say("t-map-share")}</button>
        <span id="pin-status" role="status"></span>
      </form>
      <h3>${say("t-map-places")}</h3>
      ${[...byCountry].map(
        ([country, places]) => html`
          <details>
            <summary>${countryName(m.texts, m.lang, country)}</summary>
            <form class="places" hx-post=${PATHS.send} hx-swap="none">
              ${places.map((p) => html`<button type="submit" name="place" value=${p.id}>${p.name}</button>`)}
            </form>
          </details>
        `,
      )}
      <button id="map-close" type="button" class="secondary">${say("t-map-close")}</button>
    </dialog>
  `;
}

function countryName(texts: Texts, lang: string, code: string): string {
  const key = `web:countries.${code}`;
  return texts.has(lang, key) ? texts.t(lang, key) : code;
}

/**
 * Marks the conversation's language for the page's script (the `lang` attribute and the
 * placeholder follow it); swapped in out of band when the language changes.
 */
function languageMark(lang: string, texts: Texts, oob = false): VNode {
  return html`<span id="lang" hidden data-lang=${lang}
    data-placeholder=${texts.t(lang, "web:message_placeholder")}
    data-log=${texts.t(lang, "web:log_label")} hx-swap-oob=${oob ? "true" : undefined}></span>`;
}

/** The page's own words in `lang`, swapped in out of band. */
export function chrome(lang: string, texts: Texts): string {
  const parts = Object.entries(CHROME).map(
    ([id, key]) => html`<span id=${id} hx-swap-oob="true">${texts.t(lang, key)}</span>`,
  );
  return render(html`${parts}${languageMark(lang, texts, true)}`);
}

/** Bubbles to append to the log. */
export function bubbles(messages: readonly WebMessage[], lang: string, texts: Texts): string {
  return render(html`${messages.map((m) => bubble(m, lang, texts))}`);
}

/** The whole log, replaced (a page connecting, or a quick exit clearing it). */
export function wholeLog(messages: readonly WebMessage[], lang: string, texts: Texts): string {
  return render(
    html`<ol id="log" hx-swap-oob="innerHTML">${messages.map((m) => bubble(m, lang, texts))}</ol>`,
  );
}

/** Removes bubbles from the page. */
export function removals(ids: readonly string[]): string {
  return render(html`${ids.map((id) => html`<li id=${id} hx-swap-oob="delete"></li>`)}`);
}

function bubble(m: WebMessage, lang: string, texts: Texts): VNode {
  const who = texts.t(lang, m.from === "bot" ? "web:bot" : "web:you");
  return html`
    <li id=${m.id} class=${`msg ${m.from}`}>
      <span class="visually-hidden">${who}: </span>
      <p class="text">${m.text}</p>
      ${
        m.buttons || m.location
          ? html`<div class="buttons">
        ${m.location ? html`<button type="button" class="share-location">${m.location.label}</button>` : ""}
        ${(m.buttons ?? []).map(button)}
      </div>`
          : ""
      }
    </li>
  `;
}

function button(b: WebButton): VNode {
  if (b.kind === "text") {
    return html`<form hx-post=${PATHS.send} hx-swap="none">
      <input type="hidden" name="text" value=${b.label} />
      <button type="submit">${b.label}</button>
    </form>`;
  }
  return html`<form hx-post=${PATHS.send} hx-swap="none">
    <input type="hidden" name="stepRef" value=${b.stepRef} />
    <input type="hidden" name="option" value=${b.option} />
    <input type="hidden" name="label" value=${b.label} />
    <button type="submit">${b.label}</button>
  </form>`;
}
