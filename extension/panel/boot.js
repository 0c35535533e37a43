// Starts the panel's Python at once (see shared/start-python.js for why PyScript needs a boot module here).
// Also, before Python, two things that must not wait for it:
// - the enterprise policy read (it can take ~2 s after a browser start, and no Loop call may be made before
//   the policy is known): started now, awaited by pyapp.browser;
// - a watchdog: if Python does not come up, one sentence and Retry, never "Loading…" forever.
import { startPython } from "/shared/start-python.js";

const BOOT_TIMEOUT_MS = 30_000;
const t = (key, fallback) => { try { return chrome.i18n.getMessage(key) || fallback; } catch { return fallback; } };

globalThis.loopManaged = chrome.storage.managed.get().then((m) => m || {}, () => ({}));

const text = document.getElementById("boot-text");
if (text) text.textContent = t("panelLoading", "Loading…");

function bootFailed() {
  if (document.documentElement.dataset.python === "ready") return;
  document.documentElement.dataset.panelState = "boot-failed";
  const note = document.createElement("p");
  note.setAttribute("role", "alert");
  note.textContent = t("bootFailed", "The Loop Returns panel could not start.");
  const retry = document.createElement("button");
  retry.type = "button";
  retry.className = "primary";
  retry.textContent = t("retry", "Retry");
  retry.addEventListener("click", () => location.reload());
  document.querySelector("#app .body")?.replaceChildren(note, retry);
  document.getElementById("app")?.setAttribute("aria-busy", "false");
}

const watchdog = setTimeout(bootFailed, BOOT_TIMEOUT_MS);
addEventListener("loop:python-ready", () => clearTimeout(watchdog), { once: true });
// A failure while Python starts (the runtime refused, a package missing) surfaces as an unhandled rejection.
addEventListener("unhandledrejection", () => setTimeout(bootFailed, 500));

startPython("/panel/main.py", (hooks) => {
  performance.mark("loop:pyscript-imported");
  // Pyodide and the packages are loaded when this fires; the gap to loop:python-ready is our own import.
  hooks.main.onReady.add(() => performance.mark("loop:interpreter-ready"));
}).catch(bootFailed);
