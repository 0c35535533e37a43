// Content script: the only extension code that runs in the Klaviyo page.
//
// Trust: the page owns this DOM and may be hostile. This script never reads the Loop key, never trusts
// window messages, and never turns page text into markup. It does three things:
//   1. mounts the panel (an extension page in an iframe) inside a *closed* shadow root;
//   2. answers the panel's "snapshot" request with the page's visible structure as a compact tree (tag, a few
//      attributes, text), JSON-encoded; the panel's Python reads it as text (the decision what an order, the
//      conversation or the sidebar is lives in pyapp/ticket_parser.py, not here);
//   3. tells the panel when the single-page app changed the ticket, so it asks for a new snapshot.
// Requests are accepted only from this extension's own panel frame, which proves itself with a nonce that
// exists only in the iframe URL inside the closed shadow root (the page cannot read it).
(() => {
  "use strict";
  const HELPDESK_PATH = /^\/inbox(\/|$)/;
  const MAX_MOUNTS = 5; // a page that keeps removing the panel does not get an endless remount loop
  // Coalesces a burst of DOM changes into one "page changed". Short, because a ticket switch waits on it;
  // a snapshot taken before the sidebar finished rendering is followed by another one. A page that never
  // stops mutating still gets one every MAX_WAIT_MS: the debounce has a ceiling, not only a trailing edge.
  const SETTLE_MS = 40;
  const MAX_WAIT_MS = 200;
  // The page tree sent to the panel: only what pyapp/ticket_parser.py reads (TREE_ATTRS there), bounded.
  const TREE_ATTRS = ["role", "aria-label", "aria-current", "aria-selected", "href", "contenteditable", "data-testid"];
  const TREE_SKIP = new Set(["script", "style", "template", "noscript", "svg", "textarea", "iframe", "select", "option"]);
  const TREE_MAX_NODES = 40_000;
  const TREE_MAX_CHARS = 400_000;
  const TREE_MAX_DEPTH = 200;
  const RUN_MAX = 5_000;
  const PANEL_URL = chrome.runtime.getURL("panel/panel.html");
  const nonce = crypto.randomUUID();
  let host = null;
  let mounts = 0;
  let lastFingerprint = "";
  let settleTimer = 0;
  let ceilingTimer = 0;
  let replySelection = null; // where the agent's caret was in the reply box, for Insert into reply

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

  function rememberReplyCaret() {
    const sel = getSelection();
    const box = findReplyBox();
    if (box && sel.rangeCount && box.contains(sel.anchorNode)) replySelection = sel.getRangeAt(0).cloneRange();
  }

  // The link goes only into the ticket it was made for: a deep link signs a customer into the portal for
  // that order, and pasted to another customer it would hand them access.
  const onTicket = (key) => typeof key === "string" && key.startsWith("/inbox/") &&
    (location.pathname === key || location.pathname.startsWith(key + "/"));

  const shows = (box, text) => (box.value ?? box.innerText ?? "").includes(text);

  function settle(test, ms) {
    return new Promise((resolve) => {
      const start = performance.now();
      const look = () => (test() || performance.now() - start > ms ? resolve(test()) : requestAnimationFrame(look));
      requestAnimationFrame(look);
    });
  }

  // Through the editor's own input path: rich editors (Draft.js, Slate, ProseMirror, Lexical) keep a model and
  // undo direct DOM writes, and execCommand bypasses their beforeinput handling; all of them take a paste.
  // A plain contenteditable or textarea takes execCommand, which keeps the browser's undo history.
  async function insertIntoReply(text, ticket) {
    if (typeof text !== "string" || !/^https:\/\/[^\s<>"']{1,2000}$/.test(text)) return { ok: false, reason: "bad-text" };
    if (!onTicket(ticket)) return { ok: false, reason: "other-ticket" };
    const box = findReplyBox();
    if (!box) return { ok: false, reason: "no-reply-box" };
    box.focus();
    if (box instanceof HTMLTextAreaElement) {
      if (!document.execCommand("insertText", false, text) || !shows(box, text)) {
        box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
        box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
      }
      return { ok: shows(box, text) };
    }
    const sel = getSelection();
    if (!(sel.rangeCount && box.contains(sel.anchorNode))) {
      const range = replySelection && box.contains(replySelection.startContainer) ? replySelection : document.createRange();
      if (range !== replySelection) { range.selectNodeContents(box); range.collapse(false); }
      sel.removeAllRanges();
      sel.addRange(range);
    }
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const taken = !box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    if (!taken) document.execCommand("insertText", false, text);
    return { ok: await settle(() => shows(box, text), 600) };
  }

  // The visible page as [tag, {attrs}, ...children], text as strings. Hidden subtrees (display:none panes an
  // app keeps for later, collapsed menus) are not what a person sees and are left out.
  function pageTree() {
    let nodes = 0;
    let chars = 0;
    const visible = (el) => el.checkVisibility?.() !== false || getComputedStyle(el).display === "contents";
    function walk(el, depth) {
      const attrs = {};
      for (const name of TREE_ATTRS) {
        const v = el.getAttribute(name);
        if (v !== null) attrs[name] = v.slice(0, 500);
      }
      const out = [el.localName, attrs];
      for (let c = el.firstChild; c && nodes < TREE_MAX_NODES && chars < TREE_MAX_CHARS; c = c.nextSibling) {
        if (c.nodeType === Node.TEXT_NODE) {
          if (c.data.trim()) {
            const run = c.data.slice(0, RUN_MAX);
            chars += run.length;
            out.push(run);
          }
        } else if (c.nodeType === Node.ELEMENT_NODE && c !== host && !TREE_SKIP.has(c.localName) && visible(c)) {
          nodes += 1;
          if (depth >= TREE_MAX_DEPTH) {
            const run = c.textContent.slice(0, RUN_MAX);
            chars += run.length;
            out.push(run);
          } else {
            out.push(walk(c, depth + 1));
          }
        }
      }
      return out;
    }
    const tree = document.body ? walk(document.body, 0) : ["body", {}];
    return { json: JSON.stringify(tree), truncated: nodes >= TREE_MAX_NODES || chars >= TREE_MAX_CHARS };
  }

  function snapshot() {
    const tree = pageTree();
    return {
      url: location.href,
      title: document.title.slice(0, 500),
      tree: tree.json,
      truncated: tree.truncated,
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
    clearTimeout(settleTimer);
    settleTimer = setTimeout(check, SETTLE_MS);
    if (!ceilingTimer) ceilingTimer = setTimeout(check, MAX_WAIT_MS);
  }

  function check() {
    clearTimeout(settleTimer);
    clearTimeout(ceilingTimer);
    settleTimer = ceilingTimer = 0;
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
      insertIntoReply(message.text, message.ticket).then(sendResponse, () => sendResponse({ ok: false }));
      return true; // answered asynchronously, once the editor shows the link
    }
  }

  const observer = new MutationObserver(onPageMutation);

  function teardown() {
    observer.disconnect();
    removeEventListener("popstate", onPageMutation);
    document.removeEventListener("selectionchange", rememberReplyCaret);
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
  document.addEventListener("selectionchange", rememberReplyCaret);
  check();
})();
