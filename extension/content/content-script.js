// Content script: the only extension code that runs in the Klaviyo page.
//
// Trust: the page owns this DOM and may be hostile. This script never reads the Loop key, never trusts
// window messages, and never turns page text into markup. It does three things:
//   1. mounts the panel (an extension page in an iframe) inside a *closed* shadow root;
//   2. answers the panel's "snapshot" request with the page's ticket markup, as a string the panel's Python
//      parses as text (the decision what an order is lives in pyapp/ticket_parser.py, not here);
//   3. tells the panel when the single-page app changed the ticket, so it asks for a new snapshot.
// Requests are accepted only from this extension's own panel frame, which proves itself with a nonce that
// exists only in the iframe URL inside the closed shadow root (the page cannot read it).
(() => {
  "use strict";
  const HELPDESK_PATH = /^\/inbox(\/|$)/;
  const SNAPSHOT_LIMIT = 400_000; // characters of markup; past it the middle is cut, keeping head and tail
  const MAX_MOUNTS = 5; // a page that keeps removing the panel does not get an endless remount loop
  // Coalesces a burst of DOM changes into one "page changed". Short, because a ticket switch waits on it;
  // a snapshot taken before the sidebar finished rendering is followed by another one.
  const SETTLE_MS = 40;
  const PANEL_URL = chrome.runtime.getURL("panel/panel.html");
  const nonce = crypto.randomUUID();
  let host = null;
  let mounts = 0;
  let lastFingerprint = "";
  let timer = 0;

  const alive = () => Boolean(globalThis.chrome?.runtime?.id);

  function mount() {
    // At document_start there may be no <html> yet; the observer calls again once the parser made it.
    if (host?.isConnected || mounts >= MAX_MOUNTS || !document.documentElement) return;
    mounts += 1;
    host = document.createElement("loop-returns-panel");
    // Inline !important: the page's stylesheets cannot hide, fade or click-through our host.
    host.style.cssText = "position:fixed !important;top:64px !important;right:12px !important;" +
      "width:360px !important;z-index:2147483000 !important;display:block !important;opacity:1 !important;" +
      "visibility:visible !important;pointer-events:auto !important;";
    const shadow = host.attachShadow({ mode: "closed" });
    const style = document.createElement("style");
    style.textContent = `:host{all:initial;bottom:12px;box-shadow:0 4px 16px rgba(0,0,0,.18);border-radius:8px;overflow:hidden;background:#fff}
      :host([collapsed]){bottom:auto;height:44px}
      iframe{border:0;width:100%;height:100%;display:block}`;
    const frame = document.createElement("iframe");
    frame.src = `${PANEL_URL}#${nonce}`;
    frame.title = "Loop Returns";
    frame.allow = "clipboard-write";
    shadow.append(style, frame);
    document.documentElement.append(host);
  }

  // Leaving the helpdesk hides the panel rather than removing it: its Python stays booted for the way back.
  function setVisible(visible) {
    if (host) host.style.setProperty("display", visible ? "block" : "none", "important");
  }

  function unmount() {
    host?.remove();
    host = null;
  }

  // The reply box: a visible textarea or rich editor labelled as a reply / message, else the last visible one.
  function findReplyBox() {
    const boxes = [...document.querySelectorAll("textarea, [contenteditable='true'], [contenteditable='']")]
      .filter((el) => !host?.contains(el) && el.getClientRects().length > 0);
    const label = (el) => `${el.getAttribute("aria-label") || ""} ${el.getAttribute("placeholder") || ""}`;
    return boxes.find((el) => /reply|message|respon|antwoord/i.test(label(el))) || boxes.at(-1) || null;
  }

  function insertIntoReply(text) {
    const box = findReplyBox();
    if (!box || typeof text !== "string" || !/^https:\/\/[^\s<>"']{1,2000}$/.test(text)) return false;
    box.focus();
    if (box instanceof HTMLTextAreaElement) {
      box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
      box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
    } else {
      document.execCommand("insertText", false, text); // keeps the editor's own undo history
    }
    return true;
  }

  function snapshot() {
    // Only the body: our own host hangs off <html>, so it is never part of what the panel parses.
    const html = document.body ? document.body.outerHTML : "";
    const half = SNAPSHOT_LIMIT / 2; // a sidebar is usually late in the markup: keep the end, not only the start
    return {
      url: location.href,
      title: document.title.slice(0, 500),
      html: html.length > SNAPSHOT_LIMIT ? html.slice(0, half) + html.slice(-half) : html,
      truncated: html.length > SNAPSHOT_LIMIT,
      replyBox: Boolean(findReplyBox()),
    };
  }

  function fingerprint() {
    const body = document.body;
    return `${location.pathname}|${body ? body.textContent.length : 0}`;
  }

  function notifyPanel() {
    const fp = fingerprint();
    if (fp === lastFingerprint) return;
    lastFingerprint = fp;
    chrome.runtime.sendMessage({ kind: "page-changed", nonce }).catch(() => {
      // The panel is still booting; it takes its first snapshot itself when ready.
    });
  }

  const inEditor = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest?.("[contenteditable]");

  function onPageMutation(records) {
    if (!alive()) return teardown();
    // Typing in a rich-text reply box is not a ticket change: no snapshot per keystroke.
    if (Array.isArray(records) && records.length && records.every((r) => inEditor(r.target))) return;
    clearTimeout(timer);
    timer = setTimeout(check, SETTLE_MS);
  }

  function check() {
    if (!alive()) return teardown();
    if (HELPDESK_PATH.test(location.pathname)) {
      mount();
      setVisible(true);
      notifyPanel();
    } else {
      setVisible(false);
    }
  }

  function onMessage(message, sender, sendResponse) {
    if (!alive()) return teardown();
    // Only our own extension's panel, holding the nonce it was given. (With use_dynamic_url the frame may
    // report the static or the per-session origin, so the extension id and the page path are compared.)
    if (sender.id !== chrome.runtime.id || !sender.url) return;
    if (new URL(sender.url).pathname !== "/panel/panel.html") return;
    if (!message || message.nonce !== nonce) return;
    if (message.kind === "snapshot") {
      sendResponse(snapshot());
    } else if (message.kind === "layout") {
      host?.toggleAttribute("collapsed", Boolean(message.collapsed));
      sendResponse({ ok: true });
    } else if (message.kind === "insert-reply") {
      sendResponse({ ok: insertIntoReply(message.text) });
    }
  }

  const observer = new MutationObserver(onPageMutation);

  function teardown() {
    observer.disconnect();
    removeEventListener("popstate", onPageMutation);
    try {
      chrome.runtime.onMessage.removeListener(onMessage);
    } catch {
      // The extension context is already gone: nothing left to unregister.
    }
    unmount();
  }

  chrome.runtime.onMessage.addListener(onMessage);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  addEventListener("popstate", onPageMutation);
  check();
})();
