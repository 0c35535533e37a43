// Python for the whole browser: Pyodide (bundled, with our own lock and wheels) in this worker, started by the
// runtime document. Messages that arrive before Python is ready are queued, then handed to it in order.
import { loadPyodide } from "/vendor/pyodide/pyodide.mjs";

const queue = [];
self.onmessage = (event) => queue.push(event.data);
self.loopRuntimeQueue = queue;
performance.mark("loop:worker-started");

function report(err) {
  const why = `${err?.name || "Error"}: ${String(err?.message || "").slice(0, 300)}`;
  console.error("[loop-returns runtime] Python could not start:", why);
  self.postMessage({ kind: "boot-failed", why });
}
// Pyodide logs a failed WebAssembly instantiation (a damaged file, a browser that refuses WebAssembly) and then
// waits for ever: say so instead, so every panel shows "could not start" with Retry at once.
for (const name of ["instantiate", "instantiateStreaming"]) {
  const original = WebAssembly[name].bind(WebAssembly);
  WebAssembly[name] = (...args) => original(...args).catch((err) => { report(err); throw err; });
}

try {
  // Absolute URLs: Pyodide resolves each wheel's root-relative file_name against indexURL.
  const base = new URL("/vendor/pyodide/", self.location.href).href;
  const pyodide = await loadPyodide({ indexURL: base, lockFileURL: `${base}pyodide-lock.json` });
  const problems = [];
  await pyodide.loadPackage(["pydantic", "loop-returns-pyapp"], { messageCallback: () => {}, errorCallback: (m) => problems.push(m) });
  if (problems.length) throw new Error(problems.join("; "));
  performance.mark("loop:interpreter-ready");
  pyodide.runPython("from pyapp.browser.runtime_app import start\nstart()");
} catch (err) {
  report(err);
}
