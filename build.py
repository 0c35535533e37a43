#!/usr/bin/env python3
"""Assemble the unpacked extension in dist/ and its store/enterprise zip, offline after the first fetch.

Inputs, all pinned:
  package.json + package-lock.json   Pyodide and morphdom (npm verifies the lockfile's integrity hashes)
  requirements-browser.txt           wheels for the panel's Python, each with a sha256 checked here
  manifest.json, extension/, pyapp/  our own code

Outputs: dist/ (load it as an unpacked extension) and dist.zip. Two runs give byte-identical output:
every file is written in sorted order with fixed zip timestamps, and nothing depends on the clock.

Vendor bundles are patched in a few guarded places (see PATCHES): a pattern that is not found exactly the
expected number of times stops the build, so a version bump cannot silently skip a patch.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
ZIP_OUT = ROOT / "dist.zip"
STORE = ROOT / "store-listing"  # what a Chrome Web Store listing needs besides dist.zip
SCREENSHOTS = ROOT / "docs" / "screenshots"
CACHE = ROOT / ".cache"
WHEEL_CACHE = CACHE / "wheels"
NODE_MODULES = ROOT / "node_modules"
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)

PYAPP_DIST_NAME = "loop_returns_pyapp"
PYAPP_VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]  # the one version
WHEEL_PLATFORM = "pyemscripten_2026_0_wasm32"
# Environment markers as Pyodide 314 evaluates them, for the lock's "depends".
BROWSER_MARKERS = {
    "python_version": "3.14",
    "python_full_version": "3.14.2",
    "sys_platform": "emscripten",
    "platform_system": "Emscripten",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
    "platform_machine": "wasm32",
    "extra": "",
}

# Only what the runtime loads: Pyodide's runtime files (its packages come from our own lock and wheels), and
# morphdom for the panel frame. The runtime starts Pyodide itself, in a worker (extension/runtime/): PyScript's
# worker mode does not run under the extension's CSP (docs/decisions/0002-one-runtime-per-browser.md), and
# PyScript on a main thread was what made each tab pay for Python.
PYODIDE_FILES = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"]
MORPHDOM = "morphdom/dist/morphdom-esm.js"  # the panel's DOM patches (extension/panel/panel.js)

# (file under dist/vendor, old text, new text, expected count, why)
PATCHES = [
    (
        "pyodide/pyodide.mjs",
        "`https://cdn.jsdelivr.net/pyodide/v${U}/full/`",
        "`/vendor/pyodide/`",
        1,
        "Pyodide's package fallback base URL is a CDN; the bundled directory is the only source",
    )
]
# Doc examples inside the stdlib zip that name a CDN; rewritten so the package holds no CDN URL at all.
# Parts of the stdlib the panel never imports (measured by the e2e suite, which loads every panel feature):
# dropping them keeps dist/ under its size budget and the zip Pyodide mounts small.
STDLIB_DROP = (
    "unittest/",
    "test/",
    "idlelib/",
    "tkinter/",
    "turtledemo/",
    "ensurepip/",
    "pydoc_data/",
    "lib2to3/",
    "venv/",
    "_pyrepl/",
    "curses/",
    "dbm/",
    "sqlite3/",
    "wsgiref/",
    "xmlrpc/",
    "multiprocessing/",
    "xml/dom/",
    "xml/etree/",
    "pdb.py",
    "doctest.py",
    "pydoc.py",
    "imaplib.py",
    "pickletools.py",
    "turtle.py",
    "smtplib.py",
    "poplib.py",
    "ftplib.py",
    "mailbox.py",
    "nntplib.py",
    "_pydecimal.py",
    "_pyio.py",
    "difflib.py",
    "optparse.py",
    "tomllib/",
    "profile.py",
    "cProfile.py",
    "pstats.py",
    "trace.py",
    "tabnanny.py",
    "pyclbr.py",
    "timeit.py",
    "zipapp.py",
    "webbrowser.py",
)
# Codecs: only the ones text in a browser can need; the rest are wrappers around codecs nobody asks for here.
STDLIB_KEEP_ENCODINGS = {
    "__init__",
    "aliases",
    "ascii",
    "latin_1",
    "utf_8",
    "utf_8_sig",
    "utf_16",
    "utf_16_be",
    "utf_16_le",
    "utf_32",
    "utf_32_be",
    "utf_32_le",
    "idna",
    "punycode",
    "charmap",
    "raw_unicode_escape",
    "unicode_escape",
    "cp437",
    "cp1252",
    "iso8859_1",
    "iso8859_15",
    "base64_codec",
    "hex_codec",
    "mbcs",
    "undefined",
}
STDLIB_REWRITES = {
    "pyodide/http/__init__.py": (
        "https://cdn.jsdelivr.net/pyodide/v0.24.1/full/pyodide-lock.json",
        "https://example.invalid/pyodide-lock.json",
    ),
    "pyodide/http/_pyfetch.py": (
        "https://cdn.jsdelivr.net/pyodide/v0.23.4/full/repodata.json",
        "https://example.invalid/repodata.json",
    ),
}


# Bytecode, compiled at build time by the bundled Pyodide itself (run in Node: buildtools/precompile.mjs and
# buildtools/precompile_in_pyodide.py), so the browser does not compile the ~330 modules the panel imports on
# every start (measured: loadPyodide 2.4 s -> 0.7 s in Node). Only the modules that are imported (found by
# importing the panel's code in that Pyodide) become sourceless .pyc; everything else stays .py, so a rare
# import still works, it is only compiled on use.
BUILDTOOLS = ROOT / "buildtools"
# What a panel start imports. The stdlib ships only these (as .pyc), the QR code path's modules (as .py),
# and KEEP_SOURCE below: every panel and options feature runs in the e2e suite, which is what shows
# nothing else is needed. Third-party wheels keep their cold modules as .py.
PYC_PROBE_IMPORTS = [
    "pyapp.browser.runtime_app",  # the entry point
    "pyodide._package_loader",
    "tarfile",
    "zipfile",
    "json",
]  # Pyodide installs wheels with these
# Small modules some library may import lazily on an error or rare path.
KEEP_SOURCE = [
    "copy",
    "pprint",
    "reprlib",
    "textwrap",
    "difflib",
    "string",
    "locale",
    "gettext",
    "calendar",
    "_strptime",
    "zoneinfo",
    "secrets",
    "hmac",
    "glob",
    "fnmatch",
    "queue",
    "numbers",
    "heapq",
    "bisect",
    "stringprep",
    "_pylong",
    "code",
    "codeop",
    "rlcompleter",
    "tokenize",
    "token",
    "shlex",
    "mimetypes",
    "tempfile",
    "weakref",
    "copyreg",
    "platform",
    "ipaddress",
    "uuid",
    "random",
    "fractions",
    "contextvars",
    "graphlib",
    "colorsys",
    "typing",
]
# Parts of wheels nothing imports: pydantic's v1 compatibility layer and mypy plugin, SBOMs.
WHEEL_DROP = [
    "pydantic/v1/",
    "pydantic/mypy.py",
    "pydantic/experimental/",
    "pydantic_core-2.50.5.dist-info/sboms/",
    "segno/cli.py",
]


class BuildError(Exception):
    """One sentence for the person running the build."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_browser_requirements() -> list[tuple[str, str, str]]:
    pins = []
    for line in (ROOT / "requirements-browser.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if not m:
            raise BuildError(
                f"requirements-browser.txt: every line must be 'name==version --hash=sha256:…', got {line!r}."
            )
        pins.append((m[1], m[2], m[3]))
    return pins


def fetch_wheels(offline: bool) -> list[Path]:
    """Return the pinned wheels from the cache, downloading missing ones once; every file is hash-checked."""
    WHEEL_CACHE.mkdir(parents=True, exist_ok=True)
    by_hash = {sha256(p.read_bytes()): p for p in WHEEL_CACHE.glob("*.whl")}
    wheels = []
    for name, version, digest in read_browser_requirements():
        if digest not in by_hash:
            if offline:
                raise BuildError(f"{name}=={version} is not in {WHEEL_CACHE} and --offline forbids downloading it.")
            download_wheel(name, version)
            by_hash = {sha256(p.read_bytes()): p for p in WHEEL_CACHE.glob("*.whl")}
            if digest not in by_hash:
                raise BuildError(
                    f"{name}=={version}: the downloaded wheel does not match the pinned sha256; refusing to ship it."
                )
        wheels.append(by_hash[digest])
    return sorted(wheels, key=lambda p: p.name)


def download_wheel(name: str, version: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        WHEEL_PLATFORM,
        "--platform",
        "any",
        "--python-version",
        "3.14",
        "--implementation",
        "cp",
        "--abi",
        "cp314",
        "--abi",
        "none",
        "-d",
        str(WHEEL_CACHE),
        f"{name}=={version}",
    ]
    if subprocess.run(cmd, capture_output=True, text=True).returncode != 0:
        raise BuildError(f"could not download {name}=={version} (no network and no cached copy?).")


RUNTIME_HASHES = ROOT / "runtime-files.sha256"  # every runtime file shipped from node_modules, with its sha256


def shipped_runtime_files() -> list[Path]:
    return (
        [NODE_MODULES / "pyodide" / f for f in PYODIDE_FILES]
        + [NODE_MODULES / "pyodide" / "pyodide-lock.json"]
        + [NODE_MODULES / MORPHDOM]
    )


def verify_runtime() -> None:
    """npm ci checks the tarballs once; node_modules can change after it. Every runtime file that ships is
    checked against runtime-files.sha256 on every build, so a tampered wasm or JavaScript file cannot ship."""
    recorded = {}
    for line in RUNTIME_HASHES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            digest, rel = line.split(None, 1)
            recorded[rel.strip()] = digest
    actual = {p.relative_to(NODE_MODULES).as_posix(): p for p in shipped_runtime_files()}
    if set(actual) != set(recorded):
        raise BuildError(
            "the runtime files in node_modules are not the ones runtime-files.sha256 lists "
            f"({sorted(set(actual) ^ set(recorded))[:3]}); after a version bump run build.py --record-runtime."
        )
    for rel, path in sorted(actual.items()):
        if sha256(path.read_bytes()) != recorded[rel]:
            raise BuildError(
                f"node_modules/{rel} does not match its sha256 in runtime-files.sha256: refusing to ship it."
            )


def record_runtime() -> None:
    """After a version bump: a clean, integrity-checked npm ci, then the hashes of what it installed."""
    shutil.rmtree(NODE_MODULES, ignore_errors=True)
    ensure_node_modules(offline=False)
    lines = [
        "# sha256 of every runtime file build.py ships from node_modules (written by build.py --record-runtime",
        "# right after a clean npm ci, which checked package-lock.json's integrity hashes).",
    ]
    lines += [f"{sha256(p.read_bytes())}  {p.relative_to(NODE_MODULES).as_posix()}" for p in shipped_runtime_files()]
    RUNTIME_HASHES.write_text("\n".join(lines) + "\n")


def ensure_node_modules(offline: bool) -> None:
    """npm ci checks every tarball against package-lock.json's integrity hash."""
    lock = json.loads((ROOT / "package-lock.json").read_text())
    wanted = {
        k.removeprefix("node_modules/"): v["version"]
        for k, v in lock["packages"].items()
        if k in ("node_modules/pyodide", "node_modules/morphdom")
    }

    def installed(pkg: str) -> str | None:
        p = NODE_MODULES / pkg / "package.json"
        return json.loads(p.read_text())["version"] if p.exists() else None

    if all(installed(p) == v for p, v in wanted.items()):
        return
    if offline:
        raise BuildError("node_modules is missing or stale and --offline forbids 'npm ci'.")
    npm = shutil.which("npm")
    if not npm:
        raise BuildError("npm is needed once to fetch Pyodide and morphdom; install Node.js and npm.")
    r = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=ROOT, capture_output=True, text=True
    )
    if r.returncode != 0:
        raise BuildError("'npm ci' failed (no network, or a tarball did not match package-lock.json).")


class Tree:
    """The files of dist/, collected in memory and written once, sorted."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, rel: str, data: bytes) -> None:
        if rel in self.files:
            raise BuildError(f"two sources write dist/{rel}.")
        self.files[rel] = data

    def patch(self, pattern: str, old: str, new: str, count: int, why: str) -> None:
        matches = [k for k in self.files if Path(k).match("vendor/" + pattern)]
        if len(matches) != 1:
            raise BuildError(f"patch target vendor/{pattern} matched {len(matches)} files ({why}).")
        text = self.files[matches[0]].decode("utf-8")
        found = text.count(old)
        if found != count:
            raise BuildError(
                f"patch for {matches[0]} expected {count} occurrence(s) of {old!r}, found {found}: "
                f"the vendored version changed; review the patch ({why})."
            )
        self.files[matches[0]] = text.replace(old, new).encode("utf-8")


def deterministic_zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name])
    return buf.getvalue()


def trimmed_stdlib(data: bytes) -> bytes:
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if name.endswith("/") or name.startswith(STDLIB_DROP):
                continue
            if (
                name.startswith("encodings/")
                and name.count("/") == 1
                and name.removeprefix("encodings/").removesuffix(".py") not in STDLIB_KEEP_ENCODINGS
            ):
                continue
            content = zf.read(name)
            if name in STDLIB_REWRITES:
                old, new = STDLIB_REWRITES[name]
                if content.count(old.encode()) != 1:
                    raise BuildError(f"stdlib rewrite of {name} did not find its pattern; review STDLIB_REWRITES.")
                content = content.replace(old.encode(), new.encode())
            out[name] = content
    return deterministic_zip(out)


def pyapp_wheel() -> tuple[str, bytes]:
    """Our own Python as a pure wheel, so Pyodide installs it from the lock like any other package."""
    name = f"{PYAPP_DIST_NAME}-{PYAPP_VERSION}-py3-none-any.whl"
    distinfo = f"{PYAPP_DIST_NAME}-{PYAPP_VERSION}.dist-info"
    files = {}
    for path in sorted((ROOT / "pyapp").rglob("*.py")):
        files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    # The panel's own copy of its words (pyapp.panel.i18n): the fallback when chrome.i18n answers "".
    for lang in ("en", "nl"):
        messages = json.loads((ROOT / "extension" / "_locales" / lang / "messages.json").read_text(encoding="utf-8"))
        files[f"pyapp/panel/locales/{lang}.json"] = json.dumps(
            {k: v["message"] for k, v in messages.items()}, ensure_ascii=False, sort_keys=True
        ).encode()
    files[f"{distinfo}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: {PYAPP_DIST_NAME}\nVersion: {PYAPP_VERSION}\nRequires-Dist: pydantic\n"
    ).encode()
    files[f"{distinfo}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{distinfo}/top_level.txt"] = b"pyapp\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for rel, data in sorted(files.items()):
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([rel, f"sha256={digest}", len(data)])
    writer.writerow([f"{distinfo}/RECORD", "", ""])
    files[f"{distinfo}/RECORD"] = record.getvalue().encode()
    return name, deterministic_zip(files)


def precompile(stdlib: bytes, wheels: list[tuple[str, bytes]]) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Hot modules as sourceless .pyc, compiled by the bundled Pyodide in Node, on every build: a cache of
    compiled output would ship whatever it holds, so nothing is reused (it takes a few seconds)."""
    import tempfile

    node = shutil.which("node")
    if not node:
        raise BuildError("Node.js is needed to precompile the panel's Python (it runs the bundled Pyodide).")
    names = [n for n, _ in wheels]
    with tempfile.TemporaryDirectory(prefix="loop-pyc-") as tmp:
        work = Path(tmp)
        (work / "stdlib_in.zip").write_bytes(stdlib)
        for n, d in wheels:
            (work / n).write_bytes(d)
        job = {
            "indexURL": str(NODE_MODULES / "pyodide") + "/",
            "stdlib_in": str(work / "stdlib_in.zip"),
            "pyodide_module": str(NODE_MODULES / "pyodide" / "pyodide.mjs"),
            "python_program": str(BUILDTOOLS / "precompile_in_pyodide.py"),
            "stdlib_out": str(work / "stdlib.zip"),
            "probe_imports": PYC_PROBE_IMPORTS,
            "keep_source": KEEP_SOURCE,
            "drop": WHEEL_DROP,
            "wheels": [{"name": n, "in": str(work / n), "out": str(work / f"out-{n}")} for n in names],
        }
        (work / "job.json").write_text(json.dumps(job))
        result = subprocess.run(
            [node, str(BUILDTOOLS / "precompile.mjs"), str(work / "job.json")], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise BuildError(
                "precompiling Python with the bundled Pyodide failed: "
                + (result.stderr.strip().splitlines() or ["no output"])[-1][:300]
            )
        return (work / "stdlib.zip").read_bytes(), [(n, (work / f"out-{n}").read_bytes()) for n in names]


def wheel_lock_entry(file_name: str, data: bytes) -> tuple[str, dict]:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode("utf-8"))
        top = next((n for n in names if n.endswith(".dist-info/top_level.txt")), None)
        if top:
            imports = [x for x in zf.read(top).decode().split() if x]
        else:
            imports = sorted(
                {
                    n.split("/")[0].removesuffix(".pyc").removesuffix(".py")
                    for n in names
                    if not n.split("/")[0].endswith((".dist-info", ".data"))
                    and (n.endswith((".py", ".pyc")) or "/" in n)
                }
            )
    depends = []
    for spec in meta.get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate(BROWSER_MARKERS):
            depends.append(canonicalize_name(req.name))
    name = canonicalize_name(meta["Name"])
    return name, {
        "name": name,
        "version": meta["Version"],
        "file_name": f"/vendor/wheels/{file_name}",
        "install_dir": "site",
        "sha256": sha256(data),
        "package_type": "package",
        "imports": imports,
        "depends": sorted(set(depends)),
        "unvendored_tests": False,
        "shared_library": False,
    }


def _contract():
    """pyapp's contract modules, imported on the build's own Python (they need pydantic)."""
    sys.path.insert(0, str(ROOT))
    try:
        from pyapp.contract import messages, settings
        from pyapp.ticket import page, parser
    except ImportError as exc:
        raise BuildError(
            f"the build reads pyapp/contract, which needs {exc.name}: run it with .venv/bin/python "
            "(python3 -m tests and python3 demo.py set .venv up)"
        ) from None
    return settings, messages, page, parser


def contract_js() -> bytes:
    """What the extension's JavaScript shares with the panel's Python, written from the Python side: the order
    list's headings (the parser finds the list by them, the content script anchors the panel under it), the
    page-tree attributes and bounds the parser reads, the settings' names and defaults (the options page), and
    every message kind."""
    settings, messages, page, parser = _contract()
    from pyapp.contract import table
    from pyapp.panel import actions
    from pyapp.ticket import profile

    data = {
        "orderListHeadings": list(parser.ORDER_LIST_HEADINGS),
        "profileHeadings": list(profile.PROFILE_HEADINGS),
        "treeAttrs": list(page.TREE_ATTRS),
        "treeSkip": sorted(page.SKIP_CONTENT),
        "maxRun": page.MAX_RUN,
        "maxNodes": page.MAX_NODES,
        "maxDepth": page.MAX_DEPTH,
        "settings": settings.for_javascript(),
        "messageKinds": list(messages.KINDS),
        "guardedActions": sorted(actions.GUARDED),
    }
    return (
        "// Written by build.py from pyapp/contract and pyapp/ticket; do not edit. Read by the content scripts\n"
        "// (a classic script) and the options page (imported for its effect).\n"
        "globalThis.loopReturnsContract = Object.freeze({ ...(" + json.dumps(data, sort_keys=True) + "),\n"
        '  // The one "policy wins" rule (pyapp/contract/table.py: effective), for the options page.\n'
        "  " + table.EFFECTIVE_JS.replace("\n", "\n  ") + ",\n});\n"
    ).encode()


def managed_schema_json() -> bytes:
    """The enterprise policy schema, from the settings table (pyapp.contract.settings.FIELDS)."""
    settings = _contract()[0]
    return json.dumps(settings.managed_schema(), indent=2, sort_keys=True).encode() + b"\n"


def assemble(offline: bool) -> Tree:
    ensure_node_modules(offline)
    verify_runtime()
    tree = Tree()
    tree.add("shared/contract.js", contract_js())
    tree.add("managed-schema.json", managed_schema_json())
    manifest = json.loads((ROOT / "manifest.json").read_text())
    manifest["version"] = PYAPP_VERSION  # pyproject.toml's, like the wheel's and the store listing's
    tree.add("manifest.json", json.dumps(manifest, indent=2, sort_keys=True).encode() + b"\n")

    for path in sorted((ROOT / "extension").rglob("*")):
        if path.is_file():
            tree.add(path.relative_to(ROOT / "extension").as_posix(), path.read_bytes())

    pyodide_dir = NODE_MODULES / "pyodide"
    wheel_files = [(p.name, p.read_bytes()) for p in fetch_wheels(offline)] + [pyapp_wheel()]
    stdlib, wheel_files = precompile(trimmed_stdlib((pyodide_dir / "python_stdlib.zip").read_bytes()), wheel_files)
    for fname in PYODIDE_FILES:
        data = stdlib if fname == "python_stdlib.zip" else (pyodide_dir / fname).read_bytes()
        tree.add(f"vendor/pyodide/{fname}", data)
    for patch in PATCHES:
        tree.patch(*patch)
    tree.add("vendor/morphdom/morphdom-esm.js", (NODE_MODULES / MORPHDOM).read_bytes())

    lock_packages = {}
    for file_name, data in wheel_files:
        tree.add(f"vendor/wheels/{file_name}", data)
        name, entry = wheel_lock_entry(file_name, data)
        lock_packages[name] = entry
    upstream_info = json.loads((pyodide_dir / "pyodide-lock.json").read_text())["info"]
    lock = {"info": upstream_info, "packages": dict(sorted(lock_packages.items()))}
    tree.add("vendor/pyodide/pyodide-lock.json", json.dumps(lock, indent=1, sort_keys=True).encode() + b"\n")
    return tree


def png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def store_listing(tree: Tree) -> dict[str, bytes]:
    """The store listing's files: the committed 1280x800 screenshots from docs/, the 128 px icon, and the
    name and descriptions from the locales. Copies only: the build never starts a browser."""
    files: dict[str, bytes] = {}
    for shot in sorted(SCREENSHOTS.glob("*.png")):
        data = shot.read_bytes()
        if png_size(data) == (1280, 800):
            files[f"screenshots/{shot.name}"] = data
    if not files:
        print(
            "warning: docs/screenshots has no 1280x800 screenshot, so store-listing/ has none "
            "(python3 -m tests.screenshots makes them).",
            file=sys.stderr,
        )
    files["icon-128.png"] = tree.files["icons/icon-128.png"]
    for lang in ("en", "nl"):
        messages = json.loads(tree.files[f"_locales/{lang}/messages.json"])
        text = f"{messages['extName']['message']}\n\n{messages['extDescription']['message']}\n\n" + (
            ROOT / "docs" / "store" / f"description.{lang}.txt"
        ).read_text(encoding="utf-8")
        files[f"{lang}/listing.txt"] = text.encode()
    files["version.txt"] = f"{PYAPP_VERSION}\n".encode()  # the version this listing is for (dist.zip's)
    return files


def write(tree: Tree) -> None:
    if DIST.exists():
        shutil.rmtree(DIST)
    for rel, data in sorted(tree.files.items()):
        target = DIST / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    ZIP_OUT.write_bytes(deterministic_zip(tree.files))
    listing = store_listing(tree)
    if STORE.exists():
        shutil.rmtree(STORE)
    for rel, data in sorted(listing.items()):
        target = STORE / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--offline", action="store_true", help="fail instead of downloading anything")
    parser.add_argument(
        "--record-runtime",
        action="store_true",
        help="after bumping Pyodide or morphdom: clean npm ci, then write runtime-files.sha256",
    )
    args = parser.parse_args(argv)
    if args.record_runtime:
        try:
            record_runtime()
        except BuildError as exc:
            print(f"build failed: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {RUNTIME_HASHES.name}")
    try:
        tree = assemble(args.offline)
        write(tree)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1
    total = sum(len(d) for d in tree.files.values())
    print(
        f"built {DIST.relative_to(ROOT)}/: {len(tree.files)} files, {total / 1e6:.2f} MB unpacked; "
        f"{ZIP_OUT.name}: {ZIP_OUT.stat().st_size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
