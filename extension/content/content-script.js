// Content script: the only extension code that runs in the Klaviyo page (with page-tree.js, reply-box.js,
// panel-host.js and shared/contract.js, loaded before it into the same isolated world).
//
// Trust: the page owns this DOM and may be hostile. This script never reads the Loop key (storage is closed
// to content scripts), never trusts window messages, and never turns page text into markup. It mounts the
// panel (panel-host.js), answers the panel's requests (a snapshot of the page, its content height, insert a
// link into the reply) and tells the panel when the single-page app changed the ticket. Requests are accepted
// only from this extension's own panel frame, which proves itself with a nonce that exists only in the iframe
// URL inside the closed shadow root (the page cannot read it).
(() => {
  "use strict";
  const { pageTree } = globalThis.loopReturnsPageTree;
  const reply = globalThis.loopReturnsReplyBox;
  const panelHost = globalThis.loopReturnsPanelHost;
  const HELPDESK_PATH = /^\/inbox(\/|$)/;
  const TICKET_PATH = /^\/inbox\/(?:.*\/)?(?:tickets?|conversations?)\/[A-Za-z0-9_-]{1,64}/;
  const MAX_MOUNTS = 5; // per ticket: a page that keeps removing the panel gets no endless remount loop
  // Coalesces a burst of DOM changes into one "page changed" (its first change is told at once, below). Short,
  // because a ticket switch waits on it;
  // a snapshot taken before the sidebar finished rendering is followed by another one. A page that never
  // stops mutating still gets one every MAX_WAIT_MS: the debounce has a ceiling, not only a trailing edge.
  const SETTLE_MS = 40;
  const MAX_WAIT_MS = 200;
  const nonce = crypto.randomUUID();
  // Read now: once the extension is updated, chrome.i18n is gone with the rest of this script's context.
  const UPDATED = chrome.i18n.getMessage("extensionUpdated") || "Loop Returns was updated — reload the page to use it.";
  let retired = false;
  let mounts = 0;
  let mountsFor = "";
  let lastFingerprint = "";
  let settleTimer = 0;
  let ceilingTimer = 0;

  const alive = () => Boolean(globalThis.chrome?.runtime?.id);

  // To the panel. Once the extension is updated, chrome.runtime.sendMessage throws instead of rejecting.
  function tellPanel(message) {
    if (retired || !alive()) return;
    try {
      chrome.runtime.sendMessage({ ...message, nonce }).catch(() => {
        // The panel is still booting; it asks for what it needs itself when ready.
      });
    } catch {
      teardown();
    }
  }

  function mount() {
    // At document_start there may be no <html> yet; the observer calls again once the parser made it.
    if (panelHost.connected() || !document.documentElement) return;
    const ticket = location.pathname.match(TICKET_PATH)?.[0] || "";
    if (ticket !== mountsFor) [mounts, mountsFor] = [0, ticket];
    if (mounts >= MAX_MOUNTS) return;
    mounts += 1;
    panelHost.remove();
    panelHost.create(nonce);
  }

  function snapshot() {
    const tree = pageTree(panelHost.isOurs);
    return { url: location.href, title: document.title.slice(0, 500), tree: tree.json, truncated: tree.truncated,
      replyBox: Boolean(reply.findReplyBox()) };
  }

  // What a person reads, as a hash (FNV-1a): a length alone misses "#1001" becoming "#1003".
  function fingerprint() {
    const text = document.body ? document.body.textContent : "";
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    return `${location.pathname}|${text.length}|${hash >>> 0}`;
  }

  function notifyPanel() {
    const fp = fingerprint();
    if (fp === lastFingerprint) return;
    lastFingerprint = fp;
    tellPanel({ kind: "page-changed" });
  }

  const inEditor = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest?.("[contenteditable]");

  function onPageMutation(records) {
    if (retired) return panelHost.schedule(); // only the notice is left: it still follows the sidebar
    if (!alive()) return teardown();
    // Typing in a rich-text reply box is not a ticket change: no snapshot per keystroke.
    if (Array.isArray(records) && records.length && records.every((r) => inEditor(r.target))) return;
    panelHost.schedule(); // the app may have re-rendered the sidebar: follow (or re-insert) the placeholder
    // The first change after a quiet spell is told at once (a ticket's sidebar arriving: its lookup leaves
    // now, not 40 ms later); the rest of a burst is coalesced and told when it settles.
    const quiet = !settleTimer && !ceilingTimer;
    if (quiet) check();
    clearTimeout(settleTimer);
    settleTimer = setTimeout(check, SETTLE_MS);
    if (!ceilingTimer) ceilingTimer = setTimeout(check, MAX_WAIT_MS);
  }

  function check() {
    clearTimeout(settleTimer);
    clearTimeout(ceilingTimer);
    settleTimer = ceilingTimer = 0;
    if (retired) return;
    if (!alive()) return teardown();
    const helpdesk = HELPDESK_PATH.test(location.pathname);
    if (helpdesk) mount();
    panelHost.show(helpdesk && TICKET_PATH.test(location.pathname));
    if (helpdesk) notifyPanel();
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
      panelHost.setHeight(message.height);
      if ("headings" in message) panelHost.setHeadings(message.headings);
      sendResponse({ ok: true });
    } else if (message.kind === "scroll-by") {
      panelHost.scrollBy(message.dy);
    } else if (message.kind === "reveal") {
      panelHost.reveal(message.top, message.bottom);
    } else if (message.kind === "host-check") {
      sendResponse({ clean: panelHost.clean(), movedAt: panelHost.movedAt() });
    } else if (message.kind === "insert-reply") {
      reply.insert(message.text, message.ticket, message.customer).then(sendResponse, () => sendResponse({ ok: false }));
      return true; // answered asynchronously, once the editor shows the link
    }
  }

  const observer = new MutationObserver(onPageMutation);

  // The extension context is gone (updated, reloaded, removed): stop everything but the notice in its place.
  function teardown() {
    if (retired) return;
    retired = true;
    removeEventListener("popstate", onPageMutation);
    reply.stop();
    try {
      chrome.runtime.onMessage.removeListener(onMessage);
    } catch {
      // Nothing left to unregister.
    }
    if (panelHost.connected()) panelHost.retire(UPDATED);
    else observer.disconnect();
  }

  chrome.runtime.onMessage.addListener(onMessage);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  addEventListener("popstate", onPageMutation);
  reply.start(panelHost.isOurs);
  panelHost.watchClean((clean) => tellPanel({ kind: "host-state", clean }));
  panelHost.watchViewport((view) => tellPanel({ kind: "viewport", ...view }));
  check();
})();
