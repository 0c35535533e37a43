// Precompile the panel's hot Python modules with the bundled Pyodide itself (run by build.py in Node).
// usage: node buildtools/precompile.mjs job.json   (job: see build.py precompile())
import fs from "node:fs";
import { pathToFileURL } from "node:url";

const job = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const { loadPyodide } = await import(pathToFileURL(job.pyodide_module).href);
const py = await loadPyodide({ indexURL: job.indexURL, stdLibURL: job.stdlib_in });
for (const w of job.wheels) py.FS.writeFile("/tmp/" + w.name, fs.readFileSync(w.in));
py.FS.writeFile("/tmp/stdlib_in.zip", fs.readFileSync(job.stdlib_in));
py.globals.set("job_json", JSON.stringify(job));
py.runPython(fs.readFileSync(job.python_program, "utf8"));
for (const w of job.wheels) fs.writeFileSync(w.out, py.FS.readFile("/tmp/out-" + w.name));
fs.writeFileSync(job.stdlib_out, py.FS.readFile("/tmp/stdlib_out.zip"));
