"""`python3 -m tests [unit | build | e2e] [--headed] [pytest arguments]`: the test suite on a fresh machine.

With no part named, the whole suite (build invariants, end-to-end in Chromium, unit). It installs what the
machine lacks (Node.js/npm and Chromium: with apt-get on Debian/Ubuntu as root, otherwise it names the
command), sets up .venv from requirements-dev.txt on first use, builds dist/ once, then runs pytest.

- ``unit``: the CPython tests only (tests/unit/): no browser, no build, nothing installed but .venv.
- ``build`` / ``e2e``: that folder only; ``--headed`` shows the end-to-end tests' Chromium window to someone
  watching (it needs a display).
- ``smoke``: the live smoke test against a real helpdesk and Loop account (tests/smoke/test_live.py says what
  it reads from the environment; ``--allow-writes`` lets it start a return).
- Anything else goes to pytest (e.g. ``python3 -m tests e2e -k copy -x``).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.bootstrap import ensure_tools, ensure_venv

PARTS = ("unit", "build", "e2e", "smoke")
args = sys.argv[1:]
part = args.pop(0) if args and args[0] in PARTS else None
if "--headed" in args:
    args.remove("--headed")
    os.environ["LOOP_HEADED"] = "1"  # read by tests/e2e/conftest.py

if part != "unit":
    ensure_tools()
ensure_venv()

import pytest  # noqa: E402 - only inside .venv

if part != "unit":
    from harness.chromium import find_chromium

    find_chromium()  # fail early with the install hint rather than in the middle of the suite
where = Path(__file__).parent / part if part else Path(__file__).parent
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", str(where), *args]))
