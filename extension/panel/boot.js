// Starts the panel's Python at once (see shared/start-python.js for why PyScript needs a boot module here).
import { startPython } from "/shared/start-python.js";

const text = document.getElementById("boot-text");
if (text) text.textContent = chrome.i18n.getMessage("panelLoading") || "Loading…";

startPython("/panel/main.py", (hooks) => {
  performance.mark("loop:pyscript-imported");
  // Pyodide and the packages are loaded when this fires; the gap to loop:python-ready is our own import.
  hooks.main.onReady.add(() => performance.mark("loop:interpreter-ready"));
});
