"""The build's invariants, checked on the real dist/: permissions, CSP, no remote code, no secrets,
reproducible output, a lock that lists exactly what ships."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# Hosts that serve code or packages. docs.pyscript.net (a documentation link in an error text) is not one.
CDN_HOSTS = re.compile(
    rb"https?://(?!docs\.)(?:[a-z0-9-]+\.)*(?:jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|"
    rb"pyscript\.net|esm\.sh|skypack\.dev|pythonhosted\.org)",
    re.I,
)
INDEX_HOSTS = re.compile(
    rb"https?://(?:[a-z0-9-]+\.)*(?:pypi\.org|pypi\.python\.org|raw\.githubusercontent\.com|"
    rb"micropython\.org)",
    re.I,
)
TEXT_SUFFIXES = {".js", ".mjs", ".html", ".css", ".json", ".py", ".txt"}


def manifest(dist: Path) -> dict:
    return json.loads((dist / "manifest.json").read_text())


def test_permissions_and_csp_are_exactly_as_intended(built_dist):
    m = manifest(built_dist)
    assert m["manifest_version"] == 3
    assert m["permissions"] == ["storage", "clipboardWrite", "offscreen"]  # offscreen: the one runtime
    assert m["host_permissions"] == ["https://api.loopreturns.com/*"]
    # connect-src: the panel and the options page reach only the package itself and Loop's API; img-src: the
    # QR code is a data: image made in the panel.
    assert m["content_security_policy"] == {
        "extension_pages": "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'; "
        "connect-src 'self' https://api.loopreturns.com; img-src 'self' data:"
    }
    assert m["minimum_chrome_version"] == "140"  # storage.local / managed setAccessLevel
    assert [cs["matches"] for cs in m["content_scripts"]] == [["https://www.klaviyo.com/*"]]
    assert m["web_accessible_resources"] == [
        {"resources": ["panel/panel.html"], "matches": ["https://www.klaviyo.com/*"], "use_dynamic_url": True}
    ]
    assert "externally_connectable" not in m and "optional_permissions" not in m
    assert m["options_ui"]["page"] == "options/options.html"
    assert m["storage"]["managed_schema"] == "managed-schema.json"


def test_no_other_extension_or_web_page_can_message_ours(built_dist):
    """SECURITY.md (another extension): no externally_connectable (above) and no listener for external messages
    or connections in any script we ship."""
    ours = [p for p in built_dist.rglob("*.js") if "vendor" not in p.parts and "pyodide" not in p.parts]
    assert ours
    for path in ours:
        text = path.read_text(encoding="utf-8")
        assert "onMessageExternal" not in text and "onConnectExternal" not in text, path


def test_every_file_the_manifest_names_exists(built_dist):
    m = manifest(built_dist)
    named = [
        m["background"]["service_worker"],
        m["options_ui"]["page"],
        m["storage"]["managed_schema"],
        *m["web_accessible_resources"][0]["resources"],
        *m["content_scripts"][0]["js"],
        *m["icons"].values(),
        *m["action"]["default_icon"].values(),
    ]
    assert all((built_dist / n).is_file() for n in named)


def test_icons_are_real_pngs_of_their_declared_sizes(built_dist):
    """The toolbar, chrome://extensions and a store listing show our icon, not a placeholder."""
    import build

    m = manifest(built_dist)
    assert set(m["icons"]) == {"16", "32", "48", "128"}
    for size, rel in m["icons"].items():
        assert build.png_size((built_dist / rel).read_bytes()) == (int(size), int(size)), rel


def test_the_store_listing_holds_the_committed_screenshots_icon_and_texts(built_dist):
    import build

    listing = ROOT / "store-listing"
    shots = sorted(p.name for p in (listing / "screenshots").glob("*.png"))
    committed = sorted(
        p.name for p in (ROOT / "docs" / "screenshots").glob("*.png") if build.png_size(p.read_bytes()) == (1280, 800)
    )
    assert shots == committed and len(shots) >= 5
    assert (listing / "icon-128.png").read_bytes() == (built_dist / "icons" / "icon-128.png").read_bytes()
    for lang in ("en", "nl"):
        text = (listing / lang / "listing.txt").read_text()
        assert "Loop Returns" in text and len(text) > 400


def _contract(built_dist: Path) -> dict:
    text = (built_dist / "shared" / "contract.js").read_text()
    start = text.index("Object.freeze({ ...(") + len("Object.freeze({ ...(")
    return json.loads(text[start : text.index("),\n", start)])


def test_the_content_scripts_read_the_parsers_own_lists(built_dist):
    """One list of order-list headings and page-tree attributes, written from pyapp into shared/contract.js."""
    from pyapp.ticket import page, parser

    data = _contract(built_dist)
    assert data["orderListHeadings"] == list(parser.ORDER_LIST_HEADINGS)
    assert data["treeAttrs"] == list(page.TREE_ATTRS) and data["treeSkip"] == sorted(page.SKIP_CONTENT)
    assert manifest(built_dist)["content_scripts"][0]["js"][0] == "shared/contract.js"


def test_settings_and_their_defaults_come_from_the_one_table(built_dist):
    """The options page reads names and defaults from contract.js, the policy schema is written from the same
    table: neither is written by hand any more."""
    from pyapp.contract import settings

    data = _contract(built_dist)["settings"]
    assert data["names"] == [f.name for f in settings.FIELDS]
    assert data["defaults"] == {
        "enabled": True,
        "lookupField": "email",
        "orderListHeadings": [],
        "allowExceptions": False,
        "allowReturnChanges": False,
        "lockSettings": False,
        "profileHeadings": [],
    }
    options = (ROOT / "extension" / "options" / "options.js").read_text()
    assert 'import "/shared/contract.js"' in options and "SETTINGS.names" in options
    assert "C.effective(local, managed)" in options  # the one "policy wins" rule, not a copy of it
    assert not re.search(r"FIELDS\s*=\s*\[", options) and not (ROOT / "extension" / "managed-schema.json").exists()
    assert json.loads((built_dist / "managed-schema.json").read_text()) == settings.managed_schema()


def test_the_javascript_sends_and_handles_only_the_contracts_message_kinds(built_dist):
    from pyapp.contract.messages import KINDS

    js = "\n".join(p.read_text() for p in (ROOT / "extension").rglob("*.js"))
    used = set(re.findall(r'kind(?:\s*===\s*|:\s*)"([a-z-]+)"', js))
    assert used == set(KINDS) and _contract(built_dist)["messageKinds"] == list(KINDS)
    from pyapp.panel.actions import GUARDED

    assert _contract(built_dist)["guardedActions"] == sorted(GUARDED)  # the frame guards what Python declares


def test_every_module_of_the_panel_ships_as_bytecode(built_dist):
    """build.py's probe imports follow the package layout: a pyapp module that a panel or options start does
    not import would ship as source and be compiled in the browser on every start (or be dead code)."""
    import zipfile

    wheel = next((built_dist / "vendor" / "wheels").glob("loop_returns_pyapp-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pyapp").rglob("*.py"))
    missed = [m for m in modules if m + "c" not in names]
    assert not missed, f"shipped as source, not imported by a start: {missed}"
    assert not [n for n in names if n.endswith(".py")]


def _scan(name: str, data: bytes, patterns=(CDN_HOSTS, INDEX_HOSTS)) -> list[str]:
    return [f"{name}: {m.group(0).decode()}" for p in patterns for m in p.finditer(data)]


def test_no_cdn_or_pypi_url_in_the_package(built_dist):
    """Our files, the vendored runtime and the repacked stdlib hold no CDN or package-index URL at all.
    Third-party wheels ship byte-for-byte as pinned (their hashes are checked at install), so their code is
    scanned for CDN hosts only: a homepage on pypi.org in METADATA or a source link in a comment is not a
    fetch."""
    hits: list[str] = []
    for path in sorted(built_dist.rglob("*")):
        rel = path.relative_to(built_dist).as_posix()
        if path.suffix in TEXT_SUFFIXES:
            hits += _scan(rel, path.read_bytes())
        elif path.suffix in (".whl", ".zip"):
            ours = "loop_returns_pyapp" in path.name or path.name == "python_stdlib.zip"
            with zipfile.ZipFile(path) as zf:
                for member in zf.namelist():
                    data = zf.read(member)
                    if not ours and (".dist-info/" in member or not member.endswith(".py")):
                        continue
                    hits += _scan(f"{rel}!{member}", data, (CDN_HOSTS, INDEX_HOSTS) if ours else (CDN_HOSTS,))
    assert hits == []


def test_pyodide_and_its_packages_load_only_from_the_package(built_dist):
    """The runtime's worker starts the bundled Pyodide with our own lock; every wheel it names is shipped with
    the sha256 the lock says, under /vendor/wheels; the packages it loads are in that lock."""
    worker = (built_dist / "runtime" / "python-worker.js").read_text()
    assert (
        'from "/vendor/pyodide/pyodide.mjs"' in worker and 'new URL("/vendor/pyodide/", self.location.href)' in worker
    )
    lock = json.loads((built_dist / "vendor" / "pyodide" / "pyodide-lock.json").read_text())
    shipped = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (built_dist / "vendor" / "wheels").glob("*.whl")
    }
    listed = {Path(e["file_name"]).name: e["sha256"] for e in lock["packages"].values()}
    assert listed == shipped
    assert all(e["file_name"].startswith("/vendor/wheels/") for e in lock["packages"].values())
    loaded = re.search(r"loadPackage\(\[([^\]]*)\]", worker).group(1)
    assert set(re.findall(r'"([a-z-]+)"', loaded)) == {"pydantic", "loop-returns-pyapp"} <= set(lock["packages"])
    assert not (built_dist / "vendor" / "pyscript").exists()  # nothing starts PyScript any more


def test_no_secret_in_the_package(built_dist):
    from harness.loop_standin import FULL_KEY, NO_DRAFTS_KEY, RETURNS_ONLY_KEY

    needles = [k.encode() for k in (FULL_KEY, RETURNS_ONLY_KEY, NO_DRAFTS_KEY)] + [b"PRIVATE KEY-----"]
    for path in built_dist.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(n in data for n in needles), path
    assert "key" not in manifest(built_dist)  # no packaging key: the store assigns the id


def test_managed_schema_is_valid_and_covers_every_setting(built_dist):
    schema = json.loads((built_dist / "managed-schema.json").read_text())
    assert schema["type"] == "object"
    assert set(schema["properties"]) == {
        "enabled",
        "apiKey",
        "lookupField",
        "lockSettings",
        "orderListHeadings",
        "allowExceptions",
        "allowReturnChanges",
        "profileHeadings",
    }
    for prop in schema["properties"].values():
        assert prop["type"] in ("boolean", "string", "array") and prop.get("title")


def _digest(dist: Path) -> dict[str, str]:
    out = {
        p.relative_to(dist).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(dist.rglob("*"))
        if p.is_file()
    }
    out["<zip>"] = hashlib.sha256((dist.parent / "dist.zip").read_bytes()).hexdigest()
    listing = dist.parent / "store-listing"
    out.update(
        {
            f"<store>/{p.relative_to(listing).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(listing.rglob("*"))
            if p.is_file()
        }
    )
    return out


def test_two_builds_are_identical_and_the_second_needs_no_network(built_dist):
    before = _digest(built_dist)
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--offline"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert _digest(built_dist) == before


def test_a_vendor_patch_that_no_longer_applies_stops_the_build():
    sys.path.insert(0, str(ROOT))
    import build

    tree = build.Tree()
    tree.add("vendor/pyodide/pyodide.mjs", b"nothing to patch here")
    with pytest.raises(build.BuildError, match="expected 2 occurrence"):
        tree.patch("pyodide/pyodide.mjs", "https://cdn.jsdelivr.net/x", "/vendor/x", 2, "test")


def test_a_wheel_with_the_wrong_hash_is_refused(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT))
    import build

    (tmp_path / "requirements-browser.txt").write_text("segno==1.6.6 --hash=sha256:" + "0" * 64 + "\n")
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "WHEEL_CACHE", build.WHEEL_CACHE)  # the real cache: it holds the real segno wheel
    with pytest.raises(build.BuildError, match="offline"):
        build.fetch_wheels(offline=True)


def test_a_tampered_runtime_file_stops_the_build(tmp_path, monkeypatch):
    """node_modules is checked against runtime-files.sha256 on every build, not only when npm ci ran."""
    import shutil as _shutil

    import build

    copy = tmp_path / "node_modules"
    for p in build.shipped_runtime_files():
        target = copy / p.relative_to(build.NODE_MODULES)
        target.parent.mkdir(parents=True, exist_ok=True)
        _shutil.copyfile(p, target)
    monkeypatch.setattr(build, "NODE_MODULES", copy)
    build.verify_runtime()  # an untouched copy passes
    wasm = copy / "pyodide" / "pyodide.asm.wasm"
    data = bytearray(wasm.read_bytes())
    data[1000] ^= 0xFF
    wasm.write_bytes(bytes(data))
    with pytest.raises(build.BuildError, match=r"pyodide\.asm\.wasm does not match"):
        build.verify_runtime()


def test_the_builds_own_tools_are_installed_with_hashes():
    """requirements-dev.txt pins every dependency with hashes, the tools requirements-dev.in names among them, and
    the set-up installs it with --require-hashes."""
    from packaging.utils import canonicalize_name

    text = (ROOT / "requirements-dev.txt").read_text()
    entries = [e for e in text.replace("\\\n", " ").splitlines() if e.strip() and not e.lstrip().startswith("#")]
    assert len(entries) >= 10
    assert all("==" in e and "--hash=sha256:" in e for e in entries), entries
    pinned = {canonicalize_name(e.split("==")[0]) for e in entries}
    wanted = (line.split("#")[0].strip() for line in (ROOT / "requirements-dev.in").read_text().splitlines())
    assert {canonicalize_name(w.split("==")[0]) for w in wanted if w} <= pinned  # a tool added but not compiled in
    assert "--require-hashes" in (ROOT / "harness" / "bootstrap.py").read_text()
    assert 'CACHE / "pyc"' not in (ROOT / "build.py").read_text()  # no compiled output is reused between builds


HTTP = re.compile(rb"http://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]{0,80}")
# http:// strings in the vendored runtime, reviewed: XML namespace identifiers (never fetched) and PyScript's
# own protocol checks. Anything new here fails this test until someone looks at it.
REVIEWED_VENDOR_HTTP = {
    b"http://www.w3.org/2000/xmlns/",
    b"http://www.w3.org/XML/1998/namespace",
    b"http://",
    b"http://www.w3.org/1999/xhtml",
    b"http://')or",
    b"http://0.0.0.0",
}


def test_no_http_url_in_our_files_and_only_reviewed_identifiers_in_the_runtime(built_dist):
    """Our code, pages, styles, locales and Python hold no http:// at all; the runtime only the reviewed
    identifiers. (Third-party wheels and the stdlib keep their docstrings' links; the extension pages' CSP
    connect-src allows only 'self' and https://api.loopreturns.com, so nothing can fetch http:// anyway.)"""
    ours, vendor = [], set()
    for path in sorted(built_dist.rglob("*")):
        rel = path.relative_to(built_dist).as_posix()
        if not path.is_file():
            continue
        if rel.startswith("vendor/pyodide/") or rel.startswith("vendor/pyscript/"):
            if path.suffix in (".js", ".mjs", ".wasm", ".json"):
                vendor |= set(HTTP.findall(path.read_bytes()))
        elif "loop_returns_pyapp" in rel:
            with zipfile.ZipFile(path) as zf:
                ours += [f"{rel}!{m}" for m in zf.namelist() if HTTP.search(zf.read(m))]
        elif not rel.startswith("vendor/") and HTTP.search(path.read_bytes()):
            ours.append(rel)
    assert ours == []
    assert vendor <= REVIEWED_VENDOR_HTTP, vendor - REVIEWED_VENDOR_HTTP


def test_the_options_page_applies_the_same_policy_rule_as_python(built_dist):
    """'Policy wins' lives in pyapp/contract/table.py and ships to the options page in contract.js: both give
    the same values on the same cases (a locked policy, a null in the policy, an unreadable one)."""
    import shutil

    from pyapp.contract.table import effective
    from tests.unit.contract.test_settings import LOCK_CASES

    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.fail("node is needed to run the options page's rule (the build installs it)")
    script = (
        "require(process.argv[1]); const C = globalThis.loopReturnsContract;"
        "const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map(([l, m]) => C.effective(l, m))));"
    )
    out = subprocess.run(
        [node, "-e", script, str(built_dist / "shared" / "contract.js")],
        check=True,
        input=json.dumps(LOCK_CASES),
        capture_output=True,
        text=True,
    ).stdout
    python = [
        {k: list(v) if isinstance(v, tuple) else v for k, v in effective(local, managed).items() if v is not None}
        for local, managed in LOCK_CASES
    ]
    assert json.loads(out) == python


def test_one_version_for_the_manifest_the_wheel_and_the_store_listing(built_dist):
    """pyproject.toml holds the version; the manifest in dist/, the pyapp wheel and the store listing carry it."""
    import tomllib
    import zipfile

    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert "version" not in json.loads((ROOT / "manifest.json").read_text())  # not written by hand twice
    assert manifest(built_dist)["version"] == version
    wheels = [w for w in (built_dist / "vendor" / "wheels").glob("loop_returns_pyapp-*.whl")]
    assert [w.name for w in wheels] == [f"loop_returns_pyapp-{version}-py3-none-any.whl"]
    with zipfile.ZipFile(wheels[0]) as wheel:
        assert f"Version: {version}\n" in wheel.read(f"loop_returns_pyapp-{version}.dist-info/METADATA").decode()
    assert (ROOT / "store-listing" / "version.txt").read_text().strip() == version
    assert f"## {version}" in (ROOT / "CHANGELOG.md").read_text()
