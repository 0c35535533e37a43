"""`python3 -m tests.lock_dev_requirements`: pin the build's own Python tools with hashes.

Reads the versions installed in .venv (what requirements-dev.txt resolved to, dependencies included) and writes
requirements-dev.txt with every file PyPI publishes for each of those versions as an allowed --hash, so
`pip install --require-hashes` works on any platform a developer or CI uses and refuses anything else.
Standard library only; run it after changing a pin (and installing it once without hashes).
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ["pytest", "playwright", "pydantic", "segno", "trustme", "packaging", "ruff", "pyright"]  # tests, lint


def files(name: str, version: str) -> list[str]:
    req = urllib.request.Request(
        f"https://pypi.org/simple/{name}/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        data = json.load(resp)
    hashes = []
    for f in data["files"]:
        fn = f["filename"].lower().replace("-", "_")
        stem = f"{name.lower().replace('-', '_')}_{version}".lower()
        if (
            fn.startswith((stem + "_", stem + "."))
            and not f.get("yanked")
            and f["filename"].endswith((".whl", ".tar.gz", ".zip"))
        ):
            hashes.append(f["hashes"]["sha256"])
    if not hashes:
        raise SystemExit(f"PyPI lists no file for {name}=={version}")
    return sorted(set(hashes))


def main() -> int:
    python = ROOT / ".venv" / "bin" / "python"
    frozen = subprocess.run(
        [str(python), "-m", "pip", "freeze", "--exclude-editable"], capture_output=True, text=True, check=True
    ).stdout.split()
    pins = sorted((line.split("==") for line in frozen if "==" in line), key=lambda p: p[0].lower())
    lines = [
        "# CPython tools for building and testing (not shipped); the browser's wheels are in",
        "# requirements-browser.txt. Installed with --require-hashes (harness/bootstrap.py): every dependency is",
        "# pinned, with the hash of every file PyPI publishes for that version. Regenerate with",
        "# `python3 -m tests.lock_dev_requirements`. Used directly by the tests: " + ", ".join(TOP) + ".",
    ]
    for name, version in pins:
        hashes = files(name, version)
        lines.append(f"{name}=={version} \\")
        lines.extend(f"    --hash=sha256:{h}" + (" \\" if i < len(hashes) - 1 else "") for i, h in enumerate(hashes))
    (ROOT / "requirements-dev.txt").write_text("\n".join(lines) + "\n")
    print(f"wrote requirements-dev.txt: {len(pins)} pins")
    return 0


if __name__ == "__main__":
    sys.exit(main())
