// The page as the panel's Python reads it: [tag, {attrs}, ...children], text as strings, JSON-encoded.
// Only the attributes pyapp/ticket/ (page.py's TREE_ATTRS) reads are kept (shared/contract.js, written by build.py from it),
// hidden subtrees (display:none panes an app keeps for later, collapsed menus) are left out, and size is
// bounded. Which node is an order, the conversation or the sidebar is decided in Python, not here.
(() => {
  "use strict";
  const C = globalThis.loopReturnsContract;
  const ATTRS = C.treeAttrs;
  const SKIP = new Set(C.treeSkip);
  const MAX_CHARS = 400_000;

  // checkVisibility() is false for display:contents elements, whose children are on screen.
  const visible = (el) => el.checkVisibility?.() !== false || getComputedStyle(el).display === "contents";

  function pageTree(isOurs) {
    let nodes = 0;
    let chars = 0;
    function walk(el, depth) {
      const attrs = {};
      for (const name of ATTRS) {
        const v = el.getAttribute(name);
        if (v !== null) {
          attrs[name] = v.slice(0, 500);
          chars += name.length + attrs[name].length; // attributes count toward the cap as text does
        }
      }
      const out = [el.localName, attrs];
      for (let c = el.firstChild; c && nodes < C.maxNodes && chars < MAX_CHARS; c = c.nextSibling) {
        if (c.nodeType === Node.TEXT_NODE) {
          if (c.data.trim()) {
            const run = c.data.slice(0, C.maxRun);
            chars += run.length;
            out.push(run);
          }
        } else if (c.nodeType === Node.ELEMENT_NODE && !SKIP.has(c.localName) && !isOurs(c) && visible(c)) {
          nodes += 1;
          if (depth >= C.maxDepth) {
            const run = c.textContent.slice(0, C.maxRun);
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
    return { json: JSON.stringify(tree), truncated: nodes >= C.maxNodes || chars >= MAX_CHARS };
  }

  globalThis.loopReturnsPageTree = { pageTree };
})();
