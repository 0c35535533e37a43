// /vendor/pyodide/pyodide.mjs (bundled by build.py), as the runtime's worker calls it.
export function loadPyodide(options?: object): Promise<any>;
