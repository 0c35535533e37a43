// Insert into reply: the link goes into the helpdesk's reply box, where the agent's caret was, and only on the
// ticket it was made for (a deep link signs a customer into the portal for that order: pasted to another
// customer it would hand them access).
(() => {
  "use strict";
  /** @type {(el: Element) => boolean} */
  let isOurs = () => false;
  let lastRange = null; // where the agent's caret was in the reply box

  // A visible textarea or rich editor labelled as a reply / message, else the last visible one.
  function findReplyBox() {
    const boxes = [...document.querySelectorAll("textarea, [contenteditable='true'], [contenteditable='']")]
      .filter((el) => !isOurs(el) && el.getClientRects().length > 0);
    const label = (el) => `${el.getAttribute("aria-label") || ""} ${el.getAttribute("placeholder") || ""}`;
    return boxes.find((el) => /reply|message|respon|antwoord/i.test(label(el))) || boxes.at(-1) || null;
  }

  function rememberCaret() {
    const sel = getSelection();
    const box = findReplyBox();
    if (box && sel.rangeCount && box.contains(sel.anchorNode)) lastRange = sel.getRangeAt(0).cloneRange();
  }

  const onTicket = (key) => typeof key === "string" && key.startsWith("/inbox/") &&
    (location.pathname === key || location.pathname.startsWith(key + "/"));

  // Whether the page still shows the customer the link was made for: the profile section (under a heading the
  // parser reads as the profile, pyapp/ticket/profile.py, or a region labelled as one) holds their address. The
  // page can show another customer under the same URL (and a route may not carry the ticket id at all).
  const C = globalThis.loopReturnsContract;
  const PROFILE_LABEL = /\b(customer|profile|klant|profiel)/i;
  const ownText = (el) => [...el.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => c.data).join(" ")
    .split(/\s+/).filter(Boolean).join(" ").toLowerCase();
  const EDITOR = "textarea, [contenteditable='true'], [contenteditable='']";
  const typedIn = (el) => Boolean(el.closest(EDITOR));
  function profileSections() {
    const found = [];
    const headings = new Set(C.profileHeadings);
    for (const el of document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role='heading'], dt, legend, strong, b, span, div, p")) {
      if (isOurs(el) || typedIn(el) || !headings.has(ownText(el)) || !el.checkVisibility()) continue;
      let section = el.parentElement;
      for (let i = 0; section && i < 4 && section.textContent.trim().length <= ownText(el).length + 2; i += 1) section = section.parentElement;
      if (section && !typedIn(section)) found.push(section);
    }
    for (const el of document.querySelectorAll("[aria-label]")) {
      if (!isOurs(el) && !typedIn(el) && PROFILE_LABEL.test(el.getAttribute("aria-label"))) found.push(el);
    }
    return found;
  }
  function showsCustomer(email) {
    if (typeof email !== "string" || !email) return true; // a ticket without an address: the ticket check alone
    const wanted = email.toLowerCase();
    const holds = (el) => el.textContent.toLowerCase().includes(wanted) ||
      [...el.querySelectorAll("a[href^='mailto:' i]")].some((a) => a.href.toLowerCase().includes(wanted));
    const sections = profileSections();
    if (sections.length) return sections.some(holds);
    // No section under a heading these rules know (the parser also takes a heading with the customer's name in
    // the details sidebar): the address must be in the sidebar, never merely somewhere on the page, where a
    // customer may have typed it. No sidebar: not shown.
    return [...document.querySelectorAll("aside, [role='complementary']")]
      .some((el) => !isOurs(el) && !typedIn(el) && !el.querySelector(EDITOR) && holds(el));
  }

  const shows = (box, text) => (box.value ?? box.innerText ?? "").includes(text);

  function settle(test, ms) {
    return new Promise((resolve) => {
      const start = performance.now();
      const look = () => (test() || performance.now() - start > ms ? resolve(test()) : requestAnimationFrame(look));
      requestAnimationFrame(look);
    });
  }

  // Through the editor's own input path: rich editors (Draft.js, Slate, ProseMirror, Lexical) keep a model and
  // undo direct DOM writes, and Chromium's execCommand bypasses their beforeinput handling; all of them take a
  // paste. A plain contenteditable or a textarea takes execCommand, which keeps the browser's undo history.
  async function insert(text, ticket, customer) {
    if (typeof text !== "string" || !/^https:\/\/[^\s<>"']{1,2000}$/.test(text)) return { ok: false, reason: "bad-text" };
    if (!onTicket(ticket)) return { ok: false, reason: "other-ticket" };
    if (!showsCustomer(customer)) return { ok: false, reason: "other-customer" };
    const box = findReplyBox();
    if (!box) return { ok: false, reason: "no-reply-box" };
    /** @type {HTMLElement} */ (box).focus();
    if (box instanceof HTMLTextAreaElement) {
      if (!document.execCommand("insertText", false, text) || !shows(box, text)) {
        box.setRangeText(text, box.selectionStart, box.selectionEnd, "end");
        box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
      }
      return { ok: shows(box, text) };
    }
    const sel = getSelection();
    if (!(sel.rangeCount && box.contains(sel.anchorNode))) {
      let range = lastRange && box.contains(lastRange.startContainer) ? lastRange : null;
      if (!range) {
        range = document.createRange();
        range.selectNodeContents(box);
        range.collapse(false);
      }
      sel.removeAllRanges();
      sel.addRange(range);
    }
    const data = new DataTransfer();
    data.setData("text/plain", text);
    const taken = !box.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    if (!taken) document.execCommand("insertText", false, text);
    return { ok: await settle(() => shows(box, text), 600) };
  }

  function start(ours) {
    isOurs = ours;
    document.addEventListener("selectionchange", rememberCaret);
  }

  function stop() {
    document.removeEventListener("selectionchange", rememberCaret);
  }

  globalThis.loopReturnsReplyBox = { findReplyBox, insert, start, stop };
})();
