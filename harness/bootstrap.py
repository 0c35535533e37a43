"""Make the demo and the test command work on a fresh machine: the tools they need (Node.js with npm for the
build, Chromium for the browser), and a project virtualenv with the pinned CPython dependencies
(requirements-dev.txt), created on first use. Standard library only."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements-dev.txt"


def _has_chromium() -> bool:
    return any(
        c and Path(c).exists()
        for c in (
            os.environ.get("CHROMIUM"),
            "/usr/bin/chromium",
            shutil.which("chromium"),
            shutil.which("chromium-browser"),
        )
    )


def _has_venv() -> bool:
    try:
        import ensurepip  # noqa: F401  (Debian ships venv without it unless python3-venv is installed)
    except ImportError:
        return False
    return True


def missing_tools() -> list[str]:
    """Debian/Ubuntu package names of what this machine lacks."""
    missing = []
    if not (shutil.which("node") and shutil.which("npm")):
        missing += ["nodejs", "npm"]
    if not _has_chromium():
        missing.append("chromium")
    if not _has_venv():
        missing.append("python3-venv")
    return missing


def ensure_tools() -> None:
    """Install what is missing on Debian/Ubuntu as root (as CI does); elsewhere stop with the exact command."""
    missing = missing_tools()
    if not missing:
        return
    debian = Path("/etc/debian_version").exists() and shutil.which("apt-get")
    if debian and os.geteuid() == 0:
        print(f"Installing {' '.join(missing)} with apt-get (first run only)…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=env, stdout=subprocess.DEVNULL)
        return
    if debian:
        raise SystemExit(
            f"Missing {', '.join(missing)}: run `sudo apt-get install -y {' '.join(missing)}`, then this command again."
        )
    if sys.platform == "darwin":
        raise SystemExit(
            "Missing Node.js or Chromium: run `brew install node && brew install --cask chromium` "
            "(or set CHROMIUM=/path/to/chromium), then this command again."
        )
    raise SystemExit(
        f"Missing {', '.join(missing)}: install Node.js with npm and Chromium (or set "
        "CHROMIUM=/path/to/chromium; branded Chrome 137+ ignores --load-extension), then run this again."
    )


def ensure_venv() -> None:
    """Re-run the current command inside .venv, creating or updating it when requirements changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - runs on whatever python3 started it, before any venv
        raise SystemExit("Python 3.11 or newer is needed.")
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if Path(sys.prefix).resolve() == VENV.resolve() and stamp.exists() and stamp.read_text() == wanted:
        return
    if not (stamp.exists() and stamp.read_text() == wanted and python.exists()):
        print(f"Setting up {VENV.name}/ with {REQUIREMENTS.name} (first run only)…", flush=True)
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        # --require-hashes: every tool the build and the tests run is pinned and hash-checked, dependencies too.
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "--only-binary=:all:",
                "-r",
                str(REQUIREMENTS),
            ],
            check=True,
        )
        stamp.write_text(wanted)
    os.execv(str(python), [str(python), *_argv()])


def _argv() -> list[str]:
    """sys.argv as the interpreter needs it again: `-m module` when run as a module."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name:
        name = spec.name.removesuffix(".__main__")
        return ["-m", name, *sys.argv[1:]]
    return sys.argv
