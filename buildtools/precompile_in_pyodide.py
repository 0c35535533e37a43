"""Runs inside the bundled Pyodide (buildtools/precompile.mjs): compile the modules a panel start imports.

The modules imported by ``job["probe_imports"]`` become sourceless .pyc (optimize=2: no docstrings); the QR
code path's modules and ``keep_source`` stay .py; the rest of the stdlib is dropped, wheels keep cold modules as
.py. ``job_json`` is set by the caller.
"""

import importlib._bootstrap_external as ext
import importlib.util
import json
import sys
import zipfile

job = json.loads(globals()["job_json"])  # set by precompile.mjs before this runs
SITE = "/lib/python3.14/site-packages"
for w in job["wheels"]:
    zipfile.ZipFile("/tmp/" + w["name"]).extractall(SITE)
for name in job["probe_imports"]:
    __import__(name)
hot = set(sys.modules)
# The QR code path (segno, loaded on demand) keeps its modules as source: rare, and .py is smaller.
import io  # noqa: E402 - after the wheels above are unpacked, on purpose

import segno  # noqa: E402 - importable only once its wheel is unpacked above

segno.make("https://example.invalid/#/link/x").save(io.BytesIO(), kind="png", scale=2)
keep_source = set(sys.modules) - hot | set(job["keep_source"])


def module_of(path):
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def pyc(source, filename):
    code = compile(source, filename, "exec", dont_inherit=True, optimize=2)  # no docstrings: smaller
    # importlib's own (private) writer of hash-checked .pyc files: the format the runtime imports unchecked.
    write = ext._code_to_hash_pyc  # pyright: ignore[reportAttributeAccessIssue] - private, and the one that exists
    return bytes(write(code, importlib.util.source_hash(source), False))


def rewrite(src, dst, filename_prefix, drop_cold):
    entries = []
    with zipfile.ZipFile(src) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            name = info.filename
            if name.startswith(tuple(job["drop"])) or name.endswith(".pyi"):
                continue
            if name.endswith(".py") and module_of(name) in hot and ".dist-info/" not in name:
                try:
                    entries.append((name + "c", pyc(data, filename_prefix + name)))
                    continue
                except SyntaxError:
                    pass
            if drop_cold and name.endswith(".py") and module_of(name) not in keep_source:
                continue
            entries.append((name, data))
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in sorted(entries):
            zi = zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            out.writestr(zi, data)


rewrite("/tmp/stdlib_in.zip", "/tmp/stdlib_out.zip", "/lib/python314.zip/", drop_cold=True)
for w in job["wheels"]:
    rewrite("/tmp/" + w["name"], "/tmp/out-" + w["name"], SITE + "/", drop_cold=False)
