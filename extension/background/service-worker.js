// Service worker: it starts the runtime (the offscreen document where the extension's Python runs, once for the
// whole browser), hands it the settings, and opens the options page. It holds no state of its own.
//
// Trust: the key (storage.local, or storage.managed by policy) is for extension contexts only: content scripts
// cannot read either area (setAccessLevel), and the settings travel to the runtime over a port this worker
// opens to the runtime document, checked on both ends. No page can reach this worker.
import "/shared/contract.js";

const C = globalThis.loopReturnsContract;
const RUNTIME = "runtime/runtime.html";
const RUNTIME_URL = chrome.runtime.getURL(RUNTIME);
const ourPage = (sender, path) => {
  try {
    return sender?.id === chrome.runtime.id && new URL(sender.url).pathname === path;
  } catch {
    return false;
  }
};

// setAccessLevel covers local and managed since Chrome 140, the manifest's minimum_chrome_version.
for (const area of [chrome.storage.local, chrome.storage.managed]) {
  area.setAccessLevel?.({ accessLevel: "TRUSTED_CONTEXTS" }).catch(() => {});
}

// Exactly one runtime: only this worker creates it, after asking the browser whether it exists, and two panels
// asking at once share one creation.
let creating = null;
async function ensureRuntime() {
  const found = await chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"], documentUrls: [RUNTIME_URL] });
  if (found.length) return;
  creating ??= chrome.offscreen.createDocument({
    url: RUNTIME,
    reasons: ["WORKERS"],
    justification: "Runs the extension's logic (Python on WebAssembly) in a Web Worker, once for all tabs.",
  }).catch((err) => {
    if (!/single offscreen|already exists/i.test(String(err?.message))) throw err;
  }).finally(() => { creating = null; });
  await creating;
}

// The settings as the runtime needs them: local values and the policy, read here (the runtime cannot).
async function readSettings() {
  const names = [...C.settings.names, "panelCollapsed"];
  const [local, managed] = await Promise.all([
    chrome.storage.local.get(names).catch(() => ({})),
    chrome.storage.managed.get().catch(() => null), // unreadable is not "no policy": the runtime makes no call
  ]);
  return { kind: "settings", local: local || {}, managed: managed === null ? null : managed || {} };
}

let settingsPort = null;
async function pushSettings() {
  const message = await readSettings();
  if (!settingsPort) {
    const found = await chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"], documentUrls: [RUNTIME_URL] });
    if (!found.length) return; // it asks when it starts
    settingsPort = chrome.runtime.connect({ name: "settings" });
    settingsPort.onDisconnect.addListener(() => { void chrome.runtime.lastError; settingsPort = null; });
  }
  try {
    settingsPort.postMessage(message);
  } catch {
    settingsPort = null;
  }
}

chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" || area === "managed") pushSettings();
});

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  if (message?.kind === "ensure-runtime" && (ourPage(sender, "/panel/panel.html") || ourPage(sender, "/options/options.html"))) {
    ensureRuntime().then(() => sendResponse(true), () => sendResponse(false));
    return true;
  }
  if (message?.kind === "restart-runtime" && ourPage(sender, "/panel/panel.html")) {
    // The runtime said Python could not start, and the agent pressed Retry: a new document, a new start.
    chrome.offscreen.closeDocument().catch(() => {}).then(ensureRuntime).then(() => sendResponse(true), () => sendResponse(false));
    return true;
  }
  if (message?.kind === "want-settings" && ourPage(sender, "/" + RUNTIME)) pushSettings();
  return undefined;
});

chrome.runtime.onStartup.addListener(() => { ensureRuntime().catch(() => {}); });

// The toolbar icon has no popup: it opens the settings, where an admin expects them.
chrome.action.onClicked.addListener(() => {
  chrome.runtime.openOptionsPage().catch(() => {});
});

chrome.runtime.onInstalled.addListener(({ reason }) => {
  ensureRuntime().catch(() => {});
  if (reason === chrome.runtime.OnInstalledReason.INSTALL) {
    chrome.runtime.openOptionsPage().catch(() => {});
  }
});
