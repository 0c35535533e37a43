// The floor's content script: read the ticket the moment the page shows it, ask the worker for Loop's answers,
// write them as text. No waits, no framework, no Python: what a minimal plain-JS panel costs.
// It accepts a ticket as ours does at best: the URL names a ticket and the sidebar's order list is on screen
// and names that ticket's id (so a half-switched page is not read as the new ticket).
const HEADINGS = ["recent orders", "orders", "recente bestellingen", "bestellingen"];
const TICKET = /^\/inbox\/(?:.*\/)?(?:tickets?|conversations?)\/([A-Za-z0-9_-]{1,64})/;
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/;
const now = () => performance.timeOrigin + performance.now();
let shownKey = null;

function read() {
  const m = location.pathname.match(TICKET);
  if (!m || m[0] === shownKey || !document.body) return;
  const heading = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .find((h) => HEADINGS.includes(h.textContent.trim().toLowerCase()));
  const sidebar = heading && (heading.closest("aside") || heading.parentElement);
  // innerText, not textContent: there the panes' texts run together ("ID 101Assignee", "Jane Doejane@…").
  const text = sidebar ? sidebar.innerText : "";
  if (!sidebar || !new RegExp(`\\b${m[1]}\\b`).test(text)) return;
  shownKey = m[0];
  const list = heading.nextElementSibling;
  const orders = [...new Set((list ? list.textContent : "").match(/#[A-Za-z0-9-]{1,30}/g) || [])];
  const email = (text.match(EMAIL) || [null])[0];
  const key = shownKey;
  document.documentElement.dataset.floorReadAt = String(now());
  chrome.runtime.sendMessage({ email, orders }).then((rows) => {
    if (key !== shownKey) return;
    let box = document.getElementById("loop-floor");
    if (!box) {
      box = document.createElement("div");
      box.id = "loop-floor";
      sidebar.append(box);
    }
    box.textContent = rows.map(([name, state]) => `${name}: ${state}`).join("\n") || "No returns";
    document.documentElement.dataset.floorReadyAt = String(now());
    document.documentElement.dataset.floorReadyKey = key;
  });
}

new MutationObserver(read).observe(document, { childList: true, subtree: true, characterData: true });
addEventListener("popstate", read);
read();
