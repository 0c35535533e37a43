// Tells the content script how tall the panel's content is, so the page's layout reserves exactly that room:
// nothing of the helpdesk covered, no inner scrollbar. Runs before Python, so the loading skeleton gets its
// room too; the collapsed panel is just its header.
const nonce = location.hash.slice(1, 65);
const app = document.getElementById("app");
let tabId = null;
let last = 0;

function report() {
  const height = Math.ceil(app.getBoundingClientRect().height);
  if (tabId === null || height === last) return;
  last = height;
  chrome.tabs.sendMessage(tabId, { kind: "layout", nonce, height }, { frameId: 0 }).catch(() => { last = 0; });
}

chrome.tabs.getCurrent().then((tab) => {
  tabId = tab?.id ?? null;
  report();
});
new ResizeObserver(report).observe(app);
