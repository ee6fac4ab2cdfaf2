// The web chat's own script (loaded before htmx, deferred): which conversation this tab
// is, the map, the quick exit and small comforts. Everything else is htmx: forms post,
// server-sent events swap replies in. No inline code anywhere: the page's content security
// policy allows scripts from this origin only.
(() => {
  const STORE = "pulang.chat";
  const body = document.body;
  const words = document.getElementById("words")?.dataset ?? {};

  // Each tab is one conversation, kept while the tab is open (sessionStorage), never longer.
  let chat = sessionStorage.getItem(STORE);
  if (!chat) {
    chat = body.dataset.chat ?? "";
    sessionStorage.setItem(STORE, chat);
  }
  document
    .getElementById("chat")
    ?.setAttribute("sse-connect", `${body.dataset.events}?c=${encodeURIComponent(chat)}`);

  const newId = () => `p${crypto.randomUUID().replaceAll("-", "")}`;
  const log = document.getElementById("log");
  const status = document.getElementById("status");
  const text = document.getElementById("text");
  const dialog = document.getElementById("map");
  const say = (line) => {
    if (status) status.textContent = line ?? "";
  };

  document.addEventListener("htmx:configRequest", (e) => {
    e.detail.headers["X-Chat"] = chat;
    e.detail.parameters.mid = newId();
  });

  document.addEventListener("htmx:afterRequest", (e) => {
    const form = e.detail.elt?.closest?.("form");
    if (!e.detail.successful) return;
    say("");
    if (form?.id === "composer") {
      form.reset();
      text?.focus();
    }
    if (dialog?.open && form && dialog.contains(form)) dialog.close();
  });

  document.addEventListener("htmx:responseError", (e) => {
    const code = e.detail.xhr?.status;
    if (code === 403) return forgetAndReload();
    say(code === 429 ? words.tooFast : words.notSent);
  });
  document.addEventListener("htmx:sendError", () => say(words.notSent));

  // The stream refused this tab's id (the service restarted): start a new conversation.
  document.addEventListener("htmx:sseError", (e) => {
    const source = e.detail?.source;
    if (source && source.readyState === EventSource.CLOSED) forgetAndReload();
  });

  function forgetAndReload() {
    if (sessionStorage.getItem(`${STORE}.retried`)) return;
    sessionStorage.setItem(`${STORE}.retried`, "1");
    sessionStorage.removeItem(STORE);
    location.reload();
  }

  // New bubbles: keep the latest in view; follow the conversation's language.
  document.addEventListener("htmx:sseMessage", () => {
    const mark = document.getElementById("lang")?.dataset;
    if (mark?.lang) {
      document.documentElement.lang = mark.lang;
      if (text && mark.placeholder) text.placeholder = mark.placeholder;
      if (log && mark.log) log.setAttribute("aria-label", mark.log);
    }
    sessionStorage.removeItem(`${STORE}.retried`);
    log?.lastElementChild?.scrollIntoView({ block: "end" });
  });

  // The map: tap a point, then send it; or pick a known place.
  const svg = document.getElementById("map-svg");
  const pick = document.getElementById("pick");
  const pin = document.getElementById("pin-form");
  const pinSend = document.getElementById("pin-send");
  document.addEventListener("click", (e) => {
    if (e.target instanceof Element && e.target.closest(".share-location")) dialog?.showModal();
  });
  document.getElementById("map-close")?.addEventListener("click", () => dialog?.close());
  svg?.addEventListener("click", (e) => {
    const matrix = svg.getScreenCTM()?.inverse();
    if (!matrix || !pin || !pick) return;
    const point = new DOMPoint(e.clientX, e.clientY).matrixTransform(matrix);
    const lat = Math.round(-point.y * 10000) / 10000;
    const lon = Math.round(point.x * 10000) / 10000;
    pin.elements.namedItem("lat").value = String(lat);
    pin.elements.namedItem("lon").value = String(lon);
    pick.setAttribute("cx", String(point.x));
    pick.setAttribute("cy", String(point.y));
    pick.setAttribute("visibility", "visible");
    if (pinSend) pinSend.disabled = false;
    const picked = document.getElementById("pin-status");
    if (picked) picked.textContent = words.picked ?? "";
  });

  // Quick exit: tell the helpline (it forgets the conversation), then leave no trace here.
  document.getElementById("exit")?.addEventListener("click", () => {
    const form = new URLSearchParams({ mid: newId(), stepRef: "exit", option: "_exit" });
    fetch("/chat/send", {
      method: "POST",
      keepalive: true,
      headers: { "X-Chat": chat, "content-type": "application/x-www-form-urlencoded" },
      body: form,
    }).catch(() => {});
    sessionStorage.clear();
    document.title = "";
    body.replaceChildren();
    location.replace("about:blank");
  });
})();
