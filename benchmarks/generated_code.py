"""Generated gradients vs hand-written NumPy, ``jax.jit(jax.grad(...))`` and ``torch.func.grad`` on the CPU.

    python benchmarks/generated_code.py [--quick] [--repeats 9] [--min-time 0.05] [--threads one|default]

matcalc derives each loss symbolically; ``Derivative.to_function()`` turns the closed form into a NumPy
function, which is timed side by side, in one process and on the same float64 data, with:

- a hand-written NumPy gradient, as a competent engineer writes it (1-D vectors, no copies);
- ``jax.jit(jax.grad(loss))`` with 64-bit floats enabled, inputs already on the device, ``block_until_ready``;
- ``torch.func.grad(loss)`` on float64 CPU tensors (plain, not compiled), inputs already converted.

Problems: least squares ``sum((X@w - y)**2)``, logistic regression in two spellings (softplus
``sum(log(1 + exp(-y * (X @ w))))`` with y = ±1, and the cross-entropy with y ∈ {0, 1}) for n samples × d
features, and a 2-layer MLP ``sum((W2 @ tanh(W1 @ X) - Y)**2)`` w.r.t. W1 (X: d × N batch). Every
implementation is first checked against the hand-written gradient (✓).

Timing: ``--repeats`` rounds; in each round every implementation is sampled once (a sample: at least
``--min-time`` seconds of back-to-back calls), the generated and the hand-written function side by
side, rounds alternately forwards and backwards. A time is the median of its samples; a ratio is the
median of the per-round ratios, so a slow spell of a busy machine hits both sides of it alike. The
headline ratio, generated / hand-written, is timed once more with the two alone (2 × repeats + 1
rounds of half-length samples: g h h g g h …), away from the peers' threads and caches. By
default OpenBLAS, PyTorch and XLA run one thread each: on a small machine shared with other jobs a
multi-threaded BLAS whose worker waits for a busy core can take 30 ms for a 0.3 ms product
(``--threads default`` to see it).

Target (performance issue): generated gradients within 1.3× of hand-written NumPy.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402

TARGET = 1.3  # generated / hand-written NumPy


# --------------------------------------------------------------------------------------------------
# the problems: matcalc expression, data, hand-written NumPy gradient, the same loss for JAX and PyTorch
# --------------------------------------------------------------------------------------------------


class Problem(NamedTuple):
    key: str
    title: str
    expr: str
    wrt: str
    args: tuple[str, ...]  # the peers' positional order; the variable first
    data: Callable[[np.random.Generator, tuple[int, ...]], dict[str, np.ndarray]]
    hand: Callable[..., np.ndarray]
    loss: Callable[..., Any]  # loss(ops, *args) for a namespace of sum/exp/log/tanh/sigmoid
    sizes: tuple[tuple[int, ...], ...]
    quick_sizes: tuple[tuple[int, ...], ...]
    size_label: Callable[[tuple[int, ...]], str]


def _linear_data(labels: str):
    def data(rng: np.random.Generator, size: tuple[int, ...]) -> dict[str, np.ndarray]:
        n, d = size
        X = rng.standard_normal((n, d))
        w_true = rng.standard_normal(d) / np.sqrt(d)
        w = rng.standard_normal(d) / np.sqrt(d)
        z = X @ w_true
        if labels == "real":
            y = z + 0.1 * rng.standard_normal(n)
        elif labels == "pm1":
            y = np.where(rng.random(n) < 1 / (1 + np.exp(-z)), 1.0, -1.0)
        else:
            y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
        return {"X": X, "y": y, "w": w}

    return data


def _mlp_data(rng: np.random.Generator, size: tuple[int, ...]) -> dict[str, np.ndarray]:
    d, batch, hidden, out = size
    X = rng.standard_normal((d, batch))
    W1 = rng.standard_normal((hidden, d)) / np.sqrt(d)
    W2 = rng.standard_normal((out, hidden)) / np.sqrt(hidden)
    Y = rng.standard_normal((out, batch))
    return {"X": X, "Y": Y, "W1": W1, "W2": W2}


# hand-written NumPy gradients
def hand_least_squares(X, y, w):
    return 2.0 * (X.T @ (X @ w - y))


def hand_logistic_softplus(X, y, w):
    # d/dz log(1 + exp(-z)) = -1 / (1 + exp(z)), z = y * (X @ w)
    return -(X.T @ (y / (1.0 + np.exp(y * (X @ w)))))


def hand_cross_entropy(X, y, w):
    return X.T @ (1.0 / (1.0 + np.exp(-(X @ w))) - y)


def hand_mlp(X, Y, W1, W2):
    H = np.tanh(W1 @ X)
    G = (W2.T @ (2.0 * (W2 @ H - Y))) * (1.0 - H * H)
    return G @ X.T


# the same losses for JAX and PyTorch (ops: sum, exp, log, tanh, sigmoid of the framework)
def loss_least_squares(ops, w, X, y):
    return ops.sum((X @ w - y) ** 2)


def loss_logistic_softplus(ops, w, X, y):
    return ops.sum(ops.log(1 + ops.exp(-y * (X @ w))))


def loss_cross_entropy(ops, w, X, y):
    p = ops.sigmoid(X @ w)
    return -ops.sum(y * ops.log(p) + (1 - y) * ops.log(1 - p))


def loss_mlp(ops, W1, W2, X, Y):
    return ops.sum((W2 @ ops.tanh(W1 @ X) - Y) ** 2)


_LINEAR_SIZES = ((1000, 100), (1000, 500), (10000, 100), (10000, 500))
_LINEAR_QUICK = ((1000, 100),)


def _linear_label(size):
    return f"n={size[0]} d={size[1]}"


def _mlp_label(size):
    return f"d={size[0]} N={size[1]} h={size[2]} o={size[3]}"


PROBLEMS = (
    Problem("lsq", "least squares", "sum((X@w - y)**2)", "w", ("w", "X", "y"), _linear_data("real"),
            hand_least_squares, loss_least_squares, _LINEAR_SIZES, _LINEAR_QUICK, _linear_label),
    Problem("logistic", "logistic (softplus)", "sum(log(1 + exp(-y * (X @ w))))", "w", ("w", "X", "y"),
            _linear_data("pm1"), hand_logistic_softplus, loss_logistic_softplus, _LINEAR_SIZES, _LINEAR_QUICK,
            _linear_label),
    Problem("xent", "logistic (cross-entropy)", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w",
            ("w", "X", "y"), _linear_data("01"), hand_cross_entropy, loss_cross_entropy, _LINEAR_SIZES, _LINEAR_QUICK,
            _linear_label),
    Problem("mlp", "2-layer MLP (wrt W1)", "sum((W2 @ tanh(W1 @ X) - Y)**2)", "W1", ("W1", "W2", "X", "Y"), _mlp_data,
            hand_mlp, loss_mlp, ((100, 1000, 256, 10), (100, 10000, 256, 10)), ((100, 1000, 256, 10),), _mlp_label),
)


# --------------------------------------------------------------------------------------------------
# the peers, imported only when asked for
# --------------------------------------------------------------------------------------------------


class _Ops(NamedTuple):
    sum: Callable
    exp: Callable
    log: Callable
    tanh: Callable
    sigmoid: Callable


def load_jax():
    try:
        import jax

        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
    except ImportError:
        return None, "not installed"
    except Exception as exc:  # a broken install
        return None, f"unavailable ({type(exc).__name__}: {exc})"
    ops = _Ops(jnp.sum, jnp.exp, jnp.log, jnp.tanh, jax.nn.sigmoid)
    return (jax, jnp, ops), f"jax {jax.__version__} ({jax.devices()[0].platform}, x64)"


def load_torch():
    try:
        import torch
        import torch.func  # noqa: F401
    except ImportError:
        return None, "not installed"
    except Exception as exc:
        return None, f"unavailable ({type(exc).__name__}: {exc})"
    ops = _Ops(torch.sum, torch.exp, torch.log, torch.tanh, torch.sigmoid)
    return (torch, ops), f"torch {torch.__version__} ({torch.get_num_threads()} threads, float64)"


# --------------------------------------------------------------------------------------------------
# timing (also used by hessians.py)
# --------------------------------------------------------------------------------------------------


def single_thread() -> str:
    """Pin NumPy's OpenBLAS, PyTorch and XLA to one thread each (best effort); say what was done.

    On a small, shared machine a multi-threaded BLAS whose threads wait for a core held by another job
    is slowed by up to 10×, at random; one thread per library gives steadier, per-core figures.
    """
    done = []
    try:  # OpenBLAS (NumPy's wheels: scipy-openblas) through its C API; the library is already loaded
        import ctypes

        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and "/" in line}
        for path in paths:
            lib = ctypes.CDLL(path)
            for prefix in ("scipy_openblas_", "openblas_"):
                for suffix in ("64_", ""):
                    setter = getattr(lib, f"{prefix}set_num_threads{suffix}", None)
                    if setter is not None:
                        setter(1)
                        done.append("OpenBLAS")
                        break
                else:
                    continue
                break
    except OSError:
        pass
    if "OpenBLAS" not in done:
        done.append("OpenBLAS unchanged (not found)")
    if "jax" in sys.modules:  # too late to set: say whether an earlier call did
        flags = os.environ.get("XLA_FLAGS", "")
        done.append("XLA" if "intra_op_parallelism_threads=1" in flags else "XLA unchanged (JAX imported before)")
    else:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()
        done.append("XLA")
    try:
        import torch

        torch.set_num_threads(1)
        done.append("torch")
    except Exception:
        pass
    return "one thread: " + ", ".join(done)


def run_calls(fn: Callable[[], Any], number: int) -> float:
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return time.perf_counter() - start
    finally:
        if enabled:
            gc.enable()


def calibrate(fn: Callable[[], Any], min_time: float) -> int:
    """The number of calls (1, 2, 5, 10, 20, ...) that take at least min_time, as timeit.autorange."""
    i = 1
    while True:
        for j in (1, 2, 5):
            number = i * j
            if run_calls(fn, number) >= min_time:
                return number
        i *= 10


class Timing(NamedTuple):
    seconds: dict[str, float]  # the median seconds per call of each function
    samples: dict[str, list[float]]  # seconds per call, one sample per round

    def ratio(self, name: str, reference: str) -> float:
        """The median over rounds of name / reference: a paired ratio, the two sampled side by side."""
        return statistics.median(a / b for a, b in zip(self.samples[name], self.samples[reference]))


def time_all(fns: dict[str, Callable[[], Any]], repeats: int, min_time: float,
             numbers: dict[str, int] | None = None) -> Timing:
    """Time each function in `repeats` rounds; in each round every function is sampled once.

    The rounds go through `fns` in its order and in reverse, alternately: functions next to each other
    are sampled side by side (their ratio is then paired), and each meets both of its neighbours first.
    A sample is `number` back-to-back calls taking at least min_time (calibrated as timeit.autorange,
    unless `numbers` gives it).
    """
    numbers = dict(numbers or {})
    for name, fn in fns.items():
        if name not in numbers:
            numbers[name] = calibrate(fn, min_time)
    samples: dict[str, list[float]] = {name: [] for name in fns}
    names = list(fns)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            samples[name].append(run_calls(fns[name], numbers[name]) / numbers[name])
    return Timing({name: statistics.median(values) for name, values in samples.items()}, samples)


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.4f}" if ms < 0.1 else f"{ms:.3f}" if ms < 10 else f"{ms:.1f}"


def environment(repeats: int, min_time: float) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"python {platform.python_version()}, numpy {np.__version__}, matcalc {getattr(mc, '__version__', '?')}; "
            f"{os.cpu_count()} CPUs, load average {load:.2f}; "
            f"median of {repeats} rounds, each sample >= {min_time:g} s of calls, implementations interleaved")


def agree(result: np.ndarray, reference: np.ndarray) -> tuple[bool, float]:
    result = np.asarray(result, dtype=float).reshape(reference.shape)
    scale = max(float(np.max(np.abs(reference))), 1e-300)
    error = float(np.max(np.abs(result - reference))) / scale
    return bool(np.allclose(result, reference, rtol=1e-7, atol=1e-10 * scale)), error


# --------------------------------------------------------------------------------------------------


def source_body(source: str) -> list[str]:
    """The statements of a generated function: what follows its docstring and the argument conversions."""
    lines = source.splitlines()
    quotes = [i for i, line in enumerate(lines) if '"""' in line]
    start = quotes[1] + 1 if len(quotes) >= 2 else 0
    return [line.strip() for line in lines[start:] if line.strip() and "np.asarray(" not in line]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the smallest sizes only, 5 rounds of shorter samples")
    parser.add_argument("--repeats", type=int, default=None,
                        help="rounds of samples (default 9, quick 5); generated vs hand alone: 2 × repeats + 1")
    parser.add_argument("--min-time", type=float, default=None, help="seconds per sample (default 0.05, quick 0.02)")
    parser.add_argument("--threads", choices=["one", "default"], default="one",
                        help="one thread each for OpenBLAS, PyTorch and XLA (default), or the libraries' defaults")
    parser.add_argument("--only", choices=[p.key for p in PROBLEMS], action="append", help="run only these problems")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    repeats = args.repeats or (5 if args.quick else 9)
    pair_repeats = 2 * repeats + 1
    min_time = args.min_time or (0.02 if args.quick else 0.05)
    problems = [p for p in PROBLEMS if not args.only or p.key in args.only]

    threads = single_thread() if args.threads == "one" else "threads: the libraries' defaults"
    jax_peer, jax_info = load_jax()
    torch_peer, torch_info = load_torch()
    print(environment(repeats, min_time))
    print(f"{threads}; JAX: {jax_info}; PyTorch: {torch_info}\n")

    columns = ["generated", "hand NumPy", "jax.jit(grad)", "torch.func.grad"]
    rows: list[tuple[str, str, Timing, dict[str, str], float]] = []
    failures: list[str] = []
    rng = np.random.default_rng(args.seed)

    for problem in problems:
        d = mc.gradient(problem.expr, problem.wrt)
        generated = d.to_function()
        print(f"{problem.title}: ∂/∂{problem.wrt} {problem.expr}")
        print(f"  matcalc: {d}")
        for line in source_body(d.to_source()):
            print(f"    | {line}")
        jax_grad = torch_grad = None
        if jax_peer is not None:
            jax, jnp, ops = jax_peer
            jax_grad = jax.jit(jax.grad(lambda *a, _loss=problem.loss, _ops=ops: _loss(_ops, *a)))
        if torch_peer is not None:
            torch, tops = torch_peer
            torch_grad = torch.func.grad(lambda *a, _loss=problem.loss, _ops=tops: _loss(_ops, *a))

        for size in problem.quick_sizes if args.quick else problem.sizes:
            label = problem.size_label(size)
            values = problem.data(rng, size)
            fns: dict[str, Callable[[], Any]] = {
                "generated": lambda g=generated, v=values: g(**v),
                "hand NumPy": lambda h=problem.hand, v=values: h(**v),
            }
            outputs: dict[str, Callable[[], np.ndarray]] = {
                "generated": lambda f=fns["generated"]: np.asarray(f()),
                "hand NumPy": lambda f=fns["hand NumPy"]: np.asarray(f()),
            }
            if jax_grad is not None:
                jargs = [jnp.asarray(values[name]) for name in problem.args]
                fns["jax.jit(grad)"] = lambda g=jax_grad, a=jargs: g(*a).block_until_ready()
                outputs["jax.jit(grad)"] = lambda f=fns["jax.jit(grad)"]: np.asarray(f())
            if torch_grad is not None:
                targs = [torch.from_numpy(np.ascontiguousarray(values[name])) for name in problem.args]
                fns["torch.func.grad"] = lambda g=torch_grad, a=targs: g(*a)
                outputs["torch.func.grad"] = lambda f=fns["torch.func.grad"]: f().numpy()

            reference = outputs["hand NumPy"]()
            marks: dict[str, str] = {}
            for name, out in outputs.items():
                ok, err = agree(out(), reference)  # the first call also compiles (JAX)
                marks[name] = "✓" if ok else "✗"
                if not ok:
                    failures.append(f"{problem.title} {label}: {name} differs from hand NumPy (max rel. error {err:.1e})")
            # sampled with the two NumPy functions side by side, in the middle
            order = [name for name in ("jax.jit(grad)", "generated", "hand NumPy", "torch.func.grad") if name in fns]
            timing = time_all({name: fns[name] for name in order}, repeats, min_time)
            # the headline ratio: the two NumPy functions alone, in more and shorter rounds (g h h g g h ...)
            pair = time_all({name: fns[name] for name in ("generated", "hand NumPy")}, pair_repeats, min_time / 2)
            alone = pair.ratio("generated", "hand NumPy")
            rows.append((problem.title, label, timing, marks, alone))
            cells = "  ".join(f"{name} {fmt_ms(timing.seconds[name])} ms ({timing.ratio(name, 'hand NumPy'):.2f}×)"
                              for name in fns)
            print(f"  {label:<24} {''.join(marks.values())}  {cells}  generated/hand alone {alone:.2f}×", flush=True)
        print()

    # the table
    width = 25
    header = f"{'problem':<25} {'size':<24}" + "".join(f"{c:>{width}}" for c in columns) + f"{'gen/hand alone':>16}"
    print("ms per gradient call (× hand-written NumPy, the median of per-round ratios); ✓ = agrees with hand-written NumPy;")
    print(f"gen/hand alone: generated / hand-written NumPy timed without the peers, {pair_repeats} rounds (the headline)")
    print(header)
    print("-" * len(header))
    for title, label, timing, marks, alone in rows:
        cells = []
        for c in columns:
            if c in timing.seconds:
                cells.append(f"{fmt_ms(timing.seconds[c])} ({timing.ratio(c, 'hand NumPy'):5.2f}×) {marks[c]}")
            else:
                cells.append("not installed")
        print(f"{title:<25} {label:<24}" + "".join(f"{cell:>{width}}" for cell in cells) + f"{alone:15.2f}×")
    print()

    # headline ratios
    if rows:
        ratios = [(alone, title, label) for title, label, _, _, alone in rows]
        worst = max(ratios)
        geo = float(np.exp(np.mean(np.log([r for r, _, _ in ratios]))))
        print(f"generated / hand-written NumPy (timed alone): worst {worst[0]:.2f}× ({worst[1]}, {worst[2]}), "
              f"best {min(ratios)[0]:.2f}×, geometric mean {geo:.2f}×")
        among = [timing.ratio("generated", "hand NumPy") for _, _, timing, _, _ in rows]
        print(f"generated / hand-written NumPy (in the rounds with the peers): {min(among):.2f}× … {max(among):.2f}×")
        for peer in columns[2:]:
            peer_ratios = [timing.ratio(peer, "generated") for _, _, timing, _, _ in rows if peer in timing.seconds]
            if peer_ratios:
                print(f"{peer} / generated: {min(peer_ratios):.2f}× … {max(peer_ratios):.2f}× "
                      f"(geometric mean {float(np.exp(np.mean(np.log(peer_ratios)))):.2f}×)")
            else:
                print(f"{peer}: not installed")
        verdict = "MET" if worst[0] <= TARGET else "NOT MET"
        print(f"target: generated gradients within {TARGET}× of hand-written NumPy: {verdict} (worst {worst[0]:.2f}×)")
    for failure in failures:
        print(f"MISMATCH: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
