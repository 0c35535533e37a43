// A Klaviyo-Helpdesk-like single-page app for the demo and the tests. Its markup imitates what matters:
// hashed class names, an Overview sidebar (Ticket, Customer, Activity -> Recent orders), a conversation,
// a reply box, and ticket switches through history.pushState without a page load.
"use strict";
let tickets = [];

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function ticketIdFromPath() {
  const m = location.pathname.match(/^\/inbox\/tickets\/([^/]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

function go(path) {
  history.pushState({}, "", path);
  render();
}

function nav() {
  const current = ticketIdFromPath();
  const n = el("nav", { "aria-label": "Tickets" }, el("h2", {}, "Inbox"));
  for (const t of tickets) {
    const a = el("a", { href: `/inbox/tickets/${t.id}`, "data-ticket": t.id }, `${t.customer.name}: ${t.subject}`);
    if (t.id === current) a.setAttribute("aria-current", "page");
    a.addEventListener("click", (e) => { e.preventDefault(); go(a.getAttribute("href")); });
    n.append(a);
  }
  return n;
}

function conversation(t) {
  const c = el("section", { class: "c-conv_19ab", "aria-label": "Conversation" }, el("h1", {}, t.subject));
  for (const m of t.messages) c.append(el("div", { class: "msg_7f3e" }, el("small", {}, m.from), m.text));
  c.append(el("textarea", { class: "reply_88ad", "aria-label": "Reply", placeholder: "Write a reply…" }));
  return c;
}

function sidebar(t) {
  const orders = el("div", { class: "ol_5d2a" });
  for (const o of t.orders) {
    orders.append(el("div", { class: "ord_44c1" }, el("span", {}, o.name), el("span", {}, `${o.total} · ${o.status}`)));
  }
  if (!t.orders.length) orders.append(el("p", {}, "No recent orders"));
  return el("aside", { "aria-label": "Overview" },
    el("h2", {}, "Overview"),
    el("section", {}, el("h3", {}, "Ticket"), el("div", {}, `ID ${t.id}`), el("div", {}, `Channel: ${t.channel}`)),
    el("section", {}, el("h3", {}, "Customer"), el("div", { class: "nm_0b1c" }, t.customer.name),
      el("div", { class: "em_9a0f" }, t.customer.email)),
    el("section", {}, el("h3", {}, "Predictive analytics"), el("div", {}, "Churn risk: low")),
    el("section", {}, el("h3", {}, "Activity"), el("h4", {}, "Recent orders"), orders));
}

function render() {
  const root = document.getElementById("root");
  const id = ticketIdFromPath();
  const t = tickets.find((x) => x.id === id);
  const main = t ? [conversation(t), sidebar(t)]
    : [el("section", { class: "c-conv_19ab" }, el("h1", {}, "Inbox"), el("p", {}, "Select a ticket."))];
  root.replaceChildren(nav(), ...main);
  document.title = t ? `${t.subject} | Inbox | Klaviyo` : "Inbox | Klaviyo";
}

addEventListener("popstate", render);
fetch("/api/helpdesk/tickets").then((r) => r.json()).then((data) => {
  tickets = data.tickets;
  render();
});
