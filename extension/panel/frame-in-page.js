// The panel frame as part of the page around it. The frame sits in a host outside the helpdesk's sidebar (so the
// app's re-renders never reload it); the frame stands still over the band of the viewport the sidebar shows, and
// the host shows the part of it where the panel is and clips the rest (the content script places both). So:
// - the content's height goes to the content script, so the page's layout reserves that room (in steps);
// - the content script tells where the panel's top is in the frame (the shift) and which part of the frame the
//   host shows: the content moves, the frame never does (Chrome drops clicks into a frame that just moved or
//   resized while it watches its own visibility, as the click guard does); nothing ever scrolls inside the
//   frame (overflow: clip), so a control is where it is drawn;
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
let shift = 0; // where the panel's top is in the frame (the frame stands still, the panel moves in it)
let visTop = -Infinity; // the part of the frame the page shows (the rest is clipped), frame coordinates
let visBottom = Infinity;

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
// followed every render would lose the click that comes right after "Copied" or the notes arriving. (The frame
// itself no longer follows the panel's height; the steps keep the page's layout from moving under the agent.)
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
  send({ kind: "reveal", top: Math.floor(r.top - shift) - 8, bottom: Math.ceil(r.bottom - shift) + 8 }).catch(() => {});
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 300);
    moved = () => { clearTimeout(timer); requestAnimationFrame(() => requestAnimationFrame(resolve)); };
  });
}
// Whether the control is inside the part of the frame the page shows (not clipped above or below).
function inView(el) {
  const r = el.getBoundingClientRect();
  return mode !== "page" || (r.top >= visTop && r.bottom <= visBottom);
}
globalThis.loopFrame = { reveal, inView, where: () => ({ mode, shift, visTop, visBottom }) };

addEventListener("focusin", (e) => { reveal(e.target); });


chrome.runtime.onMessage.addListener((message, sender) => {
  if (sender.id !== chrome.runtime.id || sender.tab?.id !== tabId || sender.frameId !== 0) return;
  if (!message || message.nonce !== nonce || message.kind !== "viewport") return;
  mode = message.mode === "docked" ? "docked" : "page";
  const page = mode === "page";
  shift = page && Number.isFinite(message.shift) ? message.shift : 0;
  visTop = page && Number.isFinite(message.visTop) ? message.visTop : -Infinity;
  visBottom = page && Number.isFinite(message.visBottom) ? message.visBottom : Infinity;
  document.documentElement.classList.toggle("in-page", page);
  document.documentElement.style.setProperty("--shift", `${shift}px`);
  moved();
});

chrome.tabs.getCurrent().then((tab) => {
  tabId = tab?.id ?? null;
  reportHeight();
});
new ResizeObserver(reportHeight).observe(app);
