"""The import direction of docs/architecture/overview.md, checked on every module."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "motcua"

# Layer number per app: an app may import apps of a lower or equal layer only; edges are the top.
LAYERS = {
    "core": 0,
    "documents": 0,
    "org": 1,
    "accounts": 2,
    "calendar": 3,
    "catalogue": 3,
    # A generic outbox (users and plain data only), so dossier services can write to it in their
    # transaction; it never imports the dossier app.
    "notifications": 3,
    "dossiers": 4,
    "wallet": 5,
    "results": 5,
    "payments": 5,
    "feedback": 5,
    "reporting": 6,
    "integrations": 7,
    "portal": 8,
    "backoffice": 8,
    "api": 8,
}
EDGES = {"portal", "backoffice", "api"}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = path.relative_to(ROOT.parent).with_suffix("").parts
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                names = [".".join([*base, node.module or ""]).rstrip(".")]
            elif node.module:
                names = [node.module]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "motcua" and parts[1] in LAYERS:
                found.add(parts[1])
    return found


def modules():
    for path in sorted(ROOT.rglob("*.py")):
        app = path.relative_to(ROOT).parts[0]
        if app in LAYERS and "migrations" not in path.parts:
            yield app, path


@pytest.mark.parametrize(("app", "path"), list(modules()), ids=lambda v: str(v).split("motcua/")[-1])
def test_imports_flow_one_way(app, path):
    for other in imported_apps(path):
        if other == app:
            continue
        assert other not in EDGES, (
            f"{path}: {app!r} imports the edge {other!r}; edges import nothing of each other"
        )
        assert LAYERS[other] <= LAYERS[app], (
            f"{path}: {app!r} (layer {LAYERS[app]}) imports {other!r} (layer {LAYERS[other]})"
        )


def test_the_checker_sees_violations(tmp_path):
    bad = ROOT / "core" / "_probe_violation.py"
    try:
        bad.write_text(
            "from motcua.portal.views import home\nfrom ..accounts import models\n", encoding="utf-8"
        )
        assert imported_apps(bad) == {"portal", "accounts"}
    finally:
        bad.unlink()
