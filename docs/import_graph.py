"""Print the import graph of backorder_desktop/ by layer, and every arrow that runs upwards.

    python docs/import_graph.py            # layers and arrows
    python docs/import_graph.py --modules  # one line per module-to-module import

Layers, from the bottom: `base` (version, paths, logs) < `store` < `domain` < `files`,
`scheduling`, `demo` < the doors, `cli` and `ui` (and `__main__`, which picks one).
A module may import its own layer and the layers below it. Imports inside functions count
too: a late import is still an arrow. Exit status 1 when an arrow runs upwards or sideways
between the two doors. Uses only the standard library: it reads the source, imports nothing.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from pathlib import Path

PACKAGE = "backorder_desktop"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

RANK = {
    "base": 0,
    "store": 1,
    "domain": 2,
    "files": 3,
    "scheduling": 3,
    "demo": 4,
    "cli": 5,
    "ui": 5,
    "__main__": 6,
}
BASE = {"", "paths", "logs"}


def layer(module: str) -> str:
    """The layer of a dotted module name inside the package."""
    parts = module.split(".")[1:]
    head = parts[0] if parts else ""
    if head in BASE:
        return "base"
    if head == "resources":
        return "base"
    return head


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The package's modules that PATH imports, anywhere in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if base.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                known = ROOT.parent / Path(*candidate.split("."))
                is_module = known.with_suffix(".py").is_file() or (known / "__init__.py").is_file()
                found.add(candidate if is_module else base)
    found.discard(here)
    return found


def graph() -> dict[str, set[str]]:
    """Every module of the package and the package modules it imports."""
    return {module_name(path): imports_of(path) for path in sorted(ROOT.rglob("*.py"))}


def wrong_arrows(edges: dict[str, set[str]]) -> list[str]:
    """Imports that run from a lower layer to a higher one, or between the two doors."""
    wrong = []
    for source, targets in edges.items():
        for target in sorted(targets):
            a, b = layer(source), layer(target)
            if a == b:
                continue
            if RANK[b] > RANK[a] or {a, b} == {"cli", "ui"}:
                wrong.append(f"{source} -> {target}  ({a} -> {b})")
    return wrong


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="list module-to-module imports")
    args = parser.parse_args(argv)
    edges = graph()
    if args.modules:
        for source, targets in edges.items():
            for target in sorted(targets):
                print(f"{source} -> {target}")
        return 0
    arrows = Counter(
        (layer(source), layer(target))
        for source, targets in edges.items()
        for target in targets
        if layer(source) != layer(target)
    )
    print("layer -> layer (imports)")
    for (a, b), count in sorted(arrows.items(), key=lambda item: (-RANK[item[0][0]], item[0])):
        print(f"  {a:>10} -> {b:<10} {count}")
    wrong = wrong_arrows(edges)
    print(f"arrows against the layers: {len(wrong)}")
    for line in wrong:
        print(f"  {line}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
