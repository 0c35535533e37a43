// A Klaviyo-Helpdesk-like single-page app for the demo and the tests, as busy as the real one where it matters
// to the extension:
// - an inbox list whose items preview each ticket's first message (mentioning *other* tickets' orders), and a
//   search box with its own result list;
// - after a switch, the conversation and the details sidebar load separately, at different moments; the
//   sidebar keeps showing the previous ticket until its own data arrives (as apps that keep previous data do);
// - the sidebar re-renders on its own every few seconds (live "last seen"), replacing its nodes;
// - the reply box is a rich-text editor that keeps its own model and undoes direct DOM writes (as Draft.js,
//   Slate or ProseMirror do): text gets in only through its input path (beforeinput, paste);
// - hashed class names and no markers for the extension: no ticket ids on panes, no test ids. What a person
//   sees (the URL, headings, text) is all there is to go by.
"use strict";
let config = { staleSidebar: true, sidebarRerenderMs: 4000, sidebar: true };
let tickets = [];
let shown = { conversation: null, sidebar: null }; // ticket ids whose data the panes currently show
let loadSeq = 0;
let editor = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

const $ = (sel) => document.querySelector(sel);
const api = (path) => fetch(path).then((r) => r.json());

function ticketIdFromPath() {
  const m = location.pathname.match(/^\/inbox\/tickets\/([^/]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

function go(path) {
  history.pushState({}, "", path);
  route();
}

// ---- the shell ------------------------------------------------------------------------------------------

function shell() {
  const search = el("input", { type: "search", class: "sr_20d4", placeholder: "Search tickets", "aria-label": "Search tickets" });
  const results = el("ul", { class: "rs_8e11", hidden: "" });
  search.addEventListener("input", () => renderResults(search.value, results));
  return el("div", { class: "kl-app_x81f2" },
    el("header", { class: "tb_1a2b" }, el("strong", {}, "Klaviyo"), el("span", { class: "tb_crumb" }, "Helpdesk · Inbox")),
    el("nav", { class: "rl_0c3d", "aria-label": "Main" },
      el("a", { href: "/inbox/" }, "Inbox"), el("a", { href: "/customer-hub/overview" }, "Customer Hub"),
      el("a", { href: "/inbox/settings/general" }, "Settings")),
    el("main", { class: "mn_77c1" },
      el("section", { class: "il_3f0a" }, el("h2", {}, "Inbox"), search, results, el("ul", { class: "tl_9c2e" })),
      el("section", { class: "c-conv_19ab", "aria-label": "Conversation" }),
      config.sidebar ? el("aside", { class: "sb_6a1e", "aria-label": "Details" }) : null));
}

function ticketLink(t, current) {
  const a = el("a", { href: `/inbox/tickets/${t.id}`, class: "ti_4b2c" },
    el("span", { class: "ti_who" }, `${t.customer.name}: ${t.subject}`),
    el("span", { class: "ti_pv" }, t.preview), el("time", {}, t.when));
  if (t.id === current) a.setAttribute("aria-current", "page");
  a.addEventListener("click", (e) => { e.preventDefault(); go(a.getAttribute("href")); });
  return a;
}

function renderList() {
  const current = ticketIdFromPath();
  $(".tl_9c2e").replaceChildren(...tickets.map((t) => el("li", {}, ticketLink(t, current))));
}

function renderResults(q, list) {
  const words = q.trim().toLowerCase();
  const hits = words ? tickets.filter((t) => `${t.customer.name} ${t.subject} ${t.preview}`.toLowerCase().includes(words)) : [];
  list.replaceChildren(...hits.map((t) => el("li", {}, ticketLink(t, null))));
  list.hidden = !hits.length;
}

// ---- panes that load separately ---------------------------------------------------------------------------

function skeleton(text) {
  return el("div", { class: "sk_31aa" }, el("p", {}, text), el("div", { class: "skl" }), el("div", { class: "skl" }));
}

async function route() {
  renderList();
  const id = ticketIdFromPath();
  const conv = $(".c-conv_19ab");
  const side = $(".sb_6a1e") || document.createElement("aside"); // a layout without a details sidebar
  const seq = ++loadSeq;
  const t = tickets.find((x) => x.id === id);
  document.title = t ? `${t.subject} | Inbox | Klaviyo` : "Inbox | Klaviyo";
  if (!t) {
    conv.replaceChildren(el("h1", {}, "Inbox"), el("p", {}, "Select a ticket."));
    side.replaceChildren();
    shown = { conversation: null, sidebar: null };
    editor = null;
    return;
  }
  conv.replaceChildren(skeleton("Loading conversation…"));
  shown.conversation = null;
  editor = null;
  if (!config.staleSidebar || shown.sidebar === null) side.replaceChildren(skeleton("Loading details…"));
  const conversation = api(`/api/helpdesk/tickets/${encodeURIComponent(id)}/conversation`).then((data) => {
    if (seq !== loadSeq) return;
    renderConversation(t, data);
  });
  const details = api(`/api/helpdesk/tickets/${encodeURIComponent(id)}/details`).then((data) => {
    if (seq !== loadSeq) return;
    shown.sidebar = { ...data, loadedAt: Date.now() };
    renderSidebar();
  });
  await Promise.all([conversation, details]);
}

function renderConversation(t, data) {
  const conv = $(".c-conv_19ab");
  const thread = el("div", { class: "th_5e0b" });
  for (const m of data.messages) {
    thread.append(el("article", { class: `msg_7f3e ${m.role === "agent" ? "msg_ag" : ""}` },
      el("header", {}, el("strong", {}, m.from), " ", el("time", {}, m.when)), el("p", {}, m.text)));
  }
  editor = createEditor();
  const send = el("button", { type: "button", class: "bt_send" }, "Send");
  send.addEventListener("click", () => {
    const text = editor.text().trim();
    if (!text) return;
    thread.append(el("article", { class: "msg_7f3e msg_ag" }, el("header", {}, el("strong", {}, "You"), " ", el("time", {}, "now")), el("p", {}, text)));
    editor.clear();
  });
  conv.replaceChildren(
    el("header", { class: "ch_0f12" }, el("h1", {}, data.subject), el("span", {}, `${data.channel} · ${data.status}`)),
    thread,
    el("div", { class: "rp_88ad" }, editor.node, el("div", { class: "rp_bar" }, el("button", { type: "button" }, "Insert macro"), send)));
  shown.conversation = t.id;
}

function renderSidebar() {
  const d = shown.sidebar;
  if (!d || !$(".sb_6a1e")) return;
  const orders = el("div", { class: "ol_5d2a" });
  for (const o of d.orders) {
    orders.append(el("div", { class: "ord_44c1" }, el("span", { class: "on_9f" }, o.name),
      el("span", {}, `${o.date} · ${o.total} · ${o.status}`)));
  }
  if (!d.orders.length) orders.append(el("p", { class: "muted_2b" }, "No recent orders"));
  const seen = Math.max(1, Math.round((Date.now() - d.loadedAt) / 1000));
  $(".sb_6a1e").replaceChildren(
    el("h2", {}, "Overview"),
    el("section", {}, el("h3", {}, "Ticket"), el("div", {}, `ID ${d.ticket.id}`), el("div", {}, `Assignee: ${d.ticket.assignee}`),
      el("div", {}, `Created: ${d.ticket.created}`), el("div", {}, `Channel: ${d.ticket.channel}`),
      el("div", {}, `Tags: ${d.ticket.tags.join(", ") || "none"}`)),
    el("section", {}, el("h3", {}, "Customer"), el("div", { class: "nm_0b1c" }, d.customer.name),
      el("div", { class: "em_9a0f" }, d.customer.email), el("div", {}, d.customer.phone),
      el("div", { class: "ls_77" }, `Last seen ${seen} s ago`)),
    el("section", {}, el("h3", {}, "Predictive analytics"), el("div", {}, `Churn risk: ${d.analytics.churn}`),
      el("div", {}, `Expected next order: ${d.analytics.nextOrder}`)),
    el("section", {}, el("h3", {}, "Activity"), el("h4", {}, "Recent orders"), orders));
}

// ---- the reply editor -------------------------------------------------------------------------------------

// The model (paragraphs of plain text) is the truth. Text enters through beforeinput (typing, IME, delete)
// and paste; any other change to the editor's DOM is undone from the model, as model-driven editors do.
function createEditor() {
  const node = el("div", { class: "ed_51f0 empty", contenteditable: "true", role: "textbox", "aria-multiline": "true",
    "aria-label": "Reply", "data-placeholder": "Write a reply…" });
  let paras = [""];
  const observer = new MutationObserver(() => { render(null); });

  function render(caret) {
    node.replaceChildren(...paras.map((t) => el("p", {}, t ? document.createTextNode(t) : el("br"))));
    node.classList.toggle("empty", paras.length === 1 && !paras[0]);
    if (caret) place(caret);
    observer.takeRecords(); // our own writes are not foreign changes
  }

  function pos(container, offset) {
    let p = container;
    while (p && p.parentNode !== node) p = p.parentNode;
    if (!p) {
      const i = Math.min(offset, paras.length) - (offset >= paras.length ? 1 : 0);
      return { p: Math.max(0, i), o: offset >= paras.length ? paras[paras.length - 1].length : 0 };
    }
    const i = Math.max(0, [...node.children].indexOf(p));
    if (container.nodeType === Node.TEXT_NODE) return { p: i, o: Math.min(offset, paras[i].length) };
    return { p: i, o: offset === 0 ? 0 : paras[i].length };
  }

  function range(e) {
    const r = e && e.getTargetRanges ? e.getTargetRanges()[0] : null;
    if (r) return [pos(r.startContainer, r.startOffset), pos(r.endContainer, r.endOffset)];
    const sel = getSelection();
    if (!sel.rangeCount || !node.contains(sel.anchorNode)) return [{ p: paras.length - 1, o: paras.at(-1).length }, { p: paras.length - 1, o: paras.at(-1).length }];
    const x = sel.getRangeAt(0);
    return [pos(x.startContainer, x.startOffset), pos(x.endContainer, x.endOffset)];
  }

  function replace([a, b], text) {
    const before = paras[a.p].slice(0, a.o);
    const after = paras[b.p].slice(b.o);
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    const fresh = lines.map((l, i) => (i === 0 ? before : "") + l + (i === lines.length - 1 ? after : ""));
    paras.splice(a.p, b.p - a.p + 1, ...fresh);
    render({ p: a.p + lines.length - 1, o: (lines.length === 1 ? before.length : 0) + lines.at(-1).length });
  }

  function place({ p, o }) {
    const para = node.children[p];
    if (!para) return;
    const r = document.createRange();
    if (para.firstChild && para.firstChild.nodeType === Node.TEXT_NODE) r.setStart(para.firstChild, o);
    else r.setStart(para, 0);
    r.collapse(true);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }

  node.addEventListener("beforeinput", (e) => {
    e.preventDefault();
    const r = range(e);
    if (e.inputType.startsWith("delete")) return replace(r, "");
    if (e.inputType === "insertParagraph" || e.inputType === "insertLineBreak") return replace(r, "\n");
    const text = e.data ?? (e.dataTransfer ? e.dataTransfer.getData("text/plain") : "");
    if (text) replace(r, text);
  });
  node.addEventListener("paste", (e) => {
    e.preventDefault();
    const text = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
    if (text) replace(range(null), text);
  });
  render(null);
  observer.observe(node, { childList: true, subtree: true, characterData: true });
  return {
    node,
    text: () => paras.join("\n"),
    clear: () => { paras = [""]; render(null); },
  };
}

// ---- start ------------------------------------------------------------------------------------------------

addEventListener("popstate", route);
addEventListener("click", (e) => {
  const a = e.target.closest && e.target.closest("nav a");
  if (a && a.getAttribute("href").startsWith("/")) { e.preventDefault(); go(a.getAttribute("href")); }
});
Promise.all([api("/api/helpdesk/config"), api("/api/helpdesk/tickets")]).then(([c, data]) => {
  config = { ...config, ...c };
  tickets = data.tickets;
  document.getElementById("root").replaceWith(shell());
  if (!config.sidebar) document.querySelector(".kl-app_x81f2").style.gridTemplateColumns = "64px 300px minmax(0,1fr)";
  route();
  if (config.sidebarRerenderMs > 0) setInterval(renderSidebar, config.sidebarRerenderMs);
});
