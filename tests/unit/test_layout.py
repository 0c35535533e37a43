"""The code's rooms stay as the README describes them: one sentence per module, small modules, and only the
browser package touching the browser."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted((ROOT / "pyapp").rglob("*.py"))


def test_every_module_says_what_it_is_in_its_first_line():
    for path in MODULES:
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc and doc.split("\n")[0].strip().endswith((".", ":")), path


def test_no_module_is_a_room_of_its_own_over_230_statements():
    """Counted in logical lines (statements), not physical ones: the formatter (ruff format) spreads one call
    over many lines when it does not fit on one, which says nothing about a module's size."""
    big = {p.relative_to(ROOT).as_posix(): n for p in MODULES if (n := _statements(p)) > 230}
    assert not big, big


def _statements(path: Path) -> int:
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    return sum(1 for t in tokens if t.type == tokenize.NEWLINE)


def test_only_pyapp_browser_touches_the_browser():
    for path in MODULES:
        if "browser" in path.relative_to(ROOT / "pyapp").parts:
            continue
        assert not re.search(r"^\s*(?:import|from)\s+(?:js|pyodide|pyscript)\b", path.read_text(), re.M), path


def test_the_panels_actions_do_not_import_the_controller():
    """Actions are typed against ``PanelContext``: the controller imports them, never the other way round (only
    the browser adapter, which builds the Panel, imports the controller)."""
    for path in MODULES:
        if path.parent.name == "browser":
            continue
        text = path.read_text()
        assert not re.search(r"^\s*(?:import|from)\s+pyapp\.panel\.controller\b", text, re.M), path
        assert not re.search(r"^\s*from\s+pyapp\.panel\s+import\s+[^\n]*\bcontroller\b", text, re.M), path


def test_the_readme_layout_names_every_package():
    readme = (ROOT / "README.md").read_text()
    layout = readme[readme.index("## Layout") : readme.index("## How it runs")]
    for package in sorted({p.parent for p in MODULES if p.parent != ROOT / "pyapp"}):
        assert f"{package.name}/" in layout, package
    for path in MODULES:
        if path.name != "__init__.py":
            assert path.stem in layout, path
