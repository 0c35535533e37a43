"""`python3 -m tests.lint`: ruff (lint and format), pyright and tsc over the code, as CI runs them before the tests.

Python: configured in pyproject.toml, the tools pinned with hashes in requirements-dev.txt. The extension's
JavaScript: ``tsc --noEmit`` with tools/jsconfig.json against @types/chrome, both pinned in tools/package.json
and its lockfile (``npm ci`` checks their integrity hashes; never shipped). A suppression comment (noqa,
type: ignore, pyright: ignore) must say why beside it; one that does not fails here too. Exits non-zero on any
finding.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness.bootstrap import ensure_venv  # noqa: E402 - the path above makes the harness importable

SUPPRESSION = re.compile(
    r"#\s*(?:noqa(?::\s*[A-Z0-9, ]+)?|type:\s*ignore(?:\[[\w, -]+\])?|pyright:\s*ignore(?:\[[\w, ]+\])?)(.*)$"
)
SKIP = {".venv", "node_modules", "dist", "store-listing", "__pycache__"}


def unexplained_suppressions() -> list[str]:
    """Suppressions with no reason after them: "# noqa: E402 - why" passes, "# noqa: E402" does not."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = SUPPRESSION.search(line)
            if match and not re.search(r"\w", match.group(1)):
                found.append(f"{path.relative_to(ROOT)}:{n}: a suppression without a reason beside it")
    return found


def main() -> int:
    bin_ = Path(sys.executable).parent
    tools = ROOT / "tools"
    if not (tools / "node_modules" / ".bin" / "tsc").exists():
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=tools, check=True)
    steps = [
        [str(bin_ / "ruff"), "check", "."],
        [str(bin_ / "ruff"), "format", "--check", "."],
        [str(bin_ / "pyright")],
        [str(tools / "node_modules" / ".bin" / "tsc"), "-p", str(tools / "jsconfig.json")],
    ]
    failed = False
    for step in steps:
        print("$", " ".join(Path(step[0]).name if i == 0 else a for i, a in enumerate(step)), flush=True)
        env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}  # no "a newer pyright exists" notice
        failed |= subprocess.run(step, cwd=ROOT, env=env).returncode != 0
    bare = unexplained_suppressions()
    print("\n".join(bare) or "suppressions: each says why")
    return 1 if failed or bare else 0


if __name__ == "__main__":
    ensure_venv()
    sys.exit(main())
