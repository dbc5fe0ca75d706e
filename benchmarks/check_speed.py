"""Numeric check and step texts of an L-layer MLP's gradient: directional against entry-wise, side by side.

    python benchmarks/check_speed.py [--quick] [--max-depth 128] [--entries-up-to 64] [--old-steps-up-to 64]

For L = 8, 16, 32, 64 (128): the gradient of the tanh MLP of benchmarks/depth.py with respect to W1, then

* ``d.check()`` (directional: the closed form applied to three random directions per point against central
  differences of f along them) and ``d.check(method="entries")`` (differences entry by entry of W1), timed
  in alternation in one process, with their verdicts and the ratio entry-wise / directional;
* the length of ``d.steps_text()`` (long steps name their shared subexpressions) beside the steps' own texts
  written out (what steps_text printed before), and the time each takes.

The growth exponent k of each column (quantity ∝ L^k) is fitted as in benchmarks/depth.py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from depth import slope, tanh_mlp  # noqa: E402

import matcalc as mc  # noqa: E402

TARGET_SECONDS = 1.0  # a depth-64 MLP checks (directionally) in under a second


def timed_pair(first, second, rounds: int):
    """(result, median s) of each of two calls, alternated for `rounds` rounds (the second skipped when None)."""
    times: tuple[list, list] = ([], [])
    results = [None, None]
    for _ in range(rounds):
        for k, fn in enumerate((first, second)):
            if fn is None:
                continue
            t0 = time.perf_counter()
            results[k] = fn()
            times[k].append(time.perf_counter() - t0)
    return [(r, statistics.median(t) if t else None) for r, t in zip(results, times)]


def old_steps_text(d) -> str:
    """The steps written out one by one, as steps_text printed them before long steps named subexpressions."""
    return "\n".join(f"{i:>3}. [{s.rule}] {s.text}" for i, s in enumerate(d.steps, 1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one round per depth, up to L = 64")
    parser.add_argument("--max-depth", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds per depth (the entry-wise check: one "
                        "round past L = 16)")
    parser.add_argument("--entries-up-to", type=int, default=64, help="time the entry-wise check up to this depth")
    parser.add_argument("--old-steps-up-to", type=int, default=64, help="write the steps out up to this depth")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.max_depth = 1, min(args.max_depth, 64)
    depths = [L for L in (8, 16, 32, 64, 128) if L <= args.max_depth]
    print(f"Checking the gradient of an L-layer tanh MLP w.r.t. W1 (benchmarks/depth.py), L = {', '.join(map(str, depths))}; "
          f"matcalc {mc.__version__}")
    rows = []
    for L in depths:
        d = mc.derive(tanh_mlp(L), "W1")
        rounds = args.rounds if L <= 16 else 1
        entries = (lambda: d.check(method="entries")) if L <= args.entries_up_to else None
        (new, new_s), (old, old_s) = timed_pair(lambda: d.check(), entries, rounds)
        t0 = time.perf_counter()
        text = d.steps_text()
        steps_s = time.perf_counter() - t0
        old_len = old_steps_s = None
        if L <= args.old_steps_up_to:
            d = mc.derive(tanh_mlp(L), "W1")  # step texts are written once, when first read: a fresh derivation
            t0 = time.perf_counter()
            old_len = len(old_steps_text(d))
            old_steps_s = time.perf_counter() - t0
        rows.append(dict(L=L, new=new.status, new_s=new_s, old=old.status if old else "", old_s=old_s, steps=len(text),
                         steps_s=steps_s, old_steps=old_len, old_steps_s=old_steps_s))
        print(f"  L={L} done", file=sys.stderr, flush=True)

    head = (f"{'L':>4} | {'directional s':>13} {'verdict':>12} | {'entries s':>9} {'verdict':>12} | {'ratio':>6} | "
            f"{'steps chars':>11} {'s':>6} | {'written out':>11} {'s':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        ratio = f"{r['old_s'] / r['new_s']:>5.0f}x" if r["old_s"] else f"{'':>6}"
        old_s = f"{r['old_s']:>9.3f}" if r["old_s"] is not None else f"{'-':>9}"
        old_len = f"{r['old_steps']:>11} {r['old_steps_s']:>6.2f}" if r["old_steps"] else f"{'-':>11} {'-':>6}"
        print(f"{r['L']:>4} | {r['new_s']:>13.3f} {r['new']:>12} | {old_s} {r['old']:>12} | {ratio} | "
              f"{r['steps']:>11} {r['steps_s']:>6.2f} | {old_len}")
    print()
    print("seconds: median wall clock (the two checks alternated); ratio = entry-wise / directional; steps chars = "
          "len(d.steps_text()); written out = each step's own text (steps_text before shared subexpressions were named)")
    Ls = [r["L"] for r in rows]
    print()
    print("Growth exponents k (value ∝ L^k, least squares on log-log):")
    fits = [("steps_text length", Ls, [r["steps"] for r in rows]),
            ("steps written out", [r["L"] for r in rows if r["old_steps"]], [r["old_steps"] for r in rows if r["old_steps"]]),
            ("directional check time", Ls, [r["new_s"] for r in rows]),
            ("entry-wise check time", [r["L"] for r in rows if r["old_s"]], [r["old_s"] for r in rows if r["old_s"]])]
    for name, xs, values in fits:
        k = slope(xs, values)
        print(f"  {name:<26} " + (f"L^{k:.2f}" if k is not None else "too few points"))
    at64 = next((r for r in rows if r["L"] == 64), None)
    if at64:
        met = at64["new_s"] < TARGET_SECONDS and at64["new"] == "pass"
        print(f"\nTarget: the depth-64 MLP checks in under {TARGET_SECONDS:g} s: {at64['new_s']:.2f} s, "
              f"{at64['new']}  {'MET' if met else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
