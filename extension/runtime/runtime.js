// The runtime document (chrome.offscreen, reason WORKERS): it starts the extension's Python in a worker, once
// for the whole browser, and is the switchboard between that worker and the extension's pages. It decides
// nothing: every decision is Python's (pyapp/browser/runtime_app.py).
//
// Trust: only this extension's own pages reach it, over chrome.runtime ports. A panel port is accepted from
// /panel/panel.html inside a tab (its tab is the browser's word, sender.tab.id, never the page's); an options
// port from /options/options.html; the settings (the key among them) only from this extension's service
// worker. The page never reaches this document, and the key never goes anywhere but the worker.
const worker = new Worker("/runtime/python-worker.js", { type: "module", name: "loop-returns-python" });
const ports = new Map();
let nextPort = 1;
const SW_URL = chrome.runtime.getURL("background/service-worker.js");

function senderPath(sender) {
  try {
    return sender?.id === chrome.runtime.id && sender.url ? new URL(sender.url).pathname : "";
  } catch {
    return "";
  }
}

function accepted(port) {
  const sender = port.sender;
  const path = senderPath(sender);
  if (port.name === "panel" && path === "/panel/panel.html" && Number.isInteger(sender.tab?.id) && sender.frameId !== 0) {
    return { role: "panel", tab: sender.tab.id };
  }
  if (port.name === "options" && path === "/options/options.html") return { role: "options", tab: null };
  if (port.name === "settings" && sender?.id === chrome.runtime.id && sender.url === SW_URL && !sender.tab) {
    return { role: "settings", tab: null };
  }
  return null;
}

chrome.runtime.onConnect.addListener((port) => {
  const who = accepted(port);
  if (!who) return; // not ours to answer (another page's port, or a sender we do not trust)
  if (who.role === "settings") {
    port.onMessage.addListener((msg) => {
      if (msg && msg.kind === "settings") worker.postMessage({ kind: "settings", local: msg.local, managed: msg.managed });
    });
    return;
  }
  const id = nextPort++;
  ports.set(id, port);
  if (bootFailed) port.postMessage({ kind: "boot-failed" });
  worker.postMessage({ kind: "connect", port: id, role: who.role, tab: who.tab });
  port.onMessage.addListener((msg) => worker.postMessage({ kind: "message", port: id, msg }));
  port.onDisconnect.addListener(() => {
    ports.delete(id);
    worker.postMessage({ kind: "disconnect", port: id });
  });
});

worker.addEventListener("message", ({ data }) => {
  if (!data || typeof data !== "object") return;
  if (data.kind === "send") {
    try {
      ports.get(data.port)?.postMessage(data.msg);
    } catch {
      // That page is gone; its disconnect is on its way.
    }
  } else if (data.kind === "want-settings") {
    askForSettings();
  } else if (data.kind === "boot-failed") {
    failed();
  }
});
worker.addEventListener("error", (e) => {
  console.error("[loop-returns runtime] worker failed:", e.message || "unknown");
  failed();
});

// Python could not start (the browser refused its WebAssembly, a file is missing): every panel says so now,
// with Retry, instead of "Loading…" until its own timeout.
let bootFailed = false;
function failed() {
  bootFailed = true;
  for (const port of ports.values()) {
    try { port.postMessage({ kind: "boot-failed" }); } catch { /* gone */ }
  }
}

// The service worker pushes the settings over a port of its own (it reads storage; this document cannot).
function askForSettings() {
  chrome.runtime.sendMessage({ kind: "want-settings" }).catch(() => {});
}
askForSettings();
