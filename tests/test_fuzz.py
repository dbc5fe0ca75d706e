"""Fuzzing the parser, the derivation API and the command line (the reliability issue).

Random bytes, random Unicode, token soup from the grammar's tokens, near-valid expressions with unsupported
constructs spliced in, and a table of fixed hostile inputs (10^4 nested brackets or calls, 1 MB inputs, huge
exponents and numbers, NUL bytes, names that shadow functions, unsupported constructs in every position: the
expression, the variable, the answer and the declarations). Every case must end in a result or a
``MatcalcError`` whose message is non-empty (with a caret line under the input when it has a position), within
a bounded time; the command line must exit 0, 1, 2 or 3 and never print a traceback.

The fixed hostile cases run each in a forked child (on Linux) with a CPU-time limit of ``CPU_BOUND`` seconds and
an address-space limit, and each command under the same limits, so a hang or a memory bomb fails that one case
quickly, whatever the machine's load (CPU time, unlike the wall clock, does not grow when the machine is busy). A
case may carry a larger ``cpu_bound`` when its input is large but legal (a 5000-factor chain graded by numbers).

A failure found later is marked ``xfail(strict=True)`` with the input and what happens until it is fixed; the
fix makes the case XPASS, which fails the run, and the mark is removed.
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import random
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for_connections
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import matcalc as mc
from matcalc import cli
from matcalc.functions import ALIASES, REGISTRY

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None

ROOT = Path(__file__).resolve().parent.parent
BOUND = 10  # seconds of wall-clock time one in-process example may take
CPU_BOUND = 5  # seconds of CPU time one isolated case or one command may take (whole seconds: RLIMIT_CPU)
WALL_LIMIT = 60  # seconds of wall-clock time before a child or a command is killed whatever its CPU use
MEMORY_HEADROOM = 3 << 30  # bytes of address space a child may add to what the test process already maps
ISOLATED = sys.platform.startswith("linux") and resource is not None and "fork" in multiprocessing.get_all_start_methods()
CLI_ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
ALLOWED_EXIT = {0, 1, 2, 3}

# derandomized: CI sees the same examples on every run (raise max_examples locally to explore)
FUZZ = settings(max_examples=300, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ---------------------------------------------------------------- what a good ending looks like

def error_problem(err: mc.MatcalcError) -> str | None:
    """What is wrong with the message of a MatcalcError, or None: it must be non-empty, and an error that knows
    its position must end with the input line and a caret under that position."""
    message = str(err)
    if not message.strip():
        return f"{type(err).__name__} with an empty message"
    if "Traceback" in message or "Token(" in message:
        return f"{type(err).__name__} message leaks internals: {message[:200]!r}"
    pos, text = getattr(err, "pos", None), getattr(err, "text", "")
    if pos is not None and text:
        if not 0 <= pos <= len(text):
            return f"{type(err).__name__} position {pos} is outside the input (length {len(text)})"
        lines = message.split("\n")
        if len(lines) < 3 or lines[-1].strip() != "^" or not lines[-1].startswith("  "):
            return f"{type(err).__name__} has a position ({pos}) but no caret line: {message[-300:]!r}"
        if len(lines[-1]) > len(lines[-2]) + 1:
            return f"{type(err).__name__} caret points past the end of the excerpt: {message[-300:]!r}"
        if not getattr(err, "reason", "").strip() or not message.startswith(err.reason):
            return f"{type(err).__name__} message does not start with its reason: {message[:200]!r}"
    return None


def render(value) -> str:
    """Print a result every way a user would, so the printers are fuzzed too."""
    if isinstance(value, mc.Expr):
        return "\n".join((mc.to_text(value), mc.to_math(value), mc.to_latex(value), mc.assumptions(value)))
    if isinstance(value, mc.Derivative | mc.Hessian):
        return "\n".join((value.describe(), value.latex()))
    return str(value)


def in_process(call) -> str:
    """Run `call` here: a result (rendered) or a well-formed MatcalcError, within BOUND seconds; any other
    exception propagates and fails the test. Returns a one-line summary."""
    start = time.monotonic()
    try:
        summary = "result: " + render(call())[:80]
    except mc.MatcalcError as err:
        problem = error_problem(err)
        assert problem is None, problem
        summary = f"{type(err).__name__}: {str(err)[:80]}"
    elapsed = time.monotonic() - start
    assert elapsed < BOUND, f"took {elapsed:.1f} s (bound {BOUND} s)"
    event(summary.split(":", 1)[0])  # --hypothesis-show-statistics: how many examples got how far
    return summary


# ---------------------------------------------------------------- tokens of the grammar

NAMES = ["x", "y", "z", "b", "c", "w", "A", "B", "X", "W", "Phi", "theta", "I", "T", "n", "θ", "Φ", "x1", "A_2", "where"]
NUMBERS = ["0", "1", "2", "0.5", "1.", ".5", "3e2", "1e-3", "1E+2", "99999999", "1e400", "1e401", "9" * 60]
OPERATORS = [
    "+", "-", "−", "*", "/", "@", "**", "^", "'", "’", ".T", "ᵀ", "⊤", "⁻¹", "²", "³", "(", ")", "[", "]", "{", "}",
    ",", ";", ":", "|", "||", "‖", "∘", "⊙", "⊗", "⊘", "·", ".*", "./", ".^", "_F", "_2", "_{fro}", "^T", "^{-1}",
]
FUNCTIONS = sorted(REGISTRY) + sorted(ALIASES) + ["np.exp", "np.linalg.inv", "commutation", "foo"]
DECLARATIONS = [
    "x: scalar", "c, b: scalar", "A: symmetric", "A: matrix(n, n)", "X: spd", "w: vector(3)", "A: invertible",
    "D: diagonal", "p: positive", "x: covector(n)", "matrix(n, m)", "vector", ":", ";", ",", "exp: scalar", "tr: matrix",
]
TOKENS = NAMES + NUMBERS + OPERATORS + FUNCTIONS + [f + "(" for f in FUNCTIONS] + DECLARATIONS
VARIABLES = ["x", "y", "A", "X", "c", "theta", "W", "exp", "tr", "sum", "x.T", "", "1", "x y", "\x00"]


def soup(tokens, max_size=30):
    pieces = st.lists(st.tuples(st.sampled_from(tokens), st.sampled_from(["", "", " "])), min_size=1, max_size=max_size)
    return pieces.map(lambda ps: "".join(t + sep for t, sep in ps))


def decoded_bytes():
    codecs = st.sampled_from([("utf-8", "replace"), ("utf-8", "surrogateescape"), ("latin-1", "strict")])
    return st.tuples(st.binary(max_size=300), codecs).map(lambda t: t[0].decode(t[1][0], errors=t[1][1]))


token_soup = soup(TOKENS)
where_soup = soup(DECLARATIONS + NAMES + NUMBERS + [",", ";", ":", "(", ")", " "], max_size=12)
# Unicode text biased towards the characters the grammar knows
unicode_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.text(alphabet=st.sampled_from("".join(TOKENS) + " \t\n\r\x00\u00a0\u2028\ufeff\u202e😀"), max_size=300),
)

# near-valid expressions: the grammar's shapes, with unsupported constructs spliced in at random places
LEAVES = ["x", "y", "A", "B", "c", "I", "1", "2", "0.5", "b", "w", "X", "x.T", "A'", "Aᵀ", "A⁻¹", "x²"]
BINARY = [" + ", " - ", " * ", " / ", " @ ", " ", " ∘ ", " ⊗ ", " ⊘ ", " .* ", " ./ "]
POSTFIX = [".T", "'", "ᵀ", "⁻¹", "²", "^T", "^2", "^-1", "^{T}", "**2", ".^2", "^n", "**-1", "**0.5", "^0", "^17"]
SPLICES = ["x[1]", "[1]", "kron(x, A)", "kron(A, x)", "vec(A)", "vec(x.T@A@x)", "A^0.5", "A^{1/2}", "exp", "tr", "sum",
           "\x00", "(", ")", "||", "‖", "@", "'", "^", "1e401", "x**99999999", "A^99999999", "commutation(n, n)"]


def _extend(children):
    pairs = st.tuples(children, children)
    return st.one_of(
        st.tuples(children, st.sampled_from(BINARY), children).map("".join),
        st.tuples(st.sampled_from(FUNCTIONS), children).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(st.sampled_from(["kron", "commutation", "max", "norm"]), pairs).map(lambda t: f"{t[0]}({t[1][0]}, {t[1][1]})"),
        children.map(lambda s: f"({s})"),
        st.tuples(children, st.sampled_from(POSTFIX)).map("".join),
        st.tuples(st.sampled_from(["||", "‖"]), children, st.sampled_from(["", "_F", "_1", "^2"])).map(
            lambda t: f"{t[0]}{t[1]}{t[0]}{t[2]}"),
        pairs.map(lambda t: f"[{t[0]}, {t[1]}]"),
        children.map(lambda s: f"-{s}"),
    )


def _splice(t):
    text, at, piece, do = t
    if not do:
        return text
    at %= len(text) + 1
    return text[:at] + piece + text[at:]


near_valid = st.tuples(
    st.recursive(st.sampled_from(LEAVES), _extend, max_leaves=8), st.integers(0, 10**6), st.sampled_from(SPLICES),
    st.booleans(),
).map(_splice)


# ---------------------------------------------------------------- 1. property tests (in-process)

@FUZZ
@given(decoded_bytes())
def test_parse_random_bytes(text):
    in_process(lambda: mc.parse(text))


@FUZZ
@given(unicode_text)
def test_parse_random_unicode(text):
    in_process(lambda: mc.parse(text))


@FUZZ
@given(token_soup)
def test_parse_token_soup(text):
    in_process(lambda: mc.parse(text))


@FUZZ
@given(token_soup, where_soup)
def test_parse_token_soup_with_declaration_soup(text, where):
    in_process(lambda: mc.parse(text, where=where))


@FUZZ
@given(st.one_of(token_soup, decoded_bytes(), unicode_text), st.sampled_from(VARIABLES),
       st.sampled_from(["mixed", "numerator", "denominator"]))
def test_derive_token_soup(text, wrt, layout):
    in_process(lambda: mc.derive(text, wrt, layout=layout))


@FUZZ
@given(near_valid)
def test_parse_near_valid(text):
    in_process(lambda: mc.parse(text))


@FUZZ
@given(near_valid, st.sampled_from(["x", "A", "c", "X", "w", "exp"]), st.sampled_from(["mixed", "numerator", "denominator"]))
def test_derive_near_valid(text, wrt, layout):
    in_process(lambda: mc.derive(text, wrt, layout=layout))


@FUZZ
@given(near_valid, st.sampled_from(["x", "A", "c"]))
def test_hessian_near_valid(text, wrt):
    in_process(lambda: mc.hessian(text, wrt))


@FUZZ
@given(st.sampled_from(["x.T@A@x", "||y - Phi theta||^2", "tr(X.T@A@X)", "sum(exp(x))"]), near_valid)
def test_check_answer_near_valid_answers(question, answer):
    wrt = {"||y - Phi theta||^2": "theta", "tr(X.T@A@X)": "X"}.get(question, "x")
    in_process(lambda: mc.check_answer(question, wrt, answer))


@FUZZ
@given(near_valid, st.sampled_from(["x", "A", "c", "X"]), near_valid)
def test_check_answer_near_valid_questions(question, wrt, answer):
    in_process(lambda: mc.check_answer(question, wrt, answer))


# ---------------------------------------------------------------- 2. fixed hostile cases (isolated children)

@dataclass
class Case:
    id: str
    op: str  # parse | derive | derive+check | hessian | check_answer | evaluate
    text: str
    wrt: str = "x"
    where: str | None = None
    answer: str = "x"
    xfail: str | None = None
    cpu_bound: int = CPU_BOUND  # a few large-but-legal inputs get more, still well within MAX_SECONDS


@dataclass
class Outcome:
    kind: str  # result | error (a MatcalcError) | crash (any other exception) | killed (over a bound)
    name: str  # the type of the result or of the exception
    message: str
    problem: str | None = None  # what is wrong with a MatcalcError's message
    cpu: float = 0.0
    wall: float = 0.0
    where: list[str] = field(default_factory=list)  # the innermost frames of a crash

    def __str__(self):
        frames = "".join(f"\n    {f}" for f in self.where)
        return f"{self.kind} {self.name} after {self.cpu:.2f} s CPU, {self.wall:.2f} s wall: {self.message[:300]!r}{frames}"


def _perform(case: Case):
    if case.op == "parse":
        return mc.parse(case.text, case.where)
    if case.op == "derive":
        return mc.derive(case.text, case.wrt, where=case.where)
    if case.op == "derive+check":
        return mc.derive(case.text, case.wrt, where=case.where).check(trials=1)
    if case.op == "hessian":
        return mc.hessian(case.text, case.wrt, where=case.where)
    if case.op == "check_answer":
        return mc.check_answer(case.text, case.wrt, case.answer, where=case.where)
    if case.op == "evaluate":
        return mc.evaluate(case.text, {"c": 2.0}, where=case.where)
    raise ValueError(case.op)


def attempt(case: Case) -> Outcome:
    cpu, wall = time.process_time(), time.monotonic()
    try:
        value = _perform(case)
        outcome = Outcome("result", type(value).__name__, render(value)[:500])
    except mc.MatcalcError as err:
        outcome = Outcome("error", type(err).__name__, str(err)[:500], error_problem(err))
    except BaseException as err:  # noqa: B036 - RecursionError, MemoryError, ...: all are crashes here
        frames = traceback.extract_tb(err.__traceback__)[-3:]
        outcome = Outcome("crash", type(err).__name__, str(err)[:500],
                          where=[f"{Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames])
    outcome.cpu, outcome.wall = time.process_time() - cpu, time.monotonic() - wall
    return outcome


def _child(conn, case: Case, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (case.cpu_bound, case.cpu_bound + 5))  # SIGXCPU ends the child
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))  # a memory bomb is a MemoryError, not the OOM killer
    o = attempt(case)
    conn.send((o.kind, o.name, o.message, o.problem, o.cpu, o.wall, o.where))
    conn.close()


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def run_isolated(cases: list[Case], jobs: int = 2) -> dict[str, Outcome]:
    """Each case in a forked child under the CPU and memory limits, `jobs` at a time (main thread only)."""
    if not ISOLATED:  # pragma: no cover - elsewhere: in-process, timed by the wall clock
        return {c.id: attempt(c) for c in cases}
    ctx = multiprocessing.get_context("fork")
    memory = _address_space() + MEMORY_HEADROOM
    pending, running, done = list(cases), {}, {}
    while pending or running:
        while pending and len(running) < jobs:
            case = pending.pop(0)
            receiver, sender = ctx.Pipe(duplex=False)
            child = ctx.Process(target=_child, args=(sender, case, memory), daemon=True)
            child.start()
            sender.close()
            running[receiver] = (case, child, time.monotonic())
        for conn in wait_for_connections(list(running), timeout=1.0):
            case, child, start = running.pop(conn)
            try:
                done[case.id] = Outcome(*conn.recv())
            except EOFError:  # the child died: over the CPU limit, or killed
                child.join(5)
                done[case.id] = Outcome("killed", f"exit code {child.exitcode}", "the child ended without a result "
                                        f"(CPU limit {case.cpu_bound} s)", wall=time.monotonic() - start)
            child.join(5)
            conn.close()
        for conn, (case, child, start) in list(running.items()):
            if time.monotonic() - start > WALL_LIMIT:
                child.kill()
                child.join()
                running.pop(conn)
                done[case.id] = Outcome("killed", "wall clock", f"still running after {WALL_LIMIT} s", wall=WALL_LIMIT)
    return done


N = 10_000
XTAX = "x.T@A@x"
CASES = [
    # brackets and calls nested 10^4 deep (refused by length or depth before parsing)
    *[Case(f"parens-1e4-{op}", op, "(" * N + "x" + ")" * N) for op in ("parse", "derive", "hessian", "check_answer")],
    *[Case(f"exp-calls-1e4-{op}", op, "exp(" * N + "x" + ")" * N) for op in ("parse", "derive", "hessian", "check_answer")],
    Case("parens-1e4-in-answer", "check_answer", XTAX, answer="(" * N + "x" + ")" * N),
    Case("parens-1e4-in-where", "parse", XTAX, where="A: matrix" + "(" * N + "n, n" + ")" * N),
    Case("parens-200", "derive", "(" * 200 + XTAX + ")" * 200),
    Case("brackets-150", "derive", "[" * 150 + "x" + "]" * 150),
    Case("parens-9999", "parse", "(" * 9_999 + "x" + ")" * 9_999),
    Case("exp-calls-3999", "derive", "exp(" * 3_999 + "x" + ")" * 3_999),
    Case("norm-bars-9999-parse", "parse", "‖" * 9_999 + "x" + "‖" * 9_999),
    Case("norm-bars-9999-derive", "derive", "‖" * 9_999 + "x" + "‖" * 9_999),
    Case("neg-norm-bars-6000", "hessian", "-‖" * 6_000 + "x" + "‖" * 6_000),
    Case("exp-calls-199-derive", "derive", "exp(" * 199 + "x" + ")" * 199),
    Case("exp-calls-199-hessian", "hessian", "sum(" + "exp(" * 198 + "x" + ")" * 199),
    Case("inv-calls-10", "derive", "inv(" * 10 + "A" + ")" * 10, wrt="A"),
    Case("neg-exp-calls-199-derive", "derive", "-exp(" * 199 + "x" + ")" * 199),
    # printing results nested a few dozen levels deep (matcalc show prints the math form)
    Case("inv-calls-25-show", "parse", "inv(" * 25 + "A" + ")" * 25),
    Case("kron-chain-25-show", "parse", "A" + "⊗A" * 25),
    # 1 MB inputs, in every position
    *[Case(f"1MB-sum-{op}", op, "x+" * 500_000 + "x") for op in ("parse", "derive", "hessian", "check_answer")],
    *[Case(f"1MB-name-{op}", op, "x" * 1_000_000) for op in ("parse", "derive", "check_answer")],
    Case("1MB-variable", "derive", XTAX, wrt="x" * 1_000_000),
    Case("1MB-answer", "check_answer", XTAX, answer="x+" * 500_000 + "x"),
    Case("1MB-where", "parse", XTAX, where="A: symmetric;" * 80_000),
    # at the length limit: long flat chains and long unary chains
    Case("sum-5000-derive", "derive", "x" + " + x" * 4999),
    Case("name-20000", "derive", "x" * 20_000, wrt="x" * 20_000),
    Case("minus-19000-parse", "parse", "-" * 19_000 + "x"),
    Case("minus-19000-derive", "derive", "-" * 19_000 + "x"),
    Case("reciprocals-6000", "derive", "1/" * 6000 + "x"),
    Case("divisions-100", "check_answer", "c" + "/c" * 100, wrt="c", where="c: scalar"),
    Case("norm-bars-1000", "derive", "‖" * 1000 + "x" + "‖" * 1000),
    Case("caret-chain-2000", "parse", "x" + "^2" * 2000),
    Case("inverse-superscripts-1000", "derive", "A" + "⁻¹" * 1000, wrt="A"),
    Case("quotes-19990", "parse", "x" + "'" * 19_990),
    Case("power-chain-2000-derive", "derive", "x" + "**2" * 2000),
    Case("juxtaposition-chain-5000-derive", "derive", "x.T" + " A" * 5000 + " x"),
    # 5000 factors: deriving, then evaluating 15 000 nodes at every sample point takes ~6 s
    Case("juxtaposition-chain-5000-check", "check_answer", "x.T" + " A" * 5000 + " x", cpu_bound=20),
    Case("hadamard-chain-6000", "derive", "x" + "∘x" * 6000),
    # huge exponents and numbers
    *[Case(f"x**99999999-{op}", op, "x**99999999") for op in ("parse", "derive", "derive+check", "check_answer")],
    Case("sum(x**99999999)-hessian", "hessian", "sum(x**99999999)"),
    Case("c**99999999-evaluate", "evaluate", "c**99999999", where="c: scalar"),
    *[Case(f"A^99999999-{op}", op, "A^99999999", wrt="A") for op in ("parse", "derive", "hessian", "check_answer")],
    Case("A^-99999999", "parse", "A^-99999999"),
    Case("A**99999999", "derive", "A**99999999", wrt="A"),
    Case("A-superscript-999999", "parse", "A⁹⁹⁹⁹⁹⁹"),
    Case("A-superscript-minus-999999", "parse", "A⁻⁹⁹⁹⁹⁹⁹"),
    Case("x^99999999", "parse", "x^99999999"),
    Case("1e999999", "parse", "1e999999"),
    Case("1e999999*x", "derive", "1e999999 * x"),
    Case("1e-999999*x", "derive", "1e-999999 * x"),
    Case("digits-100000", "parse", "9" * 100_000),
    Case("digits-19999", "parse", "9" * 19_999),
    Case("digits-400", "derive", "9" * 400 + " * x"),
    Case("1e400*x-derive", "derive", "1e400 * x"),
    Case("1e-400*x-check", "derive+check", "1e-400 * x"),
    Case("1e400*x-check", "derive+check", "1e400 * x"),
    Case("1e400-evaluate", "evaluate", "1e400"),
    Case("x**1e400-check_answer", "check_answer", "x**1e400"),
    Case("x**9x400-check_answer", "check_answer", "x**" + "9" * 400),
    Case("2**99999999-evaluate", "evaluate", "2**99999999"),
    # NUL bytes in every position
    Case("nul-first", "parse", "\x00" + XTAX),
    Case("nul-middle", "derive", "x.T@\x00A@x"),
    Case("nul-last", "hessian", XTAX + "\x00"),
    Case("nul-only", "check_answer", "\x00"),
    Case("nul-in-variable", "derive", XTAX, wrt="x\x00"),
    Case("nul-in-answer", "check_answer", XTAX, answer="2*A@x\x00"),
    Case("nul-in-where", "parse", XTAX, where="A: symmetric\x00"),
    # names that shadow functions
    *[Case(f"shadow-{i}", "parse", text) for i, text in enumerate(
        ["exp + x", "exp x", "exp", "x * exp", "exp(exp)", "tr(tr)", "tr x", "sum.T @ x", "sum(sum)", "sum", "log'",
         "σ", "norm + x", "kron", "I(x)", "T(x)", "np.exp", "np.linalg.inv(A)", "foo(x)", "where"])],
    Case("shadow-declared-exp", "parse", "exp(x) + exp", where="exp: vector"),
    Case("shadow-declared-sum", "derive", "sum + sum(x)", where="sum: vector", wrt="sum"),
    Case("shadow-declared-tr", "derive", "tr(A) * tr", where="tr: scalar", wrt="tr"),
    Case("shadow-variable-exp", "derive", XTAX, wrt="exp"),
    Case("shadow-variable-tr", "hessian", "tr(X.T@X)", wrt="tr"),
    Case("shadow-answer-sum", "check_answer", XTAX, answer="sum"),
    # unsupported constructs in every position of x.T@A@x
    *[Case(f"insert-{piece}-at-{at}", "derive", XTAX[:at] + piece + XTAX[at:])
      for piece in ("[1]", "kron(x, A)", "vec(A)", "^0.5") for at in (0, 3, 4, 5, 6, 7)],
    *[Case(f"construct-{i}", "derive", text) for i, text in enumerate(
        ["x[1].T@A@x", "x.T[1]@A@x", "x.T@A[1]@x", "x.T@A@x[1]", "x.T@kron(A, x)", "kron(x, A).T@A@x",
         "sum(kron(x, x))", "vec(x.T@A@x)", "vec(A)@x", "x.T@A^0.5@x", "x.T@A^-0.5@x", "x.T@A^{1/2}@x", "x.T@A^n@x",
         "x.T@A^17@x", "x.T@A^0@x", "x.T@(A^x)@x", "x.T@A@x^x", "x.T@A@x @ x"])],
    Case("construct-A^n-declared", "derive", "x.T@A^n@x", where="n: scalar"),
    Case("kron-variable-inside", "derive", "kron(A, A)", wrt="A"),
    Case("commutation-question", "check_answer", "commutation(m, n)", answer="commutation(m, n)"),
    Case("commutation-question-zero-answer", "check_answer", "-commutation(x, x)", answer="vector(0)"),
    Case("kron-identity-question", "check_answer", "kron(I, I)", answer="kron(I, I)"),
    Case("kron-identity-question-X", "check_answer", "I ⊗ A'", wrt="X", answer="I ⊗ A'"),
    Case("commutation-answer", "check_answer", "commutation(n, n)", answer="commutation(n, n)"),
    Case("kron-answer", "check_answer", "A@x", wrt="A", answer="kron(x, A)"),
    Case("vec-answer", "check_answer", "A@x", wrt="A", answer="vec(A)"),
    Case("indexing-answer", "check_answer", XTAX, answer="x[1]"),
    Case("power-answer", "check_answer", XTAX, answer="A^0.5@x"),
    Case("variable-not-a-name", "derive", XTAX, wrt="x.T"),
    Case("variable-empty", "derive", XTAX, wrt=""),
    Case("variable-number", "hessian", XTAX, wrt="1"),
    # declarations: huge, contradictory, hostile
    Case("where-dimension-huge", "parse", "x", where="x: vector(" + "9" * 400 + ")"),
    Case("where-dimension-1e400", "parse", "x", where="x: vector(1e400)"),
    Case("where-dimension-zero", "derive", "sum(x)", where="x: vector(0)"),
    Case("where-twice", "derive", "logdet(A)", wrt="A", where="A: spd; A: symmetric"),
    Case("where-too-long", "parse", "x", where="x: scalar;" * 2001),
    Case("where-square-property-on-vector", "parse", "x", where="x: symmetric"),
    Case("where-dimension-100000-check", "derive+check", XTAX, where="x: vector(100000)"),
    Case("where-dimension-100000-check_answer", "check_answer", XTAX, where="x: vector(100000)"),
    # characters the grammar does not know
    *[Case(f"unicode-{i}", "parse", text) for i, text in enumerate(
        ["x\udcff", "\ufeffx", "\u202ex", "x\u00a0+ x", "x\u2028+ x", "x\r\n+ A@x", "x😀", "ｘ", "x\u0301", "\t\n \r"])],
]
CASE_IDS = [c.id for c in CASES]
assert len(set(CASE_IDS)) == len(CASE_IDS)


def _case_param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.fixture(scope="module")
def hostile_outcomes(request):
    """The outcomes of the selected hostile cases, computed once, two children at a time."""
    selected = {item.callspec.params["case"].id for item in request.session.items
                if getattr(item, "originalname", None) == "test_hostile_input" and hasattr(item, "callspec")}
    return run_isolated([c for c in CASES if c.id in selected])


@pytest.mark.parametrize("case", [_case_param(c) for c in CASES])
def test_hostile_input(case, hostile_outcomes):
    outcome = hostile_outcomes[case.id]
    assert outcome.kind in ("result", "error"), f"{case.op}({case.text[:60]!r}, wrt={case.wrt[:20]!r}): {outcome}"
    assert outcome.problem is None, outcome.problem
    spent, bound = (outcome.cpu, case.cpu_bound) if ISOLATED else (outcome.wall, max(BOUND, case.cpu_bound))
    assert spent < bound, f"{case.op}({case.text[:60]!r}) took {spent:.1f} s: {outcome}"


# ---------------------------------------------------------------- 3. the command line

@dataclass
class Run:
    id: str
    args: list  # str or bytes (bytes reach the program undecoded: invalid UTF-8 in argv)
    env: dict | None = None
    xfail: str | None = None


def _limit_resources():  # pragma: no cover - runs in the child before exec
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_BOUND, CPU_BOUND + 5))
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def _near_valid_text(rng: random.Random, depth: int = 0) -> str:
    """A random expression from the grammar's shapes (the command-line twin of the near_valid strategy)."""
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        text = rng.choice(LEAVES)
    elif roll < 0.55:
        text = _near_valid_text(rng, depth + 1) + rng.choice(BINARY) + _near_valid_text(rng, depth + 1)
    elif roll < 0.75:
        text = f"{rng.choice(FUNCTIONS)}({_near_valid_text(rng, depth + 1)})"
    elif roll < 0.85:
        text = f"||{_near_valid_text(rng, depth + 1)}||{rng.choice(['', '_F', '^2'])}"
    else:
        text = f"[{_near_valid_text(rng, depth + 1)}, {_near_valid_text(rng, depth + 1)}]"
    if rng.random() < 0.2:
        text = f"({text}){rng.choice(POSTFIX)}"
    return text


def _random_runs(count: int, seed: int = 2024) -> list[Run]:
    """Token soup and near-valid expressions through every command, seeded."""
    rng = random.Random(seed)
    runs = []
    for i in range(count):
        if i % 2:
            text = " " + "".join(rng.choice(TOKENS) + rng.choice(["", " "]) for _ in range(rng.randint(1, 25)))
        else:
            text = " " + _splice((_near_valid_text(rng), rng.randrange(10**6), rng.choice(SPLICES), rng.random() < 0.3))
        command = rng.choice(["show", "derive", "hessian", "check"])
        args = [command, text]
        if command != "show":
            args += ["wrt", rng.choice(["x", "A", "c", "X", "exp"])]
        if command == "check":
            args += ["--answer", " " + _near_valid_text(rng)]
        if rng.random() < 0.3:
            args += ["--where", "; ".join(rng.sample(DECLARATIONS[:10], 2))]
        if command in ("derive", "hessian") and rng.random() < 0.5:
            args.append(rng.choice(["--check", "--steps", "--latex"]))
        runs.append(Run(f"random-{i}", args))
    return runs


RUNS = [
    Run("parens-1e4", ["show", "(" * N + "x" + ")" * N]),
    Run("exp-calls-1e4", ["derive", "exp(" * N + "x" + ")" * N, "wrt", "x"]),
    Run("100kB-sum", ["derive", "x+" * 50_000 + "x", "wrt", "x"]),
    Run("100kB-answer", ["check", XTAX, "wrt", "x", "--answer", "x+" * 50_000 + "x"]),
    Run("100kB-where", ["show", XTAX, "--where", "A: symmetric;" * 8_000]),
    Run("minus-19000", ["hessian", "--", "-" * 19_000 + "x", "wrt", "x"]),
    Run("norm-bars-9999", ["derive", "‖" * 9_999 + "x" + "‖" * 9_999, "wrt", "x", "--steps"]),
    Run("x**99999999-check", ["derive", "x**99999999", "wrt", "x", "--check", "--steps", "--latex"]),
    Run("A^99999999", ["show", "A^99999999"]),
    Run("1e999999", ["show", "1e999999"]),
    Run("1e400*x-check", ["derive", "1e400*x", "wrt", "x", "--check"]),
    Run("x**1e400-answer", ["check", "x**1e400", "wrt", "x", "--answer", "x"]),
    Run("vector(100000)-check", ["hessian", XTAX, "wrt", "x", "--where", "x: vector(100000)", "--check"]),
    Run("kron-chain-25-show", ["show", "A" + "⊗A" * 25]),
    Run("shadow-exp", ["show", "exp + x"]),
    Run("shadow-declared", ["derive", "sum + sum(x)", "wrt", "sum", "--where", "sum: vector"]),
    Run("indexing", ["derive", "x.T@A@x[1]", "wrt", "x"]),
    Run("kron-variable", ["derive", "x.T@kron(A, x)", "wrt", "x", "--layout", "numerator"]),
    Run("invalid-utf8-expr", ["show", b"x\xff\xfe + A@x"]),
    Run("invalid-utf8-answer", ["check", XTAX, "wrt", "x", "--answer", b"2*A@x\xc3"]),
    Run("ascii-terminal", ["show", "x^T A x", "--latex"], env={**CLI_ENV, "PYTHONIOENCODING": "ascii"}),
    Run("missing-wrt", ["derive", XTAX]),
    *_random_runs(10),
]


def _run_all(runs: list[Run], jobs: int = 2) -> dict[str, tuple]:
    """Run the commands `jobs` at a time (main thread only); (exit status, stdout, stderr) per run."""
    pending, running, done = list(runs), {}, {}
    while pending or running:
        while pending and len(running) < jobs:
            run = pending.pop(0)
            proc = subprocess.Popen([sys.executable, "-m", "matcalc", *run.args], cwd=ROOT, env=run.env or CLI_ENV,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    preexec_fn=_limit_resources if ISOLATED else None)
            running[run.id] = (proc, time.monotonic())
        time.sleep(0.05)
        for run_id, (proc, start) in list(running.items()):
            if proc.poll() is None and time.monotonic() - start < WALL_LIMIT:
                continue
            try:
                out, err = proc.communicate(timeout=WALL_LIMIT)
            except subprocess.TimeoutExpired:  # pragma: no cover
                proc.kill()
                out, err = proc.communicate()
            status = proc.returncode if time.monotonic() - start < WALL_LIMIT else f"timeout after {WALL_LIMIT} s"
            done[run_id] = (status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))
            running.pop(run_id)
    return done


@pytest.fixture(scope="module")
def cli_results(request):
    selected = {item.callspec.params["run"].id for item in request.session.items
                if getattr(item, "originalname", None) == "test_command_line" and hasattr(item, "callspec")}
    return _run_all([r for r in RUNS if r.id in selected])


@pytest.mark.parametrize("run", [pytest.param(r, id=r.id, marks=[pytest.mark.xfail(strict=True, reason=r.xfail)]
                                              if r.xfail else []) for r in RUNS])
def test_command_line(run, cli_results):
    status, out, err = cli_results[run.id]
    shown = [a[:40] if isinstance(a, str) else a[:40].decode("utf-8", "backslashreplace") for a in run.args]
    killed = " (killed by a signal: SIGXCPU is the CPU limit)" if isinstance(status, int) and status < 0 else ""
    assert status in ALLOWED_EXIT, f"matcalc {shown}: exit {status}{killed}\n{err[-800:]}"
    assert "Traceback" not in out + err, f"matcalc {shown} printed a traceback:\n{err[-2000:]}"
    assert "internal error" not in err, err[-800:]
    if status == 1 and not out:
        assert err.startswith("error: ") and err.strip() != "error:", err[:300]
    if status == 2:
        assert "usage:" in err


def test_grade_a_class_of_hostile_answers(tmp_path):
    rows = [
        ("nul", XTAX, "x", "2*A@x\x00"), ("long", XTAX, "x", "x+" * 50_000 + "x"), ("deep", XTAX, "x", "(" * N + "x" + ")" * N),
        ("shadow", XTAX, "x", "exp"), ("kron", "A@x", "A", "kron(x, A)"), ("index", XTAX, "x", "x[1]"),
        ("sqrt", XTAX, "x", "A^0.5@x"), ("huge", XTAX, "x", "x**99999999"), ("var", XTAX, "exp", "x"),
        ("question", "x.T@A@x[1]", "x", "x"), ("unicode", XTAX, "x", "x\u202e😀"), ("empty", "", "", ""),
    ]
    path = tmp_path / "class.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "expression", "wrt", "answer"])
        writer.writerows(rows)
    result = subprocess.run([sys.executable, "-m", "matcalc", "grade", str(path)], cwd=ROOT, env=CLI_ENV,
                            capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=WALL_LIMIT)
    assert result.returncode in ALLOWED_EXIT, result.stderr[-800:]
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stdout, result.stdout
    report = list(csv.DictReader(result.stdout.splitlines()))
    assert [r["id"] for r in report] == [r[0] for r in rows]


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\xff\xfe", b"id,expression\n\x00", "é".encode("latin-1") * 50])
def test_grade_a_file_that_is_not_a_class(tmp_path, capsys, content):
    path = tmp_path / "garbage.csv"
    path.write_bytes(content)
    assert cli.main(["grade", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


# in-process calls of the command's main(): quick, and they see the same code as the subprocess
MAIN_CALLS = [
    (["show", "x\x00"], 1),
    (["derive", XTAX, "wrt", "x\x00"], 1),
    (["check", XTAX, "wrt", "x", "--answer", "\x00"], 1),
    (["show", XTAX, "--where", "A: symmetric\x00"], 1),
    (["show", "x" * 1_000_000], 1),
    (["derive", "(" * N + "x" + ")" * N, "wrt", "x"], 1),
    (["show", "exp"], 1),
    (["derive", "x**99999999", "wrt", "x", "--steps"], 0),
    (["hessian", "x.T@A@x", "wrt", "x", "--where", "x: vector(1000000000)"], 1),
    ([], 2),
]


@pytest.mark.parametrize(("argv", "status"), MAIN_CALLS, ids=[" ".join(a)[:30].replace("\x00", "NUL") for a, _ in MAIN_CALLS])
def test_main_in_process(argv, status, capsys):
    assert cli.main(argv) == status
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    if status == 1:
        assert captured.err.startswith("error: ")


def test_main_in_process_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["derive", XTAX, "with", "x"])
    assert exit_.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_main_in_process_overflow_in_the_check(capsys):
    assert cli.main(["derive", "1e400*x", "wrt", "x", "--check"]) in ALLOWED_EXIT
    assert "internal error" not in capsys.readouterr().err
