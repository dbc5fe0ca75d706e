"""Differential soak: random well-shaped expressions, each derived and checked against finite differences.

    python benchmarks/soak.py --n 1000 --seed 0 [--depth 4]

Prints counts: correct, inconclusive (no valid random point), unsupported (by construct), wrong (with
the smallest failing expressions) and crashes (anything that is not a MatcalcError).
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402
from matcalc.expr import Add, Call, MatMul, Mul, Number, Power, Symbol, Transpose  # noqa: E402
from matcalc.functions import REGISTRY  # noqa: E402
from matcalc.shapes import SCALAR, Dim  # noqa: E402

N, M = Dim.of("n"), Dim.of("m")
ONE = Dim.of(1)
SMOOTH = ["exp", "sin", "cos", "tanh", "sigmoid", "softplus", "square", "arctan"]
POSITIVE = ["log", "sqrt"]
KINKED = ["relu", "abs", "leaky_relu"]


class Gen:
    """Random expressions of a requested shape over a fixed set of symbols."""

    def __init__(self, rng: random.Random, depth: int):
        self.rng, self.depth = rng, depth
        self.sym = {
            (N, ONE): [Symbol("x", (N, ONE)), Symbol("y", (N, ONE))],
            (M, ONE): [Symbol("z", (M, ONE))],
            (N, N): [Symbol("A", (N, N)), Symbol("S", (N, N), frozenset({"spd"}))],
            (N, M): [Symbol("B", (N, M))],
            (M, N): [Symbol("C", (M, N))],
            (M, M): [Symbol("D", (M, M))],
            SCALAR: [Symbol("c", SCALAR)],
        }

    def of(self, shape, depth: int):
        r = self.rng
        if depth <= 0 or r.random() < 0.25:
            if shape in self.sym:
                return r.choice(self.sym[shape])
            if shape == SCALAR:
                return Number(r.choice([2, 3, "1/2", -1]))
            return Transpose(self.of((shape[1], shape[0]), 0))
        kind = r.choice(["add", "mul", "matmul", "fn", "scale", "transpose", "reduce", "power", "sub"])
        d = depth - 1
        if kind == "add":
            return Add(self.of(shape, d), self.of(shape, d))
        if kind == "sub":
            return Add(self.of(shape, d), Mul(Number(-1), self.of(shape, d)))
        if kind == "mul":
            return Mul(self.of(shape, d), self.of(shape, d))
        if kind == "scale":
            return Mul(self.of(SCALAR, d), self.of(shape, d))
        if kind == "transpose":
            return Transpose(self.of((shape[1], shape[0]), d))
        if kind == "power":
            return Power(self.of(shape, d), Number(r.choice([2, 3])))
        if kind == "matmul":
            inner = r.choice([N, M, ONE])
            return MatMul(self.of((shape[0], inner), d), self.of((inner, shape[1]), d))
        if kind == "fn":
            name = r.choice(SMOOTH + POSITIVE + KINKED)
            arg = self.of(shape, d)
            if name in POSITIVE:
                arg = Add(Number(3), Mul(arg, arg))  # keep the argument positive
            return Call(REGISTRY[name], arg)
        if shape == SCALAR:  # reductions to a scalar
            choice = r.choice(["sum", "trace", "norm", "norm_fro", "logdet", "det", "quad"])
            if choice == "sum":
                return Call(REGISTRY["sum"], self.of(r.choice([(N, ONE), (N, M)]), d))
            if choice == "trace":
                return Call(REGISTRY["trace"], self.of((N, N), d))
            if choice == "norm":
                return Call(REGISTRY["norm"], self.of((N, ONE), d))
            if choice == "norm_fro":
                return Call(REGISTRY["norm_fro"], self.of((N, M), d))
            if choice in ("logdet", "det"):
                spd = self.sym[(N, N)][1]
                g = self.of((N, M), d)
                return Call(REGISTRY[choice], Add(spd, Mul(Number("1/10"), MatMul(g, Transpose(g)))))  # spd + G Gᵀ/10
            v = self.of((N, ONE), d)
            return MatMul(Transpose(v), self.of((N, N), d), v)
        if shape[0] == shape[1] and shape != SCALAR and r.random() < 0.5:
            spd = self.sym[(shape[0], shape[0])][-1] if shape == (N, N) else None
            if spd is not None:
                return Call(REGISTRY["inv"], Add(spd, Mul(Number("1/10"), self.of(shape, d), Transpose(self.of(shape, d)))))
        return self.of(shape, d)


def shrink(expr, wrt, still_fails):
    """Smallest failing subexpression that still contains the variable (greedy)."""
    best = expr
    changed = True
    while changed:
        changed = False
        for sub in best.args:
            if sub.args and any(s.name == wrt for s in mc.expr.symbols(sub)):
                if still_fails(sub):
                    best, changed = sub, True
                    break
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--depth", type=int, default=4)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    gen = Gen(rng, args.depth)
    counts: collections.Counter = collections.Counter()
    unsupported: collections.Counter = collections.Counter()
    wrong, crashes = [], []
    start = time.time()
    for _ in range(args.n):
        out_shape = rng.choice([SCALAR, SCALAR, (N, ONE), (N, N)])
        expr = gen.of(out_shape, args.depth)
        names = [s.name for s in mc.expr.symbols(expr) if s.name != "S"]
        if not names:
            counts["no variable"] += 1
            continue
        wrt = rng.choice(names)
        layout = rng.choice(["mixed", "numerator", "denominator"])

        def outcome(e):
            try:
                return mc.derive(e, wrt, layout=layout).check(trials=2).status
            except mc.UnsupportedError as err:
                return "unsupported:" + str(err).split("\n")[0]
            except mc.MatcalcError as err:
                return "error:" + str(err).split("\n")[0]

        try:
            status = outcome(expr)
        except Exception:  # noqa: BLE001 - the point of the soak is to find these
            crashes.append((str(expr), wrt, traceback.format_exc(limit=3)))
            counts["crash"] += 1
            continue
        if status == "pass":
            counts["correct"] += 1
        elif status == "inconclusive":
            counts["inconclusive"] += 1
        elif status.startswith("unsupported:"):
            counts["unsupported"] += 1
            unsupported[status.split(":", 1)[1]] += 1
        elif status.startswith("error:"):
            counts["error"] += 1
            unsupported[status] += 1
        else:
            counts["wrong"] += 1
            small = shrink(expr, wrt, lambda e: outcome(e) == "fail")
            wrong.append((str(small), wrt, layout))
    elapsed = time.time() - start
    print(f"soak: {args.n} expressions, seed {args.seed}, depth {args.depth}, {elapsed:.1f} s")
    for key in ("correct", "inconclusive", "unsupported", "error", "wrong", "crash", "no variable"):
        print(f"  {key:13} {counts[key]}")
    for reason, k in unsupported.most_common():
        print(f"    {k:5}  {reason}")
    for text, wrt, layout in wrong[:10]:
        print(f"  WRONG  d({text})/d{wrt} [{layout}]")
    for text, wrt, tb in crashes[:5]:
        print(f"  CRASH  d({text})/d{wrt}\n{tb}")
    return 1 if wrong or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
