// The panel in the ticket's sidebar: a thin view of the runtime's Python (one for the whole browser). It draws
// what the runtime sends for this tab and reports the agent's input; it decides nothing.
//
// - Updates patch, never replace: morphdom keeps every element whose place and key (its id) did not change,
//   so a control under the pointer, a text selection, the focus and a value being typed survive every update.
// - The page arrives from this tab's top-frame content script only (chrome.tabs.sendMessage with frameId 0 and
//   the nonce the iframe URL carries): the page itself cannot forge that channel.
// - A guarded control (it reaches Loop, the clipboard or the reply box) acts only on the agent's own click
//   (isTrusted) while the panel is seen unobscured (visibility.js, and the content script's look at the host and
//   its ancestors); otherwise the runtime is told, and the panel says so.
import morphdom from "/vendor/morphdom/morphdom-esm.js";
import "/shared/contract.js";

const C = globalThis.loopReturnsContract;
const GUARDED = new Set(C.guardedActions);
const nonce = location.hash.slice(1, 65);
const app = document.getElementById("app");
const root = document.documentElement;
const t = (key, fallback) => { try { return chrome.i18n.getMessage(key) || fallback; } catch { return fallback; } };
const lang = (() => { try { return chrome.i18n.getUILanguage().toLowerCase().startsWith("nl") ? "nl" : "en"; } catch { return "en"; } })();
const BOOT_TIMEOUT_MS = 30_000;
let tabId = null;
let port = null;
let drawn = false;
let readyKey = null;
let retryMs = 250;

// ---- this tab's page (through the content script) ---------------------------------------------------------

function toPage(message) {
  if (tabId === null || !chrome.runtime?.id) return Promise.resolve(null);
  try {
    return chrome.tabs.sendMessage(tabId, { ...message, nonce }, { frameId: 0 }).catch(() => null);
  } catch {
    return Promise.resolve(null); // the extension context is gone
  }
}

let reading = false;
let readAgain = false;
async function snapshot() {
  if (reading) { readAgain = true; return; }
  reading = true;
  try {
    do {
      readAgain = false;
      const snap = await toPage({ kind: "snapshot" });
      if (snap && typeof snap === "object") {
        performance.mark("loop:snapshot"); // the benchmark and the tests read when a reading left for Python
        send({ kind: "snapshot", ...snap });
      }
    } while (readAgain);
  } finally {
    reading = false;
  }
}

chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== chrome.runtime.id || sender.tab?.id !== tabId || sender.frameId !== 0) return;
  if (!message || message.nonce !== nonce) return;
  if (message.kind === "page-changed") snapshot();
  else if (message.kind === "host-state") send({ kind: "host-state", clean: message.clean === true });
});

// ---- the runtime --------------------------------------------------------------------------------------

function send(message) {
  try {
    port?.postMessage(message);
  } catch {
    // Disconnected: onDisconnect reconnects, and the new runtime asks for what it needs.
  }
}

async function connect() {
  if (!chrome.runtime?.id) return; // the extension was updated or removed: the content script says so in our place
  try {
    await chrome.runtime.sendMessage({ kind: "ensure-runtime" }); // the service worker starts it if needed
  } catch {
    // No service worker answer yet: the connection below fails and is tried again.
  }
  let p;
  try {
    p = chrome.runtime.connect({ name: "panel" });
  } catch {
    return; // the extension context is gone
  }
  port = p;
  p.onMessage.addListener(onRuntime);
  p.onDisconnect.addListener(() => {
    void chrome.runtime.lastError;
    if (port !== p) return;
    port = null;
    if (drawn) reconnecting();
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 4000);
  });
  send({ kind: "hello", lang });
  snapshot();
}

function reconnecting() {
  root.dataset.panelState = "reconnecting";
  const body = app.querySelector(".body");
  const note = document.createElement("p");
  note.className = "muted";
  note.setAttribute("role", "status");
  note.textContent = t("reconnecting", "Reconnecting to Loop Returns…");
  body?.replaceChildren(note);
}

function onRuntime(message) {
  if (!message || typeof message !== "object") return;
  if (message.kind === "view") draw(message);
  else if (message.kind === "do") perform(message);
  else if (message.kind === "boot-failed") bootFailed();
}

// ---- drawing: build from the runtime's tree (text stays text), then patch --------------------------------

function build(node) {
  if (typeof node === "string") return document.createTextNode(node);
  const el = document.createElement(node[0]);
  for (const [name, value] of Object.entries(node[1] || {})) el.setAttribute(name, value);
  for (const child of node.slice(2)) el.append(build(child));
  if (el.localName === "input" || el.localName === "textarea") el.value = el.getAttribute("value") ?? el.textContent;
  return el;
}

const typing = (el) => (el.localName === "input" || el.localName === "textarea") && !el.readOnly;

function draw(view) {
  retryMs = 250;
  const focused = app.contains(document.activeElement) ? document.activeElement.id : "";
  const next = document.createElement("main");
  next.append(build(view.tree));
  morphdom(app, next, {
    childrenOnly: true,
    getNodeKey: (node) => (node.nodeType === 1 ? node.id || node.getAttribute("data-key") || undefined : undefined),
    onBeforeElUpdated(from, to) {
      if (from.isEqualNode(to)) return false;
      if (from.localName === "details") to.open = from.open; // opened or closed by the agent: theirs
      if (typing(from) && document.activeElement === from) to.value = from.value; // being typed: the live value wins
      return true;
    },
  });
  drawn = true;
  if (focused && !app.contains(document.activeElement)) {
    document.getElementById(focused)?.focus({ preventScroll: true }); // moved by the patch: the focus goes with it
  }
  app.setAttribute("aria-busy", "false");
  root.dataset.panelState = view.state;
  if (view.ready && view.ready !== readyKey) {
    // When each ticket's first answer reached the screen, on the epoch clock the benchmark reads.
    readyKey = view.ready;
    performance.mark("loop:rendered");
    root.dataset.readyAt = String(performance.timeOrigin + performance.now());
    root.dataset.readyKey = view.ready;
  }
  globalThis.loopVisibility?.watch([...app.querySelectorAll("[data-action]")].filter((el) => GUARDED.has(/** @type {HTMLElement} */ (el).dataset.action)));
}

// ---- the agent's input ----------------------------------------------------------------------------------

// `at`: when the agent clicked (the event's time, on the epoch clock the content script answers with).
async function act(el, values, at) {
  const action = el.getAttribute("data-action");
  // The control names an order (data-order) or, for a return's own controls, the return (data-return).
  const order = el.getAttribute("data-order") ?? el.getAttribute("data-return") ?? "";
  if (GUARDED.has(action)) {
    // Seen unobscured (visibility.js), and the panel neither dressed up nor moved by the page in the half second
    // before the click, or since (the content script). A control that moved gets its own sentence.
    let why = (await globalThis.loopVisibility?.clear(el)) ?? "covered";
    const host = why === "covered" ? null : await toPage({ kind: "host-check" });
    if (why === "" && host?.clean !== true) why = "covered";
    else if (why === "" && typeof host.movedAt === "number" && host.movedAt >= at - globalThis.loopVisibility.QUIET_MS) why = "moved";
    if (why) return send({ kind: "covered", action, order, moved: why === "moved" });
  }
  send({ kind: "act", action, order, values });
}

app.addEventListener("click", (e) => {
  if (!e.isTrusted) return; // only the agent's own input, never a synthetic event
  const el = /** @type {Element} */ (e.target).closest?.("[data-action]");
  if (!el || el.localName === "form" || !app.contains(el)) return; // a form acts through its submit; a link follows its href
  act(el, {}, performance.timeOrigin + e.timeStamp);
});

app.addEventListener("submit", (e) => {
  e.preventDefault(); // the panel never navigates
  const form = /** @type {HTMLFormElement} */ (e.target);
  if (!e.isTrusted || !form.hasAttribute("data-action")) return;
  const values = {};
  for (const field of /** @type {any} */ (form.elements)) if (field.name) values[field.name] = field.value;
  act(form, values, performance.timeOrigin + e.timeStamp);
});

app.addEventListener("input", (e) => {
  const el = /** @type {HTMLInputElement} */ (e.target);
  if (e.isTrusted && el.id && typing(el)) send({ kind: "typed", id: el.id, value: el.value });
});

// ---- what the runtime asks of this frame ------------------------------------------------------------------

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea"); // no focus or no permission: the classic way
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;opacity:0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

async function perform(message) {
  const reply = (value) => { if (Number.isInteger(message.id)) send({ kind: "answer", id: message.id, value }); };
  if (message.op === "copy" && typeof message.text === "string") reply(await copy(message.text));
  else if (message.op === "insert") reply(await toPage({ kind: "insert-reply", text: message.text, ticket: message.ticket, customer: message.customer }));
  else if (message.op === "snapshot") snapshot();
  else if (message.op === "options") chrome.runtime.openOptionsPage().catch(() => {});
  else if (message.op === "collapsed") chrome.storage.local.set({ panelCollapsed: message.value === true }).catch(() => {});
  else if (message.op === "headings" && Array.isArray(message.headings)) toPage({ kind: "layout", headings: message.headings });
}

// ---- start ------------------------------------------------------------------------------------------------

const text = document.getElementById("boot-text");
if (text) text.textContent = t("panelLoading", "Loading…");
// Python could not start: the runtime says so at once, or nothing arrives in time. Retry starts a new runtime.
function bootFailed() {
  root.dataset.panelState = "boot-failed";
  const note = document.createElement("p");
  note.setAttribute("role", "alert");
  note.textContent = t("bootFailed", "The Loop Returns panel could not start.");
  const retry = document.createElement("button");
  retry.type = "button";
  retry.className = "primary";
  retry.textContent = t("retry", "Retry");
  retry.addEventListener("click", () => {
    chrome.runtime.sendMessage({ kind: "restart-runtime" }).catch(() => {}).finally(() => location.reload());
  });
  app.querySelector(".body")?.replaceChildren(note, retry);
}
setTimeout(() => { if (!drawn) bootFailed(); }, BOOT_TIMEOUT_MS);

chrome.tabs.getCurrent().then((tab) => {
  tabId = tab?.id ?? null;
  connect();
});
