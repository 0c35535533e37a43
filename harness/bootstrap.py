"""Make the demo and the test command work on a fresh machine: a project virtualenv with the pinned
CPython dependencies (requirements-dev.txt), created on first use. Standard library only."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
REQUIREMENTS = ROOT / "requirements-dev.txt"


def ensure_venv() -> None:
    """Re-run the current command inside .venv, creating or updating it when requirements changed."""
    if sys.version_info < (3, 11):
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
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(REQUIREMENTS)], check=True)
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
