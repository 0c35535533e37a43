// Whether the control the agent clicked is really what they saw: fully visible and unobscured, as the browser
// itself reports inside this frame (IntersectionObserver v2: opacity, filters, blending, scaling down, any
// box painted over it, decoys with pointer-events:none and the top layer included). It is the defence payment
// and login frames use against a page that dresses them up. The panel's Python asks clear(el) before an action
// that reaches Loop, the clipboard or the reply box; a control reported covered in the last half second does
// not count either, so a decoy pulled away at the last moment gains nothing: the memory is of the last moment
// any control was seen covered, or stopped being covered (a cover left for seconds and lifted just before the
// click counts from when it was lifted), and it is one for the whole panel, so a control that appears after
// the cover was lifted is guarded too. (A control the page moved is the content script's to tell: it moves the
// panel as a whole, by scrolling the sidebar or changing the layout above it.)
const QUIET_MS = 500;
const SETTLE_MS = 200; // after bringing a clicked control into view, before it is read again
const OPTIONS = { trackVisibility: true, delay: 100 };
// From the frame's start: a frame the page made us load again (by moving our host) starts in its quiet time, so
// a decoy lifted as the new frame appears gains nothing.
let lastCovered = performance.now();
// Fully on screen yet not visible is "covered"; off screen or partly scrolled out of the sidebar is not (a
// control cut by the frame's edge reads as not visible too).
const FULL = 0.99;
const covered = (r) => r.onScreen && r.ratio >= FULL && !r.visible;
// Controls (by action and order, which survive the re-renders a page can provoke) last read as covered.
const wasCovered = new Set();
const identity = (el) => `${el.getAttribute("data-action")}|${el.getAttribute("data-order") ?? el.getAttribute("data-return") ?? ""}`;
const watcher = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (covered({ onScreen: e.isIntersecting, ratio: e.intersectionRatio, visible: e.isVisible })) {
      wasCovered.add(identity(e.target));
      lastCovered = performance.now();
    } else if (wasCovered.delete(identity(e.target))) {
      lastCovered = performance.now(); // the cover was just lifted: the quiet time counts from now
    }
  }
}, OPTIONS);

// A fresh reading (a new observer reports the current state on its first callback), not a stale one.
function reading(el) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { once.disconnect(); resolve({ visible: false, onScreen: true, ratio: 1 }); }, 1000);
    const once = new IntersectionObserver((entries) => {
      clearTimeout(timer);
      once.disconnect();
      const entry = entries.at(-1);
      resolve({ visible: entry.isVisible, onScreen: entry.isIntersecting, ratio: entry.intersectionRatio });
    }, OPTIONS);
    once.observe(el);
  });
}

globalThis.loopVisibility = {
  QUIET_MS, // also the time after the page moved the panel in which a click does not count (panel.js)
  // The controls on screen after a render (the previous ones are gone: unobserved, not reported as covered).
  // A disabled control cannot be clicked, and its faded look (opacity) reads as "not visible": it is not
  // watched, or "Allowing in Loop…" would make the Copy link that follows it look covered.
  watch(elements) {
    watcher.disconnect();
    for (const el of elements) if (!el.disabled) watcher.observe(el);
  },
  // Why a click on this control does not count: "covered", or "" (it counts).
  async clear(el) {
    let r = await reading(el);
    if (r.ratio < FULL && globalThis.loopFrame) {
      // Clicked while partly scrolled out, or activated from the keyboard before it scrolled into view: bring
      // it fully into view first, then read again (a page that distorts the panel still reads as covered).
      await globalThis.loopFrame.reveal(el);
      // A page that scrolls it straight back out (so it is never seen whole) has done so by now (issue 22).
      await new Promise((resolve) => { setTimeout(resolve, SETTLE_MS); });
      r = await reading(el);
      if (!globalThis.loopFrame.inView(el)) r = { ...r, visible: false };
    }
    if (covered(r)) {
      wasCovered.add(identity(el));
      lastCovered = performance.now();
    } else if (r.visible && wasCovered.delete(identity(el))) {
      lastCovered = performance.now(); // lifted between the last report and this click
    }
    return r.visible && performance.now() - lastCovered >= QUIET_MS ? "" : "covered";
  },
};
