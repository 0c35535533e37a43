// Whether the control the agent clicked is really what they saw: fully visible and unobscured, as the browser
// itself reports inside this frame (IntersectionObserver v2: opacity, filters, blending, scaling down, any
// box painted over it, decoys with pointer-events:none and the top layer included). It is the defence payment
// and login frames use against a page that dresses them up. The panel's Python asks clear(el) before an action
// that reaches Loop, the clipboard or the reply box; a control reported covered in the last half second does
// not count either, so a decoy pulled away at the last moment gains nothing. That memory is per control (its
// action and order, which survive re-renders the page can provoke): one control's reading never blocks a click
// on another.
const QUIET_MS = 500;
const OPTIONS = { trackVisibility: true, delay: 100 };
const lastCovered = new Map(); // "action|order" -> when that control was last seen covered
const identity = (el) => `${el.getAttribute("data-action")}|${el.getAttribute("data-order") ?? ""}`;
// Fully on screen yet not visible is "covered"; off screen or partly scrolled out of the sidebar is not (a
// control cut by the frame's edge reads as not visible too).
const FULL = 0.99;
const covered = (r) => r.onScreen && r.ratio >= FULL && !r.visible;
const watcher = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (covered({ onScreen: e.isIntersecting, ratio: e.intersectionRatio, visible: e.isVisible })) {
      lastCovered.set(identity(e.target), performance.now());
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
  // The controls on screen after a render (the previous ones are gone: unobserved, not reported as covered).
  // A disabled control cannot be clicked, and its faded look (opacity) reads as "not visible": not watched, or
  // "Allowing in Loop…" would make the Copy link that follows it look covered for half a second.
  watch(elements) {
    watcher.disconnect();
    for (const el of elements) if (!el.disabled) watcher.observe(el);
  },
  async clear(el) {
    let r = await reading(el);
    if (r.ratio < FULL && globalThis.loopFrame) {
      // Clicked while partly scrolled out, or activated from the keyboard before it scrolled into view: bring
      // it fully into view first, then read again (a page that distorts the panel still reads as covered).
      await globalThis.loopFrame.reveal(el);
      r = await reading(el);
    }
    if (covered(r)) lastCovered.set(identity(el), performance.now());
    return r.visible && performance.now() - (lastCovered.get(identity(el)) ?? -Infinity) >= QUIET_MS;
  },
};
