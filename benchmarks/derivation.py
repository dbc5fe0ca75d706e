"""Derivation time per case: matcalc against SymPy's matrix-expression ``diff`` and tensorgrad.

    python benchmarks/derivation.py [--quick] [--only SUBSTRING] [--no-verify] [--sympy-cache]

A script, not a timed test: it prints a table and the headline ratios. The suite holds textbook
identities (the Matrix Cookbook kind: linear and quadratic forms, traces, determinants, inverses,
norms, Hadamard products) and machine-learning losses (least squares, ridge, logistic regression,
softplus, softmax cross-entropy, logsumexp, MLPs with tanh / sigmoid / relu). Each case is written
once in matcalc's syntax and, where the library can express it, as a SymPy ``MatrixSymbol``
expression and as a tensorgrad tensor network. SymPy has no element-wise functions on matrix
expressions, so those cases are "n/a" for it.

What is timed, per case and system, in this process (one warm-up call, then the median of repeated
calls until --budget seconds or --runs calls):

* matcalc (text): ``mc.derive(text, wrt, where=...)``, parsing included; matcalc keeps no cache
  between calls but the parser's tables. matcalc (tree): the same from a tree parsed beforehand.
* SymPy: building the MatrixSymbol expression and ``expr.diff(X)``. SymPy memoises results in a
  global cache, so the cache is cleared (untimed) before every call; ``--sympy-cache`` keeps it.
* tensorgrad: building the tensor network and ``expr.grad(X).full_simplify()`` (``grad`` alone is
  lazy: it returns an unevaluated Derivative node).

Every answer is then checked numerically, outside the timing: matcalc's with ``Derivative.check``,
SymPy's and tensorgrad's against central finite differences of the expression at a random point
(matcalc's evaluator computes the expression; each peer's result is evaluated with that library).
A result that differs is counted as "wrong", an exception or an unevaluated ``Derivative`` as
"unsupported". Only correct results count as successes.

The script imports SymPy, torch and tensorgrad inside functions: without them it still runs and
prints "not installed" for their columns.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import matcalc as mc  # noqa: E402

TARGET_MEDIAN_MS = 5.0  # median derivation time per textbook case (matcalc, from text)
SIZES = (4, 3, 2, 5, 6, 7)  # sizes of the symbolic dimensions at the numeric check (distinct: transposes show)
TOLERANCE = 1e-4  # relative error allowed between a peer's answer and finite differences


@dataclass
class Case:
    name: str
    group: str  # "textbook" | "ml"
    text: str  # matcalc syntax
    wrt: str
    where: str | None = None
    sympy: Callable | None = None  # s -> (expression, variable); None: SymPy cannot express it
    tg: Callable | None = None  # t -> (tensor, variable); None: not expressed in tensorgrad


@dataclass
class Outcome:
    status: str  # "ok" | "wrong" | "unsupported" | "n/a" | "not installed" | "unchecked"
    ms: float | None = None
    detail: str = ""


@dataclass
class Row:
    case: Case
    results: dict[str, Outcome] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# The suite. SymPy builders get `s` (see sympy_namespace), tensorgrad builders get `t` (tg_namespace).
# SymPy: s.v(name, dim) is a column vector, s.M(name, rows, cols) a matrix, s.n / s.m / s.p dimensions,
# s.tr(e) turns a 1×1 expression into a scalar. tensorgrad: t.v(name, edge) is a vector whose index is
# the edge, t.M(name, row_edge, col_edge) a matrix; edges i, i2 have size n, j, j2 size m, k, k2 size p;
# a product `@` contracts the edges the two sides share.
# --------------------------------------------------------------------------------------------------

def _textbook() -> list[Case]:
    C = lambda *a, **k: Case(a[0], "textbook", *a[1:], **k)
    return [
        C("a.T@x", "a.T@x", "x",
          sympy=lambda s: (s.v("a").T * s.v("x"), s.v("x")),
          tg=lambda t: (t.v("a") @ t.v("x"), t.v("x"))),
        C("x.T@x", "x.T@x", "x",
          sympy=lambda s: (s.v("x").T * s.v("x"), s.v("x")),
          tg=lambda t: (t.v("x") @ t.v("x"), t.v("x"))),
        C("x.T@A@x", "x.T@A@x", "x",
          sympy=lambda s: (s.v("x").T * s.M("A") * s.v("x"), s.v("x")),
          tg=lambda t: (t.v("x") @ t.M("A", "i", "i2") @ t.v("x").rename(i="i2"), t.v("x"))),
        C("x.T@A@x, A symmetric", "x.T@A@x", "x", "A: symmetric",
          sympy=lambda s: (s.v("x").T * s.M("A") * s.v("x"), s.v("x"))),
        C("x.T@A@y wrt x", "x.T@A@y", "x",
          sympy=lambda s: (s.v("x").T * s.M("A", s.n, s.m) * s.v("y", s.m), s.v("x")),
          tg=lambda t: (t.v("x") @ t.M("A", "i", "j") @ t.v("y", "j"), t.v("x"))),
        C("A@x (Jacobian)", "A@x", "x",
          sympy=lambda s: (s.M("A", s.n, s.m) * s.v("x", s.m), s.v("x", s.m)),
          tg=lambda t: (t.M("A", "i", "j") @ t.v("x", "j"), t.v("x", "j"))),
        C("x .* y (Jacobian)", "x .* y", "x",
          sympy=lambda s: (s.sp.HadamardProduct(s.v("x"), s.v("y")), s.v("x")),
          tg=lambda t: (t.v("x") * t.v("y"), t.v("x"))),
        C("a.T@X@b", "a.T@X@b", "X",
          sympy=lambda s: (s.v("a").T * s.M("X", s.n, s.m) * s.v("b", s.m), s.M("X", s.n, s.m)),
          tg=lambda t: (t.v("a") @ t.M("X", "i", "j") @ t.v("b", "j"), t.M("X", "i", "j"))),
        C("b.T@X.T@X@c", "b.T@X.T@X@c", "X",
          sympy=lambda s: (s.v("b", s.m).T * s.M("X", s.n, s.m).T * s.M("X", s.n, s.m) * s.v("c", s.m), s.M("X", s.n, s.m)),
          tg=lambda t: ((t.M("X", "i", "j") @ t.v("b", "j")) @ (t.M("X", "i", "j") @ t.v("c", "j")), t.M("X", "i", "j"))),
        C("trace(X)", "trace(X)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("X")), s.M("X")),
          tg=lambda t: (t.F.trace(t.M("X", "i", "i2")), t.M("X", "i", "i2"))),
        C("trace(A@X)", "trace(A@X)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("A", s.m, s.n) * s.M("X", s.n, s.m)), s.M("X", s.n, s.m)),
          tg=lambda t: (t.M("A", "j", "i") @ t.M("X", "i", "j"), t.M("X", "i", "j"))),
        C("trace(X.T@A@X)", "trace(X.T@A@X)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("X", s.n, s.m).T * s.M("A") * s.M("X", s.n, s.m)), s.M("X", s.n, s.m)),
          tg=lambda t: (t.M("X", "i", "j") @ t.M("A", "i", "i2") @ t.M("X", "i", "j").rename(i="i2"),
                        t.M("X", "i", "j"))),
        C("trace(A@X@B)", "trace(A@X@B)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("A", s.p, s.n) * s.M("X", s.n, s.m) * s.M("B", s.m, s.p)), s.M("X", s.n, s.m)),
          tg=lambda t: (t.M("A", "k", "i") @ t.M("X", "i", "j") @ t.M("B", "j", "k"), t.M("X", "i", "j"))),
        C("trace(X@X)", "trace(X@X)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("X") * s.M("X")), s.M("X")),
          tg=lambda t: (t.M("X", "i", "i2") @ t.M("X", "i", "i2").rename(i="i2", i2="i"), t.M("X", "i", "i2"))),
        C("trace(X@X@X)", "trace(X@X@X)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("X") * s.M("X") * s.M("X")), s.M("X")),
          tg=lambda t: (t.M("X", "i", "i2") @ t.M("X", "i", "i2").rename(i="i2", i2="k")
                        @ t.M("X", "i", "i2").rename(i="k", i2="i"), t.M("X", "i", "i2"))),
        C("trace(X.T@X)", "trace(X.T@X)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("X", s.n, s.m).T * s.M("X", s.n, s.m)), s.M("X", s.n, s.m)),
          tg=lambda t: (t.M("X", "i", "j") @ t.M("X", "i", "j"), t.M("X", "i", "j"))),
        C("trace(A@X@B@X.T@C)", "trace(A@X@B@X.T@C)", "X",
          sympy=lambda s: (s.sp.Trace(s.M("A", s.p, s.n) * s.M("X", s.n, s.m) * s.M("B", s.m, s.m) * s.M("X", s.n, s.m).T
                                      * s.M("C", s.n, s.p)), s.M("X", s.n, s.m)),
          tg=lambda t: (t.M("A", "k", "i") @ t.M("X", "i", "j") @ t.M("B", "j", "j2")
                        @ t.M("X", "i", "j").rename(i="i2", j="j2") @ t.M("C", "i2", "k"), t.M("X", "i", "j"))),
        C("det(X)", "det(X)", "X",
          sympy=lambda s: (s.sp.Determinant(s.M("X")), s.M("X")),
          tg=lambda t: (t.F.det(t.M("X", "i", "i2")), t.M("X", "i", "i2"))),
        C("logdet(X), X spd", "logdet(X)", "X", "X: spd",
          sympy=lambda s: (s.sp.log(s.sp.Determinant(s.M("X"))), s.M("X")),
          tg=lambda t: (t.F.log(t.F.det(t.M("X", "i", "i2"))), t.M("X", "i", "i2"))),
        C("logdet(X.T@X)", "logdet(X.T@X)", "X",
          sympy=lambda s: (s.sp.log(s.sp.Determinant(s.M("X", s.n, s.m).T * s.M("X", s.n, s.m))), s.M("X", s.n, s.m)),
          tg=lambda t: (t.F.log(t.F.det(t.M("X", "i", "j") @ t.M("X", "i", "j").rename(j="j2"))), t.M("X", "i", "j"))),
        C("trace(inv(X)@A)", "trace(inv(X)@A)", "X",
          sympy=lambda s: (s.sp.Trace(s.sp.Inverse(s.M("X")) * s.M("A")), s.M("X")),
          # tensorgrad's inverse swaps the roles of its two edges ("edges with the same name cancel")
          tg=lambda t: (t.F.inverse(t.M("X", "i", "i2")) @ t.M("A", "i", "i2"), t.M("X", "i", "i2"))),
        C("x.T@inv(A)@x wrt A", "x.T@inv(A)@x", "A",
          sympy=lambda s: (s.v("x").T * s.sp.Inverse(s.M("A")) * s.v("x"), s.M("A")),
          tg=lambda t: (t.v("x") @ t.F.inverse(t.M("A", "i", "i2")) @ t.v("x").rename(i="i2"), t.M("A", "i", "i2"))),
        C("(x-mu).T@inv(S)@(x-mu) wrt mu", "(x - mu).T@inv(S)@(x - mu)", "mu", "S: spd",
          sympy=lambda s: ((s.v("x") - s.v("mu")).T * s.sp.Inverse(s.M("S")) * (s.v("x") - s.v("mu")), s.v("mu")),
          tg=lambda t: ((t.v("x") - t.v("mu")) @ t.F.inverse(t.M("S", "i", "i2")) @ (t.v("x") - t.v("mu")).rename(i="i2"),
                        t.v("mu"))),
        C("norm(x)**2", "norm(x)**2", "x",
          sympy=lambda s: (s.v("x").T * s.v("x"), s.v("x")),
          tg=lambda t: (t.F.frobenius2(t.v("x")), t.v("x"))),
        C("norm(A@x - b)**2", "norm(A@x - b)**2", "x",
          sympy=lambda s: ((s.M("A", s.n, s.m) * s.v("x", s.m) - s.v("b")).T * (s.M("A", s.n, s.m) * s.v("x", s.m) - s.v("b")),
                           s.v("x", s.m)),
          tg=lambda t: (t.F.frobenius2(t.M("A", "i", "j") @ t.v("x", "j") - t.v("b")), t.v("x", "j"))),
        C("norm(A@x - b)", "norm(A@x - b)", "x",
          sympy=lambda s: (s.sp.sqrt(s.tr((s.M("A", s.n, s.m) * s.v("x", s.m) - s.v("b")).T
                                          * (s.M("A", s.n, s.m) * s.v("x", s.m) - s.v("b")))), s.v("x", s.m)),
          tg=lambda t: (t.F.sqrt(t.F.frobenius2(t.M("A", "i", "j") @ t.v("x", "j") - t.v("b"))), t.v("x", "j"))),
        C("||Y - Theta@X||_F^2", "||Y - Theta@X||_F^2", "Theta",
          sympy=lambda s: (s.sp.Trace((s.M("Y", s.n, s.p) - s.M("Theta", s.n, s.m) * s.M("X", s.m, s.p)).T
                                      * (s.M("Y", s.n, s.p) - s.M("Theta", s.n, s.m) * s.M("X", s.m, s.p))),
                           s.M("Theta", s.n, s.m)),
          tg=lambda t: (t.F.frobenius2(t.M("Y", "i", "k") - t.M("Theta", "i", "j") @ t.M("X", "j", "k")),
                        t.M("Theta", "i", "j"))),
        C("0.5*x.T@A@x - b.T@x", "0.5*x.T@A@x - b.T@x", "x",
          sympy=lambda s: (s.sp.S.Half * s.v("x").T * s.M("A") * s.v("x") - s.v("b").T * s.v("x"), s.v("x")),
          tg=lambda t: (0.5 * (t.v("x") @ t.M("A", "i", "i2") @ t.v("x").rename(i="i2")) - t.v("b") @ t.v("x"), t.v("x"))),
        C("(a.T@x)**2", "(a.T@x)**2", "x",
          sympy=lambda s: (s.tr(s.v("a").T * s.v("x")) ** 2, s.v("x")),
          tg=lambda t: (t.F.pow(t.v("a") @ t.v("x"), 2), t.v("x"))),
        C("x.T@A@x / (x.T@x)", "x.T@A@x / (x.T@x)", "x",
          sympy=lambda s: (s.tr(s.v("x").T * s.M("A") * s.v("x")) / s.tr(s.v("x").T * s.v("x")), s.v("x")),
          tg=lambda t: ((t.v("x") @ t.M("A", "i", "i2") @ t.v("x").rename(i="i2")) / (t.v("x") @ t.v("x")), t.v("x"))),
        C("exp(a.T@x)", "exp(a.T@x)", "x",
          sympy=lambda s: (s.sp.exp(s.tr(s.v("a").T * s.v("x"))), s.v("x")),
          tg=lambda t: (t.F.exp(t.v("a") @ t.v("x")), t.v("x"))),
        C("log(x.T@S@x), S spd", "log(x.T@S@x)", "x", "S: spd",
          sympy=lambda s: (s.sp.log(s.tr(s.v("x").T * s.M("S") * s.v("x"))), s.v("x")),
          tg=lambda t: (t.F.log(t.v("x") @ t.M("S", "i", "i2") @ t.v("x").rename(i="i2")), t.v("x"))),
        C("x.T@(a * x) (Hadamard)", "x.T@(a * x)", "x",
          sympy=lambda s: (s.v("x").T * s.sp.HadamardProduct(s.v("a"), s.v("x")), s.v("x")),
          tg=lambda t: (t.v("x") @ (t.v("a") * t.v("x")), t.v("x"))),
        C("trace(B@(A * X)) (Hadamard)", "trace(B@(A * X))", "X",
          sympy=lambda s: (s.sp.Trace(s.M("B", s.m, s.n) * s.sp.HadamardProduct(s.M("A", s.n, s.m), s.M("X", s.n, s.m))),
                           s.M("X", s.n, s.m)),
          tg=lambda t: (t.M("B", "j", "i") @ (t.M("A", "i", "j") * t.M("X", "i", "j")), t.M("X", "i", "j"))),
        C("sum((A * X)**2) (Hadamard)", "sum((A * X)**2)", "X",
          sympy=lambda s: (s.sp.OneMatrix(1, s.n)
                           * s.sp.HadamardPower(s.sp.HadamardProduct(s.M("A", s.n, s.m), s.M("X", s.n, s.m)), 2)
                           * s.sp.OneMatrix(s.m, 1), s.M("X", s.n, s.m)),
          tg=lambda t: (t.F.sum(t.F.pow(t.M("A", "i", "j") * t.M("X", "i", "j"), 2)), t.M("X", "i", "j"))),
        C("x.T@diag(a)@y", "x.T@diag(a)@y", "x",
          sympy=lambda s: (s.v("x").T * s.sp.DiagMatrix(s.v("a")) * s.v("y"), s.v("x")),
          tg=lambda t: (t.v("x") @ (t.v("a") * t.v("y")), t.v("x"))),
        C("tanh(W@x + b) (Jacobian)", "tanh(W@x + b)", "x",
          tg=lambda t: (t.F.tanh(t.M("W", "i", "j") @ t.v("x", "j") + t.v("b")), t.v("x", "j"))),
        C("softmax(x) (Jacobian)", "softmax(x)", "x",
          tg=lambda t: (t.F.softmax(t.v("x"), "i"), t.v("x"))),
    ]


def _ml() -> list[Case]:
    C = lambda *a, **k: Case(a[0], "ml", *a[1:], **k)
    F = lambda t: t.F

    def ls(s):  # X w - y
        return s.M("X", s.n, s.m) * s.v("w", s.m) - s.v("y")

    def tls(t):
        return t.M("X", "i", "j") @ t.v("w", "j") - t.v("y")

    def xw(t):
        return t.M("X", "i", "j") @ t.v("w", "j")

    return [
        C("least squares 0.5||Xw - y||^2", "0.5*norm(X@w - y)**2", "w",
          sympy=lambda s: (s.sp.S.Half * ls(s).T * ls(s), s.v("w", s.m)),
          tg=lambda t: (0.5 * F(t).frobenius2(tls(t)), t.v("w", "j"))),
        C("ridge ||Xw - y||^2 + lam||w||^2", "norm(X@w - y)**2 + lam*norm(w)**2", "w", "lam: scalar",
          sympy=lambda s: (ls(s).T * ls(s) + s.sp.Symbol("lam") * s.v("w", s.m).T * s.v("w", s.m), s.v("w", s.m)),
          tg=lambda t: (F(t).frobenius2(tls(t)) + t.s("lam") @ F(t).frobenius2(t.v("w", "j")), t.v("w", "j"))),
        C("weighted LS (Xw-y).T@S@(Xw-y)", "(X@w - y).T@S@(X@w - y)", "w", "S: spd",
          sympy=lambda s: (ls(s).T * s.M("S") * ls(s), s.v("w", s.m)),
          tg=lambda t: (tls(t) @ t.M("S", "i", "i2") @ tls(t).rename(i="i2"), t.v("w", "j"))),
        C("multi-output ridge wrt W", "||X@W - Y||_F^2 + lam*||W||_F^2", "W", "lam: scalar",
          # one Trace: SymPy differentiates `Trace(...) + lam*Trace(...)` (a scalar Add) to 0
          sympy=lambda s: (s.sp.Trace((s.M("X", s.n, s.m) * s.M("W", s.m, s.p) - s.M("Y", s.n, s.p)).T
                                      * (s.M("X", s.n, s.m) * s.M("W", s.m, s.p) - s.M("Y", s.n, s.p))
                                      + s.sp.Symbol("lam") * s.M("W", s.m, s.p).T * s.M("W", s.m, s.p)), s.M("W", s.m, s.p)),
          tg=lambda t: (F(t).frobenius2(t.M("X", "i", "j") @ t.M("W", "j", "k") - t.M("Y", "i", "k"))
                        + t.s("lam") @ F(t).frobenius2(t.M("W", "j", "k")), t.M("W", "j", "k"))),
        C("linear 2-layer ||W2@W1@x - y||^2 wrt W1", "norm(W2@W1@x - y)**2", "W1",
          sympy=lambda s: ((s.M("W2", s.n, s.m) * s.M("W1", s.m, s.p) * s.v("x", s.p) - s.v("y")).T
                           * (s.M("W2", s.n, s.m) * s.M("W1", s.m, s.p) * s.v("x", s.p) - s.v("y")), s.M("W1", s.m, s.p)),
          tg=lambda t: (F(t).frobenius2(t.M("W2", "i", "j") @ t.M("W1", "j", "k") @ t.v("x", "k") - t.v("y")),
                        t.M("W1", "j", "k"))),
        C("matrix factorization ||R - U@V.T||_F^2", "||R - U@V.T||_F^2", "U",
          sympy=lambda s: (s.sp.Trace((s.M("R", s.n, s.m) - s.M("U", s.n, s.p) * s.M("V", s.m, s.p).T).T
                                      * (s.M("R", s.n, s.m) - s.M("U", s.n, s.p) * s.M("V", s.m, s.p).T)), s.M("U", s.n, s.p)),
          tg=lambda t: (F(t).frobenius2(t.M("R", "i", "j") - t.M("U", "i", "k") @ t.M("V", "j", "k")), t.M("U", "i", "k"))),
        C("linear autoencoder ||X - W@W.T@X||_F^2", "||X - W@W.T@X||_F^2", "W",
          sympy=lambda s: (s.sp.Trace((s.M("X", s.n, s.m) - s.M("W", s.n, s.p) * s.M("W", s.n, s.p).T * s.M("X", s.n, s.m)).T
                                      * (s.M("X", s.n, s.m) - s.M("W", s.n, s.p) * s.M("W", s.n, s.p).T * s.M("X", s.n, s.m))),
                           s.M("W", s.n, s.p)),
          tg=lambda t: (F(t).frobenius2(t.M("X", "i", "j") - t.M("W", "i", "k") @ t.M("W", "i", "k").rename(i="i2")
                                        @ t.M("X", "i", "j").rename(i="i2")), t.M("W", "i", "k"))),
        C("Gaussian NLL wrt S", "logdet(S) + (x - mu).T@inv(S)@(x - mu)", "S",
          sympy=lambda s: (s.sp.log(s.sp.Determinant(s.M("S"))) + s.tr((s.v("x") - s.v("mu")).T * s.sp.Inverse(s.M("S"))
                                                                       * (s.v("x") - s.v("mu"))), s.M("S")),
          tg=lambda t: (F(t).log(F(t).det(t.M("S", "i", "i2"))) + (t.v("x") - t.v("mu")) @ F(t).inverse(t.M("S", "i", "i2"))
                        @ (t.v("x") - t.v("mu")).rename(i="i2"), t.M("S", "i", "i2"))),
        C("logistic regression (cross-entropy)", "-sum(y * log(sigmoid(X@w)) + (1 - y) * log(1 - sigmoid(X@w)))", "w",
          tg=lambda t: (-F(t).sum(t.v("y") * F(t).log(F(t).sigmoid(xw(t)))
                                  + (1 - t.v("y")) * F(t).log(1 - F(t).sigmoid(xw(t)))), t.v("w", "j"))),
        C("log-sigmoid -sum(log(sigmoid(y*(Xw))))", "-sum(log(sigmoid(y * (X@w))))", "w",
          tg=lambda t: (-F(t).sum(F(t).log(F(t).sigmoid(t.v("y") * xw(t)))), t.v("w", "j"))),
        C("softplus sum(softplus(-y*(Xw)))", "sum(softplus(-y * (X@w)))", "w",
          tg=lambda t: (F(t).sum(F(t).log(1 + F(t).exp(-(t.v("y") * xw(t))))), t.v("w", "j"))),
        C("L2-regularised logistic", "sum(log(1 + exp(-y * (X@w)))) + lam*norm(w)**2", "w", "lam: scalar",
          tg=lambda t: (F(t).sum(F(t).log(1 + F(t).exp(-(t.v("y") * xw(t))))) + t.s("lam") @ F(t).frobenius2(t.v("w", "j")),
                        t.v("w", "j"))),
        C("softmax cross-entropy wrt W", "-y.T@log(softmax(W@x))", "W",
          tg=lambda t: (-(t.v("y") @ F(t).log(F(t).softmax(t.M("W", "i", "j") @ t.v("x", "j"), "i"))), t.M("W", "i", "j"))),
        C("logsumexp(W@x) - y.T@W@x wrt W", "logsumexp(W@x) - y.T@W@x", "W",
          tg=lambda t: (F(t).log(F(t).sum(F(t).exp(t.M("W", "i", "j") @ t.v("x", "j"))))
                        - t.v("y") @ t.M("W", "i", "j") @ t.v("x", "j"), t.M("W", "i", "j"))),
        C("logsumexp(x)", "logsumexp(x)", "x",
          tg=lambda t: (F(t).log(F(t).sum(F(t).exp(t.v("x")))), t.v("x"))),
        C("Poisson regression", "sum(exp(X@w) - y * (X@w))", "w",
          tg=lambda t: (F(t).sum(F(t).exp(xw(t)) - t.v("y") * xw(t)), t.v("w", "j"))),
        C("lasso 0.5||Xw-y||^2 + lam*norm1(w)", "0.5*norm(X@w - y)**2 + lam*norm1(w)", "w", "lam: scalar",
          tg=lambda t: (0.5 * F(t).frobenius2(tls(t)) + t.s("lam") @ F(t).sum(F(t).abs(t.v("w", "j"))), t.v("w", "j"))),
        C("hinge sum(relu(1 - y*(Xw)))", "sum(relu(1 - y * (X@w)))", "w",
          tg=lambda t: (F(t).sum(F(t).relu(1 - t.v("y") * xw(t))), t.v("w", "j"))),
        C("attention y.T@softmax(K@q) wrt q", "y.T@softmax(K@q)", "q",
          tg=lambda t: (t.v("y") @ F(t).softmax(t.M("K", "i", "j") @ t.v("q", "j"), "i"), t.v("q", "j"))),
        C("1-layer tanh ||tanh(Wx + b) - y||^2 wrt W", "norm(tanh(W@x + b) - y)**2", "W",
          tg=lambda t: (F(t).frobenius2(F(t).tanh(t.M("W", "i", "j") @ t.v("x", "j") + t.v("b")) - t.v("y")),
                        t.M("W", "i", "j"))),
        C("1-layer sigmoid wrt b", "norm(sigmoid(W@x + b) - y)**2", "b",
          tg=lambda t: (F(t).frobenius2(F(t).sigmoid(t.M("W", "i", "j") @ t.v("x", "j") + t.v("b")) - t.v("y")), t.v("b"))),
        C("2-layer tanh MLP wrt W1", "norm(W2@tanh(W1@x + b1) + b2 - y)**2", "W1",
          tg=lambda t: (F(t).frobenius2(t.M("W2", "i", "j") @ F(t).tanh(t.M("W1", "j", "k") @ t.v("x", "k") + t.v("b1", "j"))
                                        + t.v("b2") - t.v("y")), t.M("W1", "j", "k"))),
        C("2-layer relu MLP wrt W1", "norm(W2@relu(W1@x + b1) - y)**2", "W1",
          tg=lambda t: (F(t).frobenius2(t.M("W2", "i", "j") @ F(t).relu(t.M("W1", "j", "k") @ t.v("x", "k") + t.v("b1", "j"))
                                        - t.v("y")), t.M("W1", "j", "k"))),
        C("2-layer sigmoid MLP wrt W2", "norm(W2@sigmoid(W1@x) - y)**2", "W2",
          tg=lambda t: (F(t).frobenius2(t.M("W2", "i", "j") @ F(t).sigmoid(t.M("W1", "j", "k") @ t.v("x", "k")) - t.v("y")),
                        t.M("W2", "i", "j"))),
        C("2-layer softmax-CE MLP wrt W1", "-y.T@log(softmax(W2@tanh(W1@x)))", "W1",
          tg=lambda t: (-(t.v("y") @ F(t).log(F(t).softmax(t.M("W2", "i", "j") @ F(t).tanh(t.M("W1", "j", "k") @ t.v("x", "k")),
                                                          "i"))), t.M("W1", "j", "k"))),
        C("batch 2-layer ||W2@tanh(W1@X) - Y||_F^2", "||W2@tanh(W1@X) - Y||_F^2", "W1",
          tg=lambda t: (F(t).frobenius2(t.M("W2", "i", "j") @ F(t).tanh(t.M("W1", "j", "k") @ t.M("X", "k", "k2"))
                                        - t.M("Y", "i", "k2")), t.M("W1", "j", "k"))),
    ]


def suite() -> list[Case]:
    return _textbook() + _ml()


# --------------------------------------------------------------------------------------------------
# Peers
# --------------------------------------------------------------------------------------------------

def sympy_namespace():
    """SymPy and the helpers its builders use, or None when SymPy is not installed."""
    try:
        import sympy
    except ImportError:
        return None
    n, m, p = (sympy.Symbol(c, integer=True, positive=True) for c in "nmp")

    def v(name, dim=None):
        return sympy.MatrixSymbol(name, dim if dim is not None else n, 1)

    def M(name, rows=None, cols=None):
        rows = rows if rows is not None else n
        return sympy.MatrixSymbol(name, rows, cols if cols is not None else rows)

    return SimpleNamespace(sp=sympy, n=n, m=m, p=p, v=v, M=M, tr=sympy.Trace, dims=(n, m, p))


def tg_namespace():
    """tensorgrad and the helpers its builders use, or None when it (or torch) is not installed."""
    try:
        import sympy
        import tensorgrad
        import tensorgrad.functions as F
    except Exception:  # ImportError, or torch failing to load
        return None
    n, m, p = sympy.symbols("n m p")
    size = {"i": n, "i2": n, "j": m, "j2": m, "k": p, "k2": p}
    t = SimpleNamespace(tg=tensorgrad, F=F, declared={})

    def record(var, edges):
        t.declared.setdefault(var.name, (var, edges))
        return var

    def v(name, edge="i"):
        return record(tensorgrad.Variable(name, **{edge: size[edge]}), (edge,))

    def M(name, row, col):
        return record(tensorgrad.Variable(name, **{row: size[row], col: size[col]}), (row, col))

    def s(name):
        return record(tensorgrad.Variable(name), ())

    t.v, t.M, t.s = v, M, s
    return t


def sympy_derive(s, case: Case):
    expr, var = case.sympy(s)
    return expr, expr.diff(var)


def tg_derive(t, case: Case):
    t.declared = {}  # the variables of this case, with their edges in (row, column) order
    expr, var = case.tg(t)
    return expr.grad(var, {e: "d_" + e for e in var.edges}).full_simplify(), var


# --------------------------------------------------------------------------------------------------
# Timing and checking
# --------------------------------------------------------------------------------------------------

CLOCK = time.perf_counter  # --clock cpu: time.process_time, which leaves out the time other processes hold the CPU


def timed(fn: Callable[[], Any], budget: float, max_runs: int, setup: Callable[[], Any] | None = None):
    """(result of a warm-up call, median seconds of the calls that follow). The warm-up may raise."""
    if setup:
        setup()
    result = fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_runs and (len(times) < 3 or time.perf_counter() - start < budget):
        if setup:
            setup()
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
        if times[-1] > 2.0:  # one slow call is measurement enough
            break
    return result, statistics.median(times)


def sample(case: Case, rng):
    """A random point where the expression is defined: ({name: 2-D array}, the parsed expression)."""
    from matcalc.checking import dim_names_of, sample_point

    f = mc.parse(case.text, case.where)
    sizes = dict(zip(dim_names_of([f]), SIZES))
    arrays = sample_point([f], sizes, rng, kink_expr=f)
    if arrays is None:
        raise RuntimeError("no random point where the expression is defined")
    return arrays, f


def reference(f, wrt: str, arrays) -> np.ndarray:
    """Central finite differences: rows indexed by vec_C(variable), columns by vec_C(f) (denominator layout)."""
    base = arrays[wrt]
    out = []
    for idx in np.ndindex(base.shape):
        h = 1e-6 * max(1.0, abs(base[idx]))
        plus, minus = dict(arrays), dict(arrays)
        plus[wrt], minus[wrt] = base.copy(), base.copy()
        plus[wrt][idx] += h
        minus[wrt][idx] -= h
        fp = np.atleast_1d(np.asarray(mc.evaluate(f, plus), dtype=float)).ravel()
        fm = np.atleast_1d(np.asarray(mc.evaluate(f, minus), dtype=float)).ravel()
        out.append((fp - fm) / (2 * h))
    return np.array(out)


def agree(got: np.ndarray, ref: np.ndarray) -> tuple[bool, str]:
    if got.size == 1 and ref.size > 1:  # a scalar 0 for a matrix-valued derivative
        got = np.full(ref.shape, got.reshape(-1)[0])
    if got.size != ref.size:
        return False, f"result has {got.size} entries, expected {ref.size}"
    got = got.reshape(ref.shape)
    if not np.all(np.isfinite(got)):
        return False, "result is not finite"
    err = float(np.max(np.abs(got - ref)) / max(1.0, float(np.max(np.abs(ref)))))
    return err < TOLERANCE, f"relative error {err:.1e}"


def sympy_value(s, expr, result, arrays) -> np.ndarray:
    """SymPy's answer evaluated at the point: dimensions from the arrays, then explicit matrices."""
    sp = s.sp
    dims = {}
    for ms in expr.atoms(sp.MatrixSymbol):
        for d, size in zip(ms.shape, arrays[ms.name].shape):
            if isinstance(d, sp.Symbol):
                dims[d] = size
    e = result.subs(dims)
    rep = {ms: sp.ImmutableMatrix(arrays[ms.name]) for ms in e.atoms(sp.MatrixSymbol)}
    rep.update({sym: sp.Float(float(arrays[sym.name][0, 0])) for sym in e.free_symbols
                if isinstance(sym, sp.Symbol) and sym.name in arrays})
    e = e.xreplace(rep).doit()
    if hasattr(e, "as_explicit"):
        e = e.as_explicit()
    if isinstance(e, (sp.MatrixBase, sp.NDimArray)):  # an array expression (PermuteDims, ...) gives an NDimArray
        return np.array(e.tolist(), dtype=float)
    return np.array([[float(sp.N(e))]])


def tg_value(t, result, var, arrays) -> np.ndarray:
    """tensorgrad's answer at the point, through its compiler (torch has no named tensors any more)."""
    import torch
    from tensorgrad.compiler.runtime import CompiledProgram

    dims = {}
    for v, edges in t.declared.values():
        for e, size in zip(edges, arrays[v.name].shape if len(edges) == 2 else arrays[v.name].shape[:1]):
            dims[v.shape[e]] = size
    program = CompiledProgram((result,))
    fn = program.codegen.specialize(dims, dtype=torch.float64)
    args = []
    for v in program.vars:
        declared = t.declared[v.name][1]
        value = _tensor_value(arrays[v.name], declared)
        args.append(torch.tensor(np.transpose(value, [declared.index(e) for e in v.edges]) if declared else value))
    out = fn(*args)[0].numpy()
    names = list(program.outputs[0][1])
    wanted = ["d_" + e for e in var.edges] + [e for e in names if not e.startswith("d_")]
    return np.transpose(out, [names.index(e) for e in wanted]) if names else out


def _tensor_value(array, edges):
    if not edges:
        return np.asarray(array.reshape(-1)[0])
    return array.reshape(-1) if len(edges) == 1 else array


def run_case(case: Case, s, t, args) -> Row:
    row = Row(case)
    budget, runs = args.budget, args.runs

    # matcalc
    try:
        d, sec = timed(lambda: mc.derive(case.text, case.wrt, where=case.where), budget, runs)
        tree = mc.parse(case.text, case.where)
        _, sec_tree = timed(lambda: mc.derive(tree, case.wrt), budget, runs)
        out = Outcome("ok", sec * 1e3, str(d))
        row.results["tree"] = Outcome("ok", sec_tree * 1e3)
        if not args.no_verify:
            report = d.check(trials=1)
            if report.status == "fail":
                out.status, out.detail = "wrong", f"{d}  [{report}]"
            elif report.status != "pass":
                out.status, out.detail = "unchecked", f"{d}  [{report}]"
    except mc.MatcalcError as exc:
        out = Outcome("unsupported", None, f"{type(exc).__name__}: {exc}")
        row.results["tree"] = Outcome("unsupported")
    row.results["matcalc"] = out

    point = None
    if not args.no_verify and (s is not None or t is not None):
        try:
            arrays, f = sample(case, np.random.default_rng(1))
            point = arrays, reference(f, case.wrt, arrays)
        except Exception as exc:  # a benchmark reports, it does not stop
            point = exc

    # SymPy
    if s is None:
        row.results["sympy"] = Outcome("not installed")
    elif case.sympy is None:
        row.results["sympy"] = Outcome("n/a")
    else:
        setup = None if args.sympy_cache else s.sp.core.cache.clear_cache
        try:
            (expr, result), sec = timed(lambda: sympy_derive(s, case), budget, runs, setup)
            out = Outcome("ok", sec * 1e3, str(result))
            if result.has(s.sp.Derivative):
                out.status, out.detail = "unsupported", f"unevaluated: {result}"
            elif isinstance(point, tuple):
                try:
                    ok, why = agree(sympy_value(s, expr, result, point[0]), point[1])
                except Exception as exc:
                    ok, why = False, f"cannot evaluate ({type(exc).__name__}: {exc})"
                if not ok:
                    out.status, out.detail = "wrong", f"{result}  [{why}]"
            elif point is not None:
                out.status, out.detail = "unchecked", f"{result}  [{point}]"
        except Exception as exc:
            out = Outcome("unsupported", None, f"{type(exc).__name__}: {str(exc)[:120]}")
        row.results["sympy"] = out

    # tensorgrad
    if t is None:
        row.results["tensorgrad"] = Outcome("not installed")
    elif case.tg is None:
        row.results["tensorgrad"] = Outcome("n/a")
    else:
        try:
            (result, var), sec = timed(lambda: tg_derive(t, case), budget, runs)
            out = Outcome("ok", sec * 1e3, "")
            if isinstance(point, tuple):
                try:
                    ok, why = agree(tg_value(t, result, var, point[0]), point[1])
                except Exception as exc:
                    ok, why = None, f"cannot evaluate ({type(exc).__name__}: {str(exc)[:120]})"
                if ok is None:
                    out.status, out.detail = "unchecked", why
                elif not ok:
                    out.status, out.detail = "wrong", why
        except Exception as exc:
            out = Outcome("unsupported", None, f"{type(exc).__name__}: {str(exc)[:120]}")
        row.results["tensorgrad"] = out
    return row


# --------------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------------

MARK = {"wrong": "!", "unchecked": "?"}


def cell(o: Outcome) -> str:
    if o.ms is not None and o.status in ("ok", "wrong", "unchecked"):
        return f"{o.ms:.2f}{MARK.get(o.status, '')}"
    return {"unsupported": "unsup", "not installed": "not inst."}.get(o.status, o.status)


def ratio(a: Outcome, b: Outcome) -> str:
    if a.status == "ok" and b.status == "ok" and a.ms and b.ms:
        return f"{a.ms / b.ms:.1f}x"
    return ""


def succeeded(o: Outcome) -> bool:
    return o.status in ("ok", "unchecked")


def report(rows: list[Row], args) -> str:
    lines = []
    w = max(len(r.case.name) for r in rows)
    head = (f"{'case':<{w}}  {'group':<8} {'matcalc':>8} {'(tree)':>7} {'sympy':>9} {'tensorgrad':>10} "
            f"{'sympy/mc':>9} {'tg/mc':>7}")
    lines += [head, "-" * len(head)]
    for r in rows:
        mc_, tr, sy, tg = (r.results[k] for k in ("matcalc", "tree", "sympy", "tensorgrad"))
        lines.append(f"{r.case.name:<{w}}  {r.case.group:<8} {cell(mc_):>8} {cell(tr):>7} {cell(sy):>9} {cell(tg):>10} "
                     f"{ratio(sy, mc_):>9} {ratio(tg, mc_):>7}")
    lines.append("")
    clock = "process CPU time" if args.clock == "cpu" else "wall clock"
    lines.append(f"times in ms ({clock}, median per derivation); '!' = wrong answer (fails the numeric check), "
                 "'?' = not checked, 'unsup' = exception or unevaluated result, 'n/a' = the library cannot express the case")
    lines.append("matcalc = mc.derive(text, wrt) including parsing; (tree) = from a pre-parsed tree; "
                 f"sympy = build + expr.diff(X) ({'warm cache' if args.sympy_cache else 'cache cleared before each call'}); "
                 "tensorgrad = build + expr.grad(X).full_simplify()")

    problems = [(r.case.name, k, r.results[k]) for r in rows for k in ("matcalc", "sympy", "tensorgrad")
                if r.results[k].status in ("wrong", "unsupported", "unchecked")]
    if problems:
        lines.append("")
        lines.append("Failures and unchecked answers:")
        for name, system, o in problems:
            lines.append(f"  {name} [{system}] {o.status}: {o.detail}"[:400])

    # summary
    def ms_of(group=None):
        return [r.results["matcalc"].ms for r in rows
                if succeeded(r.results["matcalc"]) and (group is None or r.case.group == group)]

    lines.append("")
    lines.append("Summary")
    for label, group in (("textbook", "textbook"), ("ML losses", "ml"), ("all", None)):
        ms = ms_of(group)
        if ms:
            lines.append(f"  matcalc median per case, {label:<9}: {statistics.median(ms):6.2f} ms "
                         f"(max {max(ms):.2f} ms, {len(ms)} cases)")
    tree_ms = [r.results["tree"].ms for r in rows if r.results["tree"].ms is not None]
    if tree_ms:
        lines.append(f"  matcalc median per case, from a tree: {statistics.median(tree_ms):6.2f} ms")
    n = len(rows)
    for system in ("matcalc", "sympy", "tensorgrad"):
        outs = [r.results[system] for r in rows]
        if all(o.status == "not installed" for o in outs):
            lines.append(f"  {system:<10}: not installed")
            continue
        counts = {k: sum(o.status == k for o in outs) for k in ("ok", "unchecked", "wrong", "unsupported", "n/a")}
        lines.append(f"  {system:<10}: {counts['ok'] + counts['unchecked']}/{n} succeeded"
                     + (f" ({counts['unchecked']} unchecked)" if counts["unchecked"] else "")
                     + f"; wrong {counts['wrong']}, unsupported {counts['unsupported']}, not expressible {counts['n/a']}")
        if system != "matcalc":
            both = [r for r in rows if succeeded(r.results["matcalc"]) and r.results[system].status == "ok"]
            faster = [r for r in both if r.results["matcalc"].ms < r.results[system].ms]
            if both:
                ratios = [r.results[system].ms / r.results["matcalc"].ms for r in both]
                lines.append(f"  {'':<10}  matcalc faster on {len(faster)}/{len(both)} cases both do correctly; "
                             f"{system}/matcalc time ratio: median {statistics.median(ratios):.1f}x, "
                             f"min {min(ratios):.1f}x, max {max(ratios):.1f}x")
                slower = [r.case.name for r in both if r not in faster]
                if slower:
                    lines.append(f"  {'':<10}  matcalc slower on: {', '.join(slower)}")

    lines.append("")
    lines.append("Targets")
    tb = ms_of("textbook")
    if tb:
        med = statistics.median(tb)
        lines.append(f"  median derivation per textbook case < {TARGET_MEDIAN_MS:g} ms: {med:.2f} ms  "
                     f"{'MET' if med < TARGET_MEDIAN_MS else 'NOT MET'}")
    sy = [r for r in rows if succeeded(r.results["matcalc"]) and r.results["sympy"].status == "ok"]
    if all(r.results["sympy"].status == "not installed" for r in rows):
        lines.append("  faster than SymPy on every case both can do: SymPy not installed")
    elif sy:
        faster = sum(r.results["matcalc"].ms < r.results["sympy"].ms for r in sy)
        lines.append(f"  faster than SymPy on every case both can do: {faster}/{len(sy)}  "
                     f"{'MET' if faster == len(sy) else 'NOT MET'}")
    wrong = [r.case.name for r in rows if r.results["matcalc"].status in ("wrong", "unsupported")]
    lines.append(f"  matcalc correct on every case: {n - len(wrong)}/{n}  {'MET' if not wrong else 'NOT MET'}"
                 + (f" ({', '.join(wrong)})" if wrong else ""))
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (budget 0.05 s, at most 5 calls)")
    parser.add_argument("--budget", type=float, default=0.2, help="seconds of repeated calls per case and system")
    parser.add_argument("--runs", type=int, default=20, help="at most this many timed calls per case and system")
    parser.add_argument("--only", default=None, help="run the cases whose name contains this text")
    parser.add_argument("--no-verify", action="store_true", help="skip the numeric checks of the answers")
    parser.add_argument("--no-sympy", action="store_true", help="leave SymPy out")
    parser.add_argument("--no-tensorgrad", action="store_true", help="leave tensorgrad out")
    parser.add_argument("--sympy-cache", action="store_true", help="keep SymPy's global cache between calls")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                        help="time with the wall clock (default) or the process's CPU time (steadier on a busy machine)")
    args = parser.parse_args(argv)
    if args.quick:
        args.budget, args.runs = 0.05, 5
    global CLOCK
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter

    cases = [c for c in suite() if args.only is None or args.only in c.name]
    if not cases:
        print(f"no case matches {args.only!r}")
        return 2
    started = time.perf_counter()
    s = None if args.no_sympy else sympy_namespace()
    t = None if args.no_tensorgrad else tg_namespace()
    versions = [f"matcalc {mc.__version__}", f"numpy {np.__version__}"]
    versions.append(f"sympy {s.sp.__version__}" if s else "sympy " + ("left out" if args.no_sympy else "not installed"))
    if t:
        from importlib.metadata import version

        versions.append(f"tensorgrad {version('tensorgrad')}")
    else:
        versions.append("tensorgrad " + ("left out" if args.no_tensorgrad else "not installed"))
    print(f"Derivation benchmark: {len(cases)} cases ({sum(c.group == 'textbook' for c in cases)} textbook, "
          f"{sum(c.group == 'ml' for c in cases)} ML losses); {', '.join(versions)}; Python {sys.version.split()[0]}")
    print()
    rows = []
    for case in cases:
        rows.append(run_case(case, s, t, args))
    print(report(rows, args))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
