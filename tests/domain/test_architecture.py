"""The structure a newcomer relies on, checked: layers that only look down, small modules, no
file named like its package, no dispatch by name, and one write door.

The layers of ``indicators/``, bottom first; a module may import its own layer and the ones
below it, never one above (an arrow that runs back up is how a hub is born again).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [
    {"config", "words", "text"},
    {"store"},
    {"access"},
    {"catalog"},
    {"measures"},
    {"exchange"},
    {"charts"},
    {"council"},
    {"views"},
    {"synthetic"},
    {"ready"},
    {"commands", "cli", "__main__", "__init__"},
]
MAX_LINES = 400


def _sources(*folders: str) -> list[Path]:
    found = [ROOT / "app.py"] if "app.py" in folders else []
    for folder in folders:
        if folder != "app.py":
            found += sorted((ROOT / folder).rglob("*.py"))
    return found


def _layer(module: str) -> int:
    """The layer of ``indicators.<part>…`` (its first part after the package)."""
    part = module.split(".")[1] if "." in module else "__init__"
    for n, names in enumerate(LAYERS):
        if part in names:
            return n
    raise AssertionError(f"indicators.{part} belongs to no layer: add it to LAYERS")


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(p for p in rel.parts if p != "__init__") or rel.parts[0]


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


@pytest.mark.parametrize("path", _sources("indicators"), ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_imports_only_look_down_and_never_streamlit(path):
    me = _module_name(path)
    mine = _layer(me) if me != "indicators" else len(LAYERS) - 1
    for name in _imports(path):
        assert not name.startswith("streamlit"), f"{me} imports {name}: the domain runs without a browser"
        if name.startswith("indicators.") and name.split(".")[1] not in ("__init__",):
            if (ROOT / Path(*name.split(".")[:2])).with_suffix(".py").exists() or (ROOT / Path(*name.split(".")[:2])).is_dir():
                assert _layer(name) <= mine, f"{me} (layer {mine}) imports {name} (layer {_layer(name)}): an arrow up"


@pytest.mark.parametrize("path", _sources("indicators", "ui", "app_pages", "bench", "app.py"),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_are_small_and_not_named_like_their_package(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"
    assert path.stem != path.parent.name, f"{path.relative_to(ROOT)} is named like its package"


def test_pages_and_ui_call_functions_not_names():
    for path in _sources("ui", "app_pages", "app.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
                target = ast.unparse(node.args[0])
                assert target not in ("views", "charts", "importlib.import_module(module)"), (
                    f"{path.relative_to(ROOT)}:{node.lineno} dispatches by name: {ast.unparse(node)}")
            if isinstance(node, ast.Attribute) and node.attr == "import_module":
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} imports a module by name")


def test_pages_hold_no_sql():
    for path in _sources("ui", "app_pages", "app.py"):
        text = path.read_text(encoding="utf-8")
        for word in (".read(", ".rows(", ".scalar(", "SELECT ", "INSERT ", "UPDATE ", "DELETE "):
            assert word not in text, f"{path.relative_to(ROOT)} holds SQL ({word.strip()})"
