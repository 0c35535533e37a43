// Starts PyScript under the MV3 extension CSP (script-src 'self' 'wasm-unsafe-eval'), for every extension page
// that runs Python (the panel at once, the options page on first use).
// PyScript compiles its default worker hook with Function(), which that CSP forbids, and the Python script
// would then never run. Our Python runs on the main thread (docs/decisions/0001-python-on-main-thread.md),
// so the hook is cleared before the <script type="py"> exists. `beforeRun(hooks)` may add hooks of its own.
export async function startPython(src, beforeRun = () => {}) {
  const { hooks } = await import("/vendor/pyscript/core.js");
  hooks.worker.onBeforeRunAsync.clear();
  beforeRun(hooks);
  const script = document.createElement("script");
  script.type = "py";
  script.src = src;
  document.body.append(script);
}
