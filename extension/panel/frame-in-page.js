// The panel frame as part of the page around it. The frame sits in a host outside the helpdesk's sidebar (so the
// app's re-renders never reload it); the host shows the visible part of the panel and clips the rest (the
// content script places it). So:
// - the content's height goes to the content script, so the page's layout reserves that room (in steps);
// - the content script tells which part of the frame is visible (the offset clipped away at the top and the
//   visible height): nothing ever scrolls inside the frame, so a control is where it is drawn;
// - the mouse wheel over the panel, and a focused control, scroll the sidebar it sits in instead, as over any
//   other part of the sidebar;
// - docked (a page without a sidebar), the frame is the column and scrolls inside, as usual.
// Runs before the runtime's first view, so the loading skeleton gets its room too; collapsed, it is its header.
const nonce = location.hash.slice(1, 65);
const app = document.getElementById("app");
let tabId = null;
let lastHeight = 0;
let wheel = 0;
let mode = "page";
let offset = 0;
let visible = Infinity; // the height of the part of the frame the page shows (the rest is clipped)

function send(message) {
  if (tabId === null) return Promise.resolve();
  try {
    return chrome.tabs.sendMessage(tabId, { ...message, nonce }, { frameId: 0 });
  } catch {
    return Promise.resolve(); // the extension context is gone (updated): the content script says so
  }
}

// The frame grows in steps and shrinks late: Chrome discards input to a cross-origin frame that watches its own
// visibility (IntersectionObserver v2, the click guard) for a moment after it moved or resized, so a frame that
// followed every render would lose the click that comes right after "Copied" or the notes arriving. The page
// below the content is as tall as the room the page reserves, so the told offset always exists.
const HEIGHT_STEP = 120;
const SHRINK_AFTER_MS = 1500;
let shrinkTimer = 0;

function reportHeight() {
  const content = Math.ceil(app.getBoundingClientRect().height);
  const bar = content < HEIGHT_STEP; // collapsed: just its header, at once
  const height = mode === "page" && !bar ? Math.ceil(content / HEIGHT_STEP) * HEIGHT_STEP : content;
  clearTimeout(shrinkTimer);
  if (tabId === null || height === lastHeight) return;
  if (height < lastHeight && !bar) {
    shrinkTimer = setTimeout(() => tell(height), SHRINK_AFTER_MS);
    return;
  }
  tell(height);
}

function tell(height) {
  lastHeight = height;
  document.body.style.minHeight = mode === "page" ? `${height}px` : "";
  send({ kind: "layout", height }).catch(() => { lastHeight = 0; });
}

addEventListener("wheel", (e) => {
  if (!e.isTrusted || mode !== "page") return;
  const lines = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? 40 : e.deltaMode === WheelEvent.DOM_DELTA_PAGE ? innerHeight : 1;
  if (!wheel) requestAnimationFrame(() => { send({ kind: "scroll-by", dy: wheel }).catch(() => {}); wheel = 0; });
  wheel += e.deltaY * lines;
}, { passive: true });

// A control brought fully into view: the sidebar is scrolled (content coordinates: what the placeholder
// measures). Resolves once the content script has moved the frame, or after a moment.
let moved = () => {};
function reveal(el) {
  const r = el?.getBoundingClientRect?.();
  if (!r || mode !== "page") return Promise.resolve();
  send({ kind: "reveal", top: Math.floor(r.top + scrollY) - 8, bottom: Math.ceil(r.bottom + scrollY) + 8 }).catch(() => {});
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 300);
    moved = () => { clearTimeout(timer); requestAnimationFrame(() => requestAnimationFrame(resolve)); };
  });
}
// Whether the control is inside the part of the frame the page shows (not clipped above or below).
function inView(el) {
  const r = el.getBoundingClientRect();
  return mode !== "page" || (r.top >= offset && r.bottom <= offset + visible);
}
globalThis.loopFrame = { reveal, inView };

addEventListener("focusin", (e) => { reveal(e.target); });


chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== chrome.runtime.id || sender.tab?.id !== tabId || sender.frameId !== 0) return;
  if (!message || message.nonce !== nonce || message.kind !== "viewport") return;
  mode = message.mode === "docked" ? "docked" : "page";
  offset = Number.isFinite(message.offset) ? Math.max(0, message.offset) : 0;
  visible = Number.isFinite(message.visible) ? Math.max(0, message.visible) : Infinity;
  document.documentElement.classList.toggle("in-page", mode === "page");
  moved();
});

chrome.tabs.getCurrent().then((tab) => {
  tabId = tab?.id ?? null;
  reportHeight();
});
new ResizeObserver(reportHeight).observe(app);
