// Starts PyScript under the MV3 extension CSP (script-src 'self' 'wasm-unsafe-eval').
// PyScript compiles its default worker hook with Function(), which that CSP forbids, and the Python script
// would then never run. The panel runs Python on the main thread (docs/decisions/0001-python-on-main-thread.md),
// so the hook is cleared before the <script type="py"> exists.
import { hooks } from "/vendor/pyscript/core.js";

hooks.worker.onBeforeRunAsync.clear();
performance.mark("loop:pyscript-imported");
// Pyodide and the packages are loaded when this fires; the gap to loop:python-ready is our own import.
hooks.main.onReady.add(() => performance.mark("loop:interpreter-ready"));

const text = document.getElementById("boot-text");
if (text) text.textContent = chrome.i18n.getMessage("panelLoading") || "Loading…";

const script = document.createElement("script");
script.type = "py";
script.src = "/panel/main.py";
document.body.append(script);
