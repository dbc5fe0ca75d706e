"""CLI cold start: ``matcalc derive "x.T@A@x" wrt x`` end to end, in a fresh interpreter each time.

    python benchmarks/cold_start.py [--quick] [--runs 10]

Each command runs as a subprocess, both as ``python -m matcalc …`` and through the ``matcalc`` console
script next to the interpreter (when installed), from an empty working directory; its output is
checked (✓). After one warm-up run of every command (which also fills matcalc's per-user parser cache
and Python's bytecode caches), ``--runs`` rounds run every command once each, interleaved; the table
gives the median, min and max wall time. Baselines: ``python -c "pass"`` (the interpreter alone),
``python -c "import numpy"``, ``python -c "import matcalc"`` and ``python -c "import sympy"``. One more
run under ``python -X importtime`` says where the time goes, package by package.

Target (performance issue): a textbook ``matcalc derive`` in < 0.35 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.35  # seconds, median, `matcalc derive "x.T@A@x" wrt x`

# (arguments of matcalc, the first line it must print)
CASES = [
    (["derive", "x.T@A@x", "wrt", "x"], "(A + A.T) @ x"),
    (["derive", "||y - Phi theta||^2", "wrt", "theta"], "-2 * Phi.T @ (y - Phi @ theta)"),
    (["derive", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "wrt", "w"], "X.T @ (sigmoid(X @ w) - y)"),
    (["derive", "trace(X.T@A@X)", "wrt", "X"], "(A + A.T) @ X"),
    (["derive", "tanh(W @ x + b)", "wrt", "x"], "diag(1 - tanh(W @ x + b)**2) @ W"),
    (["hessian", "x.T@A@x", "wrt", "x"], "A + A.T"),
    (["derive", "x^T A x", "wrt", "x", "--where", "A: symmetric", "--check"], "2 * A @ x"),
]
QUICK_CASES = CASES[:2]
BASELINES = [
    ("python -c pass", ["-c", "pass"]),
    ("python -c 'import numpy'", ["-c", "import numpy"]),
    ("python -c 'import matcalc'", ["-c", "import matcalc"]),
    ("python -c 'import sympy'", ["-c", "import sympy"]),
]


class Command:
    def __init__(self, label: str, argv: list[str], expect: str | None, headline: bool = False):
        self.label, self.argv, self.expect, self.headline = label, argv, expect, headline
        self.times: list[float] = []
        self.cpu: list[float] = []  # user + system seconds of the child
        self.ok = True
        self.problem = ""

    def run(self, cwd: str, env: dict[str, str]) -> tuple[float, float]:
        before = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.run(self.argv, cwd=cwd, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        cpu = _children_cpu() - before
        first = proc.stdout.splitlines()[0].strip() if proc.stdout.strip() else ""
        if proc.returncode != 0 or (self.expect is not None and first != self.expect):
            self.ok = False
            self.problem = f"exit {proc.returncode}, printed {first!r}, stderr {proc.stderr.strip()[-300:]!r}"
        return elapsed, cpu


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # not on POSIX
        return float("nan")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _quote(arg: str) -> str:
    return arg if re.fullmatch(r"[\w@.=/:-]+", arg) else '"' + arg.replace('"', '\\"') + '"'


class _Node:
    def __init__(self, name: str, own: float, cumulative: float, children: list[_Node]):
        self.name, self.own, self.cumulative, self.children = name, own, cumulative, children

    def packages(self, names: tuple[str, ...]) -> dict[str, float]:
        """Seconds spent importing each of the packages `names` somewhere under this module (outermost imports)."""
        found: dict[str, float] = defaultdict(float)
        for child in self.children:
            root = child.name.split(".")[0]
            if root in names and root != self.name.split(".")[0]:
                found[root] += child.cumulative
            else:
                for package, seconds in child.packages(names).items():
                    found[package] += seconds
        return found


THIRD_PARTY = ("numpy", "lark", "sympy", "mpmath", "scipy")


def _importtime(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[list[_Node], dict[str, float]]:
    """The import tree of one run under -X importtime, and the seconds of own import time per package."""
    proc = subprocess.run([sys.executable, "-X", "importtime", *argv], cwd=cwd, env=env, capture_output=True, text=True)
    pending: dict[int, list[_Node]] = defaultdict(list)  # a module is printed after the modules it imported
    per_package: dict[str, float] = defaultdict(float)
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)", line)
        if not m:
            continue
        depth = len(m.group(3)) // 2
        node = _Node(m.group(4), int(m.group(1)) / 1e6, int(m.group(2)) / 1e6, pending.pop(depth + 1, []))
        pending[depth].append(node)
        root = node.name.split(".")[0]
        per_package[root if root in ("matcalc", *THIRD_PARTY) else "stdlib and others"] += node.own
    return pending[0], dict(per_package)


def _in_process(case: list[str], cwd: str, env: dict[str, str]) -> tuple[float, float] | None:
    """Seconds to import matcalc.cli and to run main(case) after it, measured inside a fresh interpreter."""
    code = ("import io, sys, time\n"
            "t0 = time.perf_counter()\n"
            "import matcalc.cli\n"
            "t1 = time.perf_counter()\n"
            "out, sys.stdout = sys.stdout, io.StringIO()\n"
            f"matcalc.cli.main({case!r})\n"
            "t2 = time.perf_counter()\n"
            "sys.stdout = out\n"
            "print(t1 - t0, t2 - t1)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True)
    try:
        first, second = proc.stdout.split()
        return float(first), float(second)
    except ValueError:
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two cases, 3 runs")
    parser.add_argument("--runs", type=int, default=None, help="timed runs of each command (default 10, quick 3)")
    args = parser.parse_args(argv)
    runs = args.runs or (3 if args.quick else 10)
    cases = QUICK_CASES if args.quick else CASES

    python = sys.executable
    script = Path(python).parent / ("matcalc.exe" if os.name == "nt" else "matcalc")
    launchers = [("python -m matcalc", [python, "-m", "matcalc"])]
    if script.is_file() and os.access(script, os.X_OK):
        launchers.append(("matcalc (console script)", [str(script)]))

    env = dict(os.environ)
    workdir = tempfile.mkdtemp(prefix="matcalc-cold-")
    probe = subprocess.run([python, "-c", "import matcalc"], cwd=workdir, env=env, capture_output=True, text=True)
    where = "an empty directory"
    if probe.returncode != 0:  # not installed: run from the repository
        workdir, where = str(ROOT), f"the repository ({ROOT})"
    load = f", load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(f"python {platform.python_version()} ({python}); {os.cpu_count()} CPUs{load}")
    print(f"commands run from {where}; one warm-up run each, then {runs} interleaved rounds; wall time per run, "
          "and the median CPU time (user + system) of the process")
    if len(launchers) == 1:
        print(f"console script: not installed ({script} not found)")
    print()

    commands: list[Command] = []
    for i, (case, expect) in enumerate(cases):
        for name, prefix in launchers:
            label = name.split(" (")[0] + " " + " ".join(_quote(a) for a in case)
            commands.append(Command(label, [*prefix, *case], expect, headline=(i == 0)))
    baselines = [Command(label, [python, *extra], None) for label, extra in BASELINES]
    everything = baselines + commands

    for command in everything:  # warm-up
        command.run(workdir, env)
    for r in range(runs):
        for command in everything if r % 2 == 0 else everything[::-1]:
            elapsed, cpu = command.run(workdir, env)
            command.times.append(elapsed)
            command.cpu.append(cpu)

    width = max(len(c.label) for c in everything) + 2
    header = f"{'command':<{width}} {'median s':>9} {'min s':>7} {'max s':>7} {'CPU s':>7}   ok"
    print(header)
    print("-" * len(header))
    for command in everything:
        t = command.times
        mark = "✓" if command.ok else "✗"
        cpu = statistics.median(command.cpu)
        print(f"{command.label:<{width}} {statistics.median(t):9.3f} {min(t):7.3f} {max(t):7.3f} {cpu:7.3f}   {mark}")
        if command is baselines[-1]:
            print()
    print()

    failures = [c for c in everything if not c.ok]
    medians = {c.label: statistics.median(c.times) for c in everything}
    python_alone = medians[baselines[0].label]
    sympy_import = medians[baselines[3].label]
    derives = [c for c in commands if not c.argv[-1] == "--check"]
    worst = max(derives, key=lambda c: medians[c.label])

    # where the time goes
    case = cases[0][0]
    roots, per_package = _importtime(["-m", "matcalc", *case], workdir, env)
    total_import = sum(per_package.values())
    print(f"where the time goes: python -X importtime -m matcalc {' '.join(_quote(a) for a in case)} (one run)")
    by_package = sorted(per_package.items(), key=lambda kv: -kv[1])
    print(f"  all imports {total_import * 1e3:.0f} ms; own import time by package: "
          + ", ".join(f"{name} {seconds * 1e3:.0f} ms" for name, seconds in by_package))
    package = next((node for node in roots if node.name == "matcalc"), None)
    if package is not None:
        print(f"  import matcalc: {package.cumulative * 1e3:.0f} ms, of which (cumulative, with what each imports):")
        for child in sorted(package.children, key=lambda node: -node.cumulative)[:8]:
            inside = ", ".join(f"{name} {seconds * 1e3:.0f} ms" for name, seconds in child.packages(THIRD_PARTY).items())
            print(f"    {child.name:<28} {child.cumulative * 1e3:6.1f} ms" + (f"   ({inside})" if inside else ""))
    split = [x for x in (_in_process(case, workdir, env) for _ in range(max(3, runs // 2))) if x is not None]
    if split:
        imports = statistics.median(x[0] for x in split)
        work = statistics.median(x[1] for x in split)
        print(f"  inside a fresh interpreter (median of {len(split)}): import matcalc.cli {imports * 1e3:.0f} ms, "
              f"then matcalc.cli.main({case!r}) {work * 1e3:.0f} ms")
    print()

    for command in commands:
        if command.headline:
            m = medians[command.label]
            print(f"{command.label}: median {m:.3f} s = {m / python_alone:.1f}× python -c pass "
                  f"({python_alone:.3f} s), {m / sympy_import:.2f}× python -c 'import sympy' ({sympy_import:.3f} s); "
                  f"{m - python_alone:.3f} s beyond the bare interpreter")
    headline = [c for c in commands if c.headline]
    slowest = max(medians[c.label] for c in headline)
    cpu = max(statistics.median(c.cpu) for c in headline)
    verdict = "MET" if slowest < TARGET else "NOT MET"
    print(f"slowest derive/hessian case: {worst.label} ({medians[worst.label]:.3f} s)")
    print(f"target: matcalc derive \"x.T@A@x\" wrt x in < {TARGET} s: {verdict} "
          f"(median {slowest:.3f} s wall, {cpu:.3f} s CPU, slower launcher)")
    for command in failures:
        print(f"FAILED: {command.label}: {command.problem}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
