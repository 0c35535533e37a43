"""`python3 -m tests`: the whole suite (unit, build, end-to-end) on a fresh machine.

Installs what the machine lacks (Node.js/npm and Chromium: with apt-get on Debian/Ubuntu as root, otherwise it
names the command), sets up .venv from requirements-dev.txt on first use, builds dist/ once, then runs pytest.
Extra arguments go to pytest (e.g. `python3 -m tests -k copy -x`).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.bootstrap import ensure_tools, ensure_venv

ensure_tools()
ensure_venv()

import pytest  # noqa: E402 - after the path is set

from harness.chromium import find_chromium  # noqa: E402 - after the path is set

find_chromium()  # fail early with the install hint rather than in the middle of the suite
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", str(Path(__file__).parent), *sys.argv[1:]]))
