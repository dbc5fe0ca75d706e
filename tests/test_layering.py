"""The package is layered: every module lives on a floor, and imports point down (or along a floor), never up.

Every module under ``matcalc/`` is read with :mod:`ast` (nothing is imported), its imports of other matcalc
modules are collected, both the module-level ones and the ones inside a function body, and each import is
checked against the floor table below. The table and the rule are explained in docs/architecture.md; a new
module needs a line in both (a module inside a package placed by a ``.*`` entry is placed by that entry).

The one kind of upward import allowed is a lazy one (inside a function) listed in ``LAZY_UPWARD``, with the
functions it sits in and the reason. Upward imports the code has today but should not are listed in
``KNOWN_VIOLATIONS`` with their fix, so they stay visible until fixed; a listed one that is gone fails too.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "matcalc"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# The floors, bottom to top. A module may import modules on its own floor and on lower floors.
FLOOR_NAMES = (
    "base",  # 0: errors, limits, shapes: no matcalc imports at module level
    "tree",  # 1: the expression tree and its walks
    "functions",  # 2: the named functions and their registry
    "printing",  # 3: text, math, LaTeX, let-bindings, steps, generated code
    "rewrite",  # 4: the lemmas and the engine that applies them
    "calculus",  # 5: differentials, identification, layouts, the rule table
    "numeric",  # 6: evaluation on arrays and finite-difference checks
    "reading",  # 7: the front end: text and LaTeX to a typed expression tree
    "derivation",  # 8: derive and hessian: text in, checked closed form out
    "grading",  # 9: judging a proposed derivative
    "api",  # 10: the public API (the package itself)
    "cli",  # 11: the command line
)

# Module name -> floor name. A key ending in ".*" places a package and every module under it (the longest
# matching key wins, and an exact name wins over a ".*" key). Keep docs/architecture.md in step with this.
FLOORS: dict[str, str] = {
    # base
    "matcalc.errors": "base",
    "matcalc.limits": "base",
    "matcalc.shapes": "base",
    # tree
    "matcalc.properties": "tree",
    "matcalc.expr": "tree",
    "matcalc.walks": "tree",
    "matcalc.canonical": "tree",
    # functions
    "matcalc.functions.*": "functions",
    # printing
    "matcalc.printing.*": "printing",
    "matcalc.codegen.*": "printing",  # generated code: uses the tree, the registry and matcalc.printing
    # rewrite
    "matcalc.rewrite.*": "rewrite",
    # calculus
    "matcalc.rules": "calculus",
    "matcalc.differentiate": "calculus",
    "matcalc.identify": "calculus",
    "matcalc.layout": "calculus",
    "matcalc.catalogue": "calculus",
    # numeric
    "matcalc.numeric": "numeric",
    "matcalc.checking": "numeric",
    "matcalc.directional": "numeric",
    # reading
    "matcalc.lexing": "reading",
    "matcalc.grammar_cache": "reading",
    "matcalc.syntax": "reading",
    "matcalc.syntax_tree": "reading",
    "matcalc.syntax_atoms": "reading",
    "matcalc.syntax_products": "reading",
    "matcalc.syntax_postfix": "reading",
    "matcalc.names": "reading",
    "matcalc.latex_lexing": "reading",
    "matcalc.latex_words": "reading",
    "matcalc.latex_scripts": "reading",
    "matcalc.latex_sums": "reading",
    "matcalc.latex_syntax": "reading",
    "matcalc.latex_letters": "reading",
    "matcalc.latex_calls": "reading",
    "matcalc.latex_fractions": "reading",
    "matcalc.declarations": "reading",
    "matcalc.spellings": "reading",
    "matcalc.library_calls": "reading",
    "matcalc.reading": "reading",
    "matcalc.syntax_walks": "reading",
    "matcalc.run_together": "reading",
    "matcalc.unify": "reading",
    "matcalc.calls": "reading",
    "matcalc.builders": "reading",
    "matcalc.scalar_reading": "reading",
    "matcalc.products": "reading",
    "matcalc.product_shapes": "reading",
    "matcalc.product_readings": "reading",
    "matcalc.powers": "reading",
    "matcalc.infer": "reading",
    "matcalc.dim_names": "reading",
    "matcalc.norms": "reading",
    "matcalc.block_matrices": "reading",
    "matcalc.parser": "reading",
    # derivation
    "matcalc.variable": "derivation",
    "matcalc.derivative": "derivation",
    "matcalc.hessian": "derivation",
    # grading
    "matcalc.answers": "grading",
    "matcalc.gradebook": "grading",
    "matcalc.classfile": "grading",
    "matcalc.reports": "grading",
    "matcalc.gradefile": "grading",
    "matcalc.course": "grading",
    "matcalc.grading.*": "grading",  # judging answers: question, answer, findings, diagnoses, compare, verdict, check,
    # and code: function, process, runner
    # api
    "matcalc": "api",
    "matcalc.sympy_bridge": "api",
    # cli
    "matcalc.cli": "cli",
    "matcalc.__main__": "cli",
}

# ".*" entries that may place no module yet: packages being introduced. Their entries are not stale when empty.
PLANNED_PACKAGES: set[str] = set()

# Lazy (function-level) imports that may point up: (importer, imported) -> (the functions they sit in, why).
# Keep this short; each entry is an exception to the rule, not a way around it.
LAZY_UPWARD: dict[tuple[str, str], tuple[frozenset[str], str]] = {
    ("matcalc.expr", "matcalc.printing.text"): (
        frozenset({"Expr.__repr__", "Expr.__str__", "shape_error"}),
        "an expression prints itself, and a shape error names its operands, in NumPy text; the printer needs "
        "the tree, so the tree can only reach it when it is called, never when it is imported",
    ),
    ("matcalc.functions.analytic", "matcalc.printing.text"): (
        frozenset({"_commuting.differential"}),
        "the UnsupportedError for expm/logm/sqrtm of a non-commuting argument quotes that argument in NumPy text; "
        "the printers need the registry, so the registry reaches them only while building the message",
    ),
}

# Upward imports the code has today and should not: (importer, imported) -> the fix. Empty is the goal.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


# ---------------------------------------------------------------- reading the package


@dataclass(frozen=True)
class Import:
    importer: str
    imported: str
    line: int
    function: str | None  # the enclosing function ("Class.method", "outer.inner"), None at module level

    @property
    def lazy(self) -> bool:
        return self.function is not None

    def where(self) -> str:
        place = f"in {self.function}()" if self.lazy else "at module level"
        return f"{self.importer}:{self.line} {place}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


MODULES = _modules()


def _targets(importer: str, path: Path, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The matcalc modules an import statement loads: a module named by ``from x import name`` when ``x.name``
    is a module, else ``x`` itself."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name == "matcalc" or a.name.startswith("matcalc.")]
    if node.level == 0:
        base = node.module or ""
    else:
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    if base != "matcalc" and not base.startswith("matcalc."):
        return []
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]


class _Collector(ast.NodeVisitor):
    def __init__(self, importer: str, path: Path):
        self.importer, self.path = importer, path
        self.scope: list[tuple[str, bool]] = []  # (name, is a function)
        self.found: list[Import] = []

    def _function(self) -> str | None:
        if not any(is_function for _, is_function in self.scope):
            return None
        return ".".join(name for name, _ in self.scope)

    def visit_ClassDef(self, node):
        self.scope.append((node.name, False))
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node):
        self.scope.append((node.name, True))
        self.generic_visit(node)
        self.scope.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _add(self, node):
        for target in _targets(self.importer, self.path, node):
            self.found.append(Import(self.importer, target, node.lineno, self._function()))

    visit_Import = visit_ImportFrom = _add


def _imports() -> list[Import]:
    found = []
    for name, path in MODULES.items():
        collector = _Collector(name, path)
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found += [i for i in collector.found if i.imported != i.importer]
    return list(dict.fromkeys(found))  # `from x import a, b` is one import of x


IMPORTS = _imports()


def floor_of(module: str) -> str | None:
    """The module's floor from FLOORS: its exact entry, else the longest ``.*`` entry that covers it."""
    if module in FLOORS:
        return FLOORS[module]
    best = None
    for key in FLOORS:
        if key.endswith(".*"):
            package = key[:-2]
            if (module == package or module.startswith(package + ".")) and (best is None or len(key) > len(best)):
                best = key
    return FLOORS[best] if best else None


def _level(module: str) -> int:
    return FLOOR_NAMES.index(floor_of(module))


def _describe(module: str) -> str:
    return f"{module} (floor {_level(module)} '{floor_of(module)}')"


def _placed(i: Import) -> bool:
    return floor_of(i.importer) is not None and floor_of(i.imported) is not None


def _upward(lazy: bool) -> list[Import]:
    return [i for i in IMPORTS if i.lazy == lazy and _placed(i) and _level(i.imported) > _level(i.importer)]


def _message(i: Import) -> str:
    return f"{_describe(i.importer)} imports {_describe(i.imported)} ({i.where()})"


# ---------------------------------------------------------------- the table


def test_the_package_is_read():
    assert "matcalc.expr" in MODULES and "matcalc" in MODULES
    assert any(i.importer == "matcalc.expr" and i.imported == "matcalc.printing.text" and i.lazy for i in IMPORTS)


def test_every_floor_name_in_the_table_exists():
    unknown = sorted(f"{key}: {floor!r}" for key, floor in FLOORS.items() if floor not in FLOOR_NAMES)
    assert not unknown, f"FLOORS names floors that are not in FLOOR_NAMES: {', '.join(unknown)}"


def test_every_module_has_a_floor():
    unplaced = sorted(m for m in MODULES if floor_of(m) is None)
    assert not unplaced, (
        f"{', '.join(unplaced)}: no floor; give each module a floor in FLOORS (tests/test_layering.py) and a line "
        "saying its job in docs/architecture.md"
    )


def test_every_imported_module_has_a_floor():
    unplaced = sorted({f"{i.imported} ({i.where()})" for i in IMPORTS if floor_of(i.imported) is None})
    assert not unplaced, (
        f"imports of modules with no floor: {'; '.join(unplaced)}; give each a floor in FLOORS "
        "(tests/test_layering.py) and a line in docs/architecture.md"
    )


def test_the_table_has_no_stale_entries():
    stale = []
    for key in FLOORS:
        if key.endswith(".*"):
            package = key[:-2]
            covered = any(m == package or m.startswith(package + ".") for m in MODULES)
            if not covered and key not in PLANNED_PACKAGES:
                stale.append(f"{key} (no module under {package})")
        elif key not in MODULES:
            stale.append(f"{key} (no such module)")
    assert not stale, f"FLOORS has stale entries: {'; '.join(stale)}; remove them here and in docs/architecture.md"


def test_planned_packages_are_prefix_entries():
    assert PLANNED_PACKAGES <= set(FLOORS), "every planned package needs its '.*' entry in FLOORS"


# ---------------------------------------------------------------- the rule


def test_no_module_level_import_goes_up():
    found = [i for i in _upward(lazy=False) if (i.importer, i.imported) not in KNOWN_VIOLATIONS]
    assert not found, (
        "imports must point down (or along a floor); these point up:\n  "
        + "\n  ".join(_message(i) for i in found)
        + "\nmove the code to the floor it belongs on, or move the importing module up (docs/architecture.md)"
    )


def test_lazy_imports_go_up_only_where_allowed():
    found = []
    for i in _upward(lazy=True):
        functions, _ = LAZY_UPWARD.get((i.importer, i.imported), (frozenset(), ""))
        if i.function not in functions:
            found.append(i)
    assert not found, (
        "a lazy import may point up only when LAZY_UPWARD (tests/test_layering.py) lists it with its reason; "
        "these are not listed:\n  " + "\n  ".join(_message(i) for i in found)
    )


def test_the_lazy_allow_list_is_current():
    upward = {(i.importer, i.imported, i.function) for i in _upward(lazy=True)}
    stale = []
    for (importer, imported), (functions, reason) in LAZY_UPWARD.items():
        assert reason.strip(), f"LAZY_UPWARD entry {importer} -> {imported} needs its reason"
        for function in sorted(functions):
            if (importer, imported, function) not in upward:
                stale.append(f"{importer} -> {imported} in {function}()")
    assert not stale, (
        f"LAZY_UPWARD lists upward lazy imports that no longer exist (or no longer point up): {'; '.join(stale)}; "
        "remove them from the list and from docs/architecture.md"
    )


def test_known_violations_are_still_there():
    present = {(i.importer, i.imported) for i in _upward(lazy=False)}
    fixed = sorted(f"{a} -> {b}" for a, b in KNOWN_VIOLATIONS if (a, b) not in present)
    assert not fixed, f"fixed, so remove from KNOWN_VIOLATIONS: {', '.join(fixed)}"
    assert all(fix.strip() for fix in KNOWN_VIOLATIONS.values()), "every known violation needs its fix"


def test_no_import_cycles_between_floors():
    """The floors, joined by the imports between them (all but the allowed lazy ones and the listed violations),
    form no cycle: independent of the order of FLOOR_NAMES, so a floor table that only a renumbering could
    satisfy is caught too."""
    edges: dict[str, dict[str, Import]] = defaultdict(dict)
    for i in IMPORTS:
        if not _placed(i) or floor_of(i.importer) == floor_of(i.imported):
            continue
        if (i.importer, i.imported) in KNOWN_VIOLATIONS:
            continue
        if i.lazy and i.function in LAZY_UPWARD.get((i.importer, i.imported), (frozenset(), ""))[0]:
            continue
        edges[floor_of(i.importer)].setdefault(floor_of(i.imported), i)

    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(floor: str) -> list[str] | None:
        state[floor] = 1
        path.append(floor)
        for below in sorted(edges.get(floor, {})):
            if state.get(below) == 1:
                return path[path.index(below) :] + [below]
            if below not in state and (cycle := visit(below)):
                return cycle
        path.pop()
        state[floor] = 2
        return None

    for floor in FLOOR_NAMES:
        if floor not in state and (cycle := visit(floor)):
            witnesses = [edges[a][b] for a, b in zip(cycle, cycle[1:])]
            pytest.fail(
                f"the floors import each other in a cycle: {' -> '.join(cycle)}\n  "
                + "\n  ".join(f"{w.importer} imports {w.imported} ({w.where()})" for w in witnesses)
            )


# ---------------------------------------------------------------- the page


def test_the_architecture_page_names_every_floor_and_entry():
    page = ARCHITECTURE.read_text(encoding="utf-8")
    missing = [f"floor {name!r}" for name in FLOOR_NAMES if f"`{name}`" not in page]
    missing += [f"`{key}`" for key in FLOORS if f"`{key}`" not in page]
    missing += [f"`{a}` -> `{b}`" for a, b in LAZY_UPWARD if f"`{a}`" not in page or f"`{b}`" not in page]
    assert not missing, f"docs/architecture.md does not mention: {', '.join(missing)}"
