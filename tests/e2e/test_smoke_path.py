"""The live smoke test (tests/smoke/test_live.py) run through its own switches against the local stand-ins: the
path QA will use on a real helpdesk works, and it writes to Loop only with --allow-writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from harness.loop_standin import FULL_KEY

ROOT = Path(__file__).resolve().parents[2]


def smoke(tmp_path: Path, klaviyo_server, loop, *extra: str, **env: str) -> subprocess.CompletedProcess:
    rules = (
        f"MAP www.klaviyo.com 127.0.0.1:{klaviyo_server.port}, MAP api.loopreturns.com 127.0.0.1:{loop.port}, "
        "MAP * ~NOTFOUND"
    )
    switches = {
        "LOOP_SMOKE_PROFILE": str(tmp_path / f"profile-{len(extra)}"),
        "LOOP_API_KEY": FULL_KEY,
        "LOOP_SMOKE_TICKET": "https://www.klaviyo.com/inbox/tickets/101",
        "LOOP_SMOKE_RESOLVE": rules,
        **env,
    }
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "tests/smoke", *extra]
    return subprocess.run(
        command, env={**os.environ, **switches}, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_the_live_smoke_reads_without_writes_and_starts_a_return_only_when_allowed(tmp_path, klaviyo_server, loop):
    read = smoke(tmp_path, klaviyo_server, loop)
    assert read.returncode == 0 and "1 passed" in read.stdout, read.stdout[-2000:] + read.stderr[-2000:]
    assert "live smoke: the panel shows 'ready'" in read.stdout
    assert loop.api_requests("/api/v2/returns") and not [r for r in loop.requests if r.method == "POST"]

    written = smoke(tmp_path, klaviyo_server, loop, "--allow-writes", LOOP_SMOKE_ORDER="#1002")
    assert written.returncode == 0 and "1 passed" in written.stdout, written.stdout[-2000:] + written.stderr[-2000:]
    assert "Initiate return for #1002 made a link" in written.stdout
    assert [link["order"] for link in loop.links] == ["#1002"]


def test_without_its_switches_the_live_smoke_says_so_in_one_line_and_skips():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOOP_SMOKE", "LOOP_API_KEY"))}
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests/smoke"]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "1 skipped" in result.stdout
    assert "live smoke: set LOOP_SMOKE_PROFILE, LOOP_API_KEY, LOOP_SMOKE_TICKET" in result.stdout
