// Where the panel sits: in the page's layout, under the ticket's order list, covering none of the helpdesk.
//
// The iframe must never reload (a reload reboots Python: seconds), yet the app re-renders its sidebar and
// switches tickets at will. So the host lives outside the app's subtree (a child of <html>) and never moves;
// the page's own layout reserves the room: an empty placeholder under the order list (re-inserted when the
// app re-renders, which is cheap) whose box the host follows on every scroll, resize and mutation. The host is
// a plain built-in element (a page can define a custom element's behaviour, and ElementInternals can reach a
// closed root), its style is restored when the page rewrites it, and it holds a closed shadow root with the
// extension iframe. The placeholder holds nothing of the panel's data.
(() => {
  "use strict";
  const C = globalThis.loopReturnsContract;
  const PANEL_URL = chrome.runtime.getURL("panel/panel.html");
  const DOCK_WIDTH = 360; // the column used where no order list is found on a ticket
  const DOCK_AFTER_MS = 1500; // how long a ticket may take to show its order list before the panel docks
  const GAP = 8;
  const HOST_STYLE = "all:initial !important;position:fixed !important;display:block !important;" +
    "z-index:2147483000 !important;opacity:1 !important;visibility:visible !important;" +
    "pointer-events:auto !important;contain:strict !important;";

  let host = null;
  let frame = null;
  let viewport = null;
  let placeholder = null;
  let keptScroll = 0; // the sidebar's scroll position while our room was in it
  let anchorList = null;
  let height = 160; // until the panel reports its own
  let shown = false;
  let onTicketSince = 0;
  let extraHeadings = [];
  let box = { top: 0, left: 0, width: 0, height: 0, clipTop: 0, clipHeight: 0, shift: 0, hidden: true };
  let told = "";
  /** @type {(viewport: object) => void} */
  let onViewport = () => {};
  let scheduled = false;
  let dockTimer = 0;
  // When the page last moved the panel (its top-left in the viewport) without the agent's own input just before:
  // the sidebar scrolled by script, or the page's layout above the panel changed. The frame refuses a click made
  // within half a second after it ("moved", issue 22). Only input that scrolls the sidebar is the agent's, for
  // AGENT_MS (long enough for a smooth scroll to finish): the wheel or a touch over it, a scrolling key outside
  // a text field, a held scrollbar (until it is let go), the scrolls the panel asks for (the wheel over it, a
  // control brought into view) and the panel's own change of height. Typing in the reply box is not.
  const AGENT_MS = 700;
  const SCROLL_KEYS = new Set(["PageUp", "PageDown", "Home", "End", "ArrowUp", "ArrowDown", " "]);
  let agentAt = -Infinity;
  let holding = false; // the agent holds the sidebar's scrollbar
  let pageMovedAt = -Infinity;
  let corner = null; // the panel's top-left in the viewport when last placed (kept while it is hidden)
  let column = null; // the sidebar's scrolling element, as last placed (not looked up again per wheel event)
  const byAgent = () => { agentAt = performance.now(); };
  const overColumn = (e) => !column || column === document.scrollingElement || e.composedPath().includes(column);
  const editable = (el) => el instanceof Element && (el.closest("input, textarea, select, [contenteditable]") !== null);
  addEventListener("wheel", (e) => { if (e.isTrusted && overColumn(e)) byAgent(); }, { capture: true, passive: true });
  addEventListener("touchstart", (e) => { if (e.isTrusted && overColumn(e)) byAgent(); }, { capture: true, passive: true });
  addEventListener("keydown", (e) => {
    if (e.isTrusted && SCROLL_KEYS.has(e.key) && !editable(e.target)) byAgent();
  }, { capture: true, passive: true });
  addEventListener("pointerdown", (e) => {
    if (e.isTrusted && column && e.target === column) { holding = true; byAgent(); } // on the scrollbar itself
  }, { capture: true, passive: true });
  for (const type of ["pointerup", "pointercancel"]) {
    addEventListener(type, () => { if (holding) { holding = false; byAgent(); } }, { capture: true, passive: true });
  }
  const hostObserver = new MutationObserver(restyle);
  const sizes = new ResizeObserver(schedule);

  function create(nonce) {
    host = document.createElement("div");
    const shadow = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = `.vp{position:absolute;inset:0;overflow:clip;border-radius:8px;background:#fff;
        box-shadow:0 0 0 1px #e3e6ea}
      iframe{position:absolute;left:0;top:0;width:100%;border:0;display:block;color-scheme:light}`;
    viewport = document.createElement("div");
    viewport.className = "vp";
    frame = document.createElement("iframe");
    frame.src = `${PANEL_URL}#${nonce}`;
    frame.title = "Loop Returns";
    frame.allow = "clipboard-write";
    // Loaded again (a page that moves our host into a wrapper of its own reloads the frame): tell the new
    // document where the panel is, as the first one was told.
    frame.addEventListener("load", () => { told = ""; schedule(); });
    viewport.append(frame);
    shadow.append(style, viewport);
    restyle();
    document.documentElement.append(host);
    hostObserver.observe(host, { attributes: true });
    sizes.observe(document.documentElement);
    addEventListener("scroll", schedule, { capture: true, passive: true });
    addEventListener("resize", schedule, { passive: true });
    return host;
  }

  function hostStyle() {
    if (!shown || box.hidden) return HOST_STYLE + "display:none !important;";
    return HOST_STYLE + `top:${box.top}px !important;left:${box.left}px !important;` +
      `width:${box.width}px !important;height:${box.height}px !important;`;
  }

  // The page may rewrite our host's inline style (to hide, fade or move it): put ours back.
  function restyle() {
    const wanted = hostStyle();
    if (host && host.getAttribute("style") !== wanted) host.setAttribute("style", wanted);
    // The host is the visible part of the panel and clips (overflow: clip) a frame that stands still: the frame
    // always covers the sidebar's visible height (the column the sidebar scrolls in), whatever the scroll and
    // whatever the panel's height, and the panel's content is moved inside it (told below). Chrome discards
    // clicks into a cross-origin frame that watches its own visibility (IntersectionObserver v2, the click guard)
    // for half a second after the frame moved more than 30 px or changed size: a frame that followed the
    // sidebar's scroll, or the panel's growth, would lose the click an agent makes right after either.
    if (frame) {
      frame.style.cssText = box.docked ? `top:0;height:${box.height}px;`
        : `top:${Math.round(box.clipTop - box.top)}px;height:${Math.round(box.clipHeight)}px;`;
    }
    const view = box.docked ? "docked" : `page:${Math.round(box.shift)}:${Math.round(box.top - box.clipTop)}:${Math.round(box.height)}`;
    if (!box.hidden && view !== told) {
      told = view;
      const visTop = Math.round(box.top - box.clipTop);
      onViewport(box.docked ? { mode: "docked" }
        : { mode: "page", shift: Math.round(box.shift), visTop, visBottom: visTop + Math.round(box.height) });
    }
  }

  // The order list: the nearest ancestor of its visible heading that holds more than the heading (the same
  // headings, from shared/contract.js, and the same rule as pyapp/ticket/page.py's section_under).
  function findOrderList() {
    const wanted = new Set([...C.orderListHeadings, ...extraHeadings]);
    const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
    for (let n = /** @type {Text | null} */ (walker.nextNode()); n; n = /** @type {Text | null} */ (walker.nextNode())) {
      const el = n.parentElement;
      if (!el || n.data.length > 160 || el === placeholder) continue;
      const own = [...el.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => /** @type {Text} */ (c).data).join(" ")
        .split(/\s+/).filter(Boolean).join(" ").toLowerCase();
      if (!wanted.has(own) || !el.checkVisibility()) continue;
      const limit = own.length + 2;
      let section = el.parentElement;
      for (let i = 0; section && i < 4; i += 1, section = section.parentElement) {
        if (section.textContent.trim().length > limit) return section;
      }
    }
    return null;
  }

  function isContainer(el) {
    return el === document.body || el.localName === "aside" || el.getAttribute("role") === "complementary" ||
      /(auto|scroll)/.test(getComputedStyle(el).overflowY);
  }

  function ensurePlaceholder() {
    if (placeholder?.isConnected && anchorList?.isConnected) {
      column = scroller();
      keptScroll = column?.scrollTop ?? keptScroll; // where the agent is in the sidebar, while the room is ours
      return true;
    }
    anchorList = findOrderList();
    if (!anchorList) return false;
    const lost = Boolean(placeholder); // the app re-rendered its sidebar and dropped our room with it
    if (!placeholder) {
      placeholder = document.createElement("div");
      placeholder.setAttribute("aria-hidden", "true");
      sizes.observe(placeholder); // once: observing again would report again, and place() again
    }
    // Under the list, inside the same column; if the list is the column itself, at its end.
    if (isContainer(anchorList) || !anchorList.parentElement) anchorList.append(placeholder);
    else anchorList.after(placeholder);
    // Without our room the column may have been shorter for a frame, and scrolled back; the agent keeps their place.
    column = scroller();
    if (lost && column && column !== document.scrollingElement && column.scrollTop < keptScroll) column.scrollTop = keptScroll;
    return true;
  }

  // The part of the placeholder a person can see, and the band of the viewport its column shows (clipped by every
  // scrolling ancestor and the viewport; it moves only when the page's layout does, not when the sidebar scrolls).
  function visibleRect(el) {
    const r = el.getBoundingClientRect();
    let clipTop = 0, left = Math.max(r.left, 0);
    let clipBottom = innerHeight, right = Math.min(r.right, innerWidth);
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === "visible" && s.overflowY === "visible") continue;
      const b = a.getBoundingClientRect();
      clipTop = Math.max(clipTop, b.top + a.clientTop);
      left = Math.max(left, b.left + a.clientLeft);
      clipBottom = Math.min(clipBottom, b.top + a.clientTop + a.clientHeight);
      right = Math.min(right, b.left + a.clientLeft + a.clientWidth);
    }
    return { r, top: Math.max(r.top, clipTop), left, bottom: Math.min(r.bottom, clipBottom), right, clipTop, clipBottom };
  }

  function dock(on) {
    const html = document.documentElement;
    if (on) html.style.setProperty("margin-right", `${DOCK_WIDTH}px`, "important");
    else if (html.style.getPropertyValue("margin-right") === `${DOCK_WIDTH}px`) html.style.removeProperty("margin-right");
  }

  function place() {
    scheduled = false;
    if (!host) return;
    /** @type {typeof box & { docked?: boolean }} */
    let next = { ...box, hidden: true };
    if (shown && ensurePlaceholder()) {
      dock(false);
      const wantedHeight = `${height}px`;
      if (placeholder.style.height !== wantedHeight) {
        placeholder.style.cssText = `display:block;height:${height}px;margin:${GAP}px 0 0;padding:0;border:0;`;
      }
      const v = visibleRect(placeholder);
      if (v.right - v.left >= 1 && v.clipBottom - v.clipTop >= 1) {
        // Scrolled out of sight, the host is an empty strip at the column's edge: the frame stays where it is
        // (laid out, clipped away), so coming back into view is no move either.
        const top = Math.min(Math.max(v.r.top, v.clipTop), v.clipBottom);
        next = { top, left: v.left, width: v.right - v.left, height: Math.max(0, v.bottom - v.top),
          clipTop: v.clipTop, clipHeight: v.clipBottom - v.clipTop, shift: v.r.top - v.clipTop, hidden: false };
      }
    } else if (shown && performance.now() - onTicketSince > DOCK_AFTER_MS) {
      dock(true);
      next = { top: 0, left: innerWidth - DOCK_WIDTH, width: DOCK_WIDTH, height: innerHeight, clipTop: 0,
        clipHeight: innerHeight, shift: 0, hidden: false, docked: true };
    } else if (shown && !dockTimer) {
      dockTimer = setTimeout(() => { dockTimer = 0; schedule(); }, DOCK_AFTER_MS);
    }
    noteMove(next);
    box = next;
    restyle();
    const now = !shown || box.hidden || clean();
    if (now !== lastClean) onCleanChange((lastClean = now));
  }

  // The panel's top-left in the viewport is the placeholder's (clipTop + shift is its top, whatever clips it). A
  // panel hidden for a moment and shown elsewhere has moved too: the last place is kept while it is hidden.
  function noteMove(next) {
    if (next.hidden || next.docked) return;
    const now = { x: Math.round(next.left), y: Math.round(next.clipTop + next.shift) };
    if (corner && (Math.abs(now.x - corner.x) > 2 || Math.abs(now.y - corner.y) > 2) && !holding &&
        performance.now() - agentAt >= AGENT_MS) {
      pageMovedAt = performance.now();
    }
    corner = now;
  }

  // Placed now (not at the next frame), then when the page last moved the panel, on the epoch clock the frame
  // compares with the time of the click (null: never). Timed from the click, not from this answer: the answer
  // can come late (the page can keep this thread busy), and a click brought into view first comes later still.
  function movedAt() {
    if (scheduled) place();
    return Number.isFinite(pageMovedAt) ? performance.timeOrigin + pageMovedAt : null;
  }

  function schedule() {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(place);
    }
  }

  // On a ticket: shown, under its order list (or docked). Elsewhere: hidden, but alive (Python stays booted).
  function show(onTicket) {
    if (onTicket && !shown) onTicketSince = performance.now();
    shown = onTicket;
    if (!onTicket) dock(false);
    schedule();
  }

  function setHeight(h) {
    if (Number.isFinite(h) && h > 0) {
      if (Math.ceil(h) < height) byAgent(); // the panel's own shrink may clamp the sidebar's scroll (growth cannot)
      height = Math.min(Math.ceil(h), 20_000);
      told = ""; // the panel's own scroll may have been reset by its new content: tell it the offset again
      schedule();
    }
  }

  function setHeadings(list) {
    if (Array.isArray(list)) {
      extraHeadings = list.filter((x) => typeof x === "string").slice(0, 10).map((x) => x.trim().toLowerCase());
      anchorList = null;
      schedule();
    }
  }

  const isOurs = (node) => node === host || node === placeholder;

  // The sidebar's scrolling, which the browser does not chain to a frame outside it (frame-in-page.js asks).
  function scroller() {
    for (let a = placeholder?.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(a).overflowY) && a.scrollHeight > a.clientHeight) return a;
    }
    return document.scrollingElement;
  }

  function scrollBy(dy) {
    if (!Number.isFinite(dy) || !dy || !placeholder?.isConnected) return;
    byAgent(); // the wheel over the panel, passed on by the frame
    scroller()?.scrollBy(0, Math.max(-5000, Math.min(5000, dy)));
  }

  // A region of the frame (its own coordinates) brought into the visible part of the sidebar.
  function reveal(top, bottom) {
    if (!placeholder?.isConnected || !Number.isFinite(top) || !Number.isFinite(bottom)) return;
    const origin = placeholder.getBoundingClientRect().top;
    const [want, end] = [origin + top, origin + bottom];
    const visTop = box.hidden ? 0 : box.clipTop; // the band of the viewport the sidebar shows
    const visBottom = box.hidden ? innerHeight : box.clipTop + box.clipHeight;
    // A control the agent focused or clicked, brought into view for them: the scroll is theirs (only when made).
    const dy = want < visTop ? want - visTop : end > visBottom ? Math.min(end - visBottom, want - visTop) : 0;
    if (dy) {
      byAgent();
      scroller()?.scrollBy(0, dy);
    }
  }

  // The page's <html> (our host's only ancestor: a host moved elsewhere is not clean, below) dressed so that what
  // the agent sees is not what they click: a clip or mask (which the frame's IntersectionObserver v2 cannot see), or a
  // fade, filter, blend or a transform beyond a plain 2-D move (which it sees on a click, but a transform also
  // makes Chromium deliver clicks to the wrong point of the frame, so the panel is told at once and says so
  // before anyone clicks).
  const none = (v) => !v || v === "none";
  const moveOnly = (t) => none(t) || /^matrix\(1, 0, 0, 1, [-\d.e]+, [-\d.e]+\)$/.test(t);
  function dressed(el) {
    const s = getComputedStyle(el);
    return !(none(s.clipPath) && none(s.maskImage) && none(s.webkitMaskImage) && none(s.filter) &&
      moveOnly(s.transform) && Number(s.opacity) >= 1 && s.mixBlendMode === "normal" && s.visibility === "visible");
  }

  function clean() {
    restyle();
    // Ours only where we put it: a host the page keeps in a wrapper (past the remount budget) is not clean.
    if (host?.parentNode !== document.documentElement || host.getAttribute("style") !== hostStyle()) return false;
    return !dressed(document.documentElement);
  }

  let lastClean = true;
  /** @type {(clean: boolean) => void} */
  let onCleanChange = () => {};
  function watchViewport(callback) {
    onViewport = callback;
    told = "";
  }

  function watchClean(callback) {
    onCleanChange = callback;
    new MutationObserver(schedule).observe(document.documentElement, { attributes: true });
  }

  // The extension was updated or reloaded: this content script outlives its extension context, and the frame
  // is dead. One sentence in its place (text only), where the panel was, until the page is reloaded.
  function retire(text) {
    if (!viewport) return;
    const note = document.createElement("p");
    note.setAttribute("role", "status");
    note.textContent = text;
    note.style.cssText = "margin:0;padding:16px 12px;font:13px/1.4 system-ui,sans-serif;color:#1b1f24";
    viewport.replaceChildren(note);
    frame = null;
    setHeight(56);
  }

  function remove() {
    hostObserver.disconnect();
    sizes.disconnect();
    removeEventListener("scroll", schedule, { capture: true });
    removeEventListener("resize", schedule);
    dock(false);
    host?.remove();
    placeholder?.remove();
    host = frame = placeholder = anchorList = null;
  }

  globalThis.loopReturnsPanelHost = {
    create, show, setHeight, setHeadings, isOurs, remove, retire, schedule, clean, watchClean, watchViewport,
    scrollBy, reveal, movedAt,
    // Ours only where we put it: a host the page moved into a wrapper of its own is not "connected" (issue 22).
    connected: () => Boolean(host?.isConnected) && host?.parentNode === document.documentElement,
  };
})();
