"""The ``matcalc`` command: a thin front end over the public API.

Exit status: 0 success, 1 user error (parse, shape, declaration, unsupported), 2 bad usage.
A user error prints one message (with a caret under the position where there is one), never a
traceback.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .errors import MatcalcError
from .parser import assumptions, parse
from .printing import to_latex, to_math, to_text
from .shapes import describe

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matcalc",
        description="Symbolic matrix calculus: parse, derive and check matrix expressions.",
        epilog='examples: matcalc derive "x.T@A@x" wrt x    matcalc show "x^T A x" --where "A: symmetric"',
    )
    parser.add_argument("--version", action="version", version=f"matcalc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    show = sub.add_parser("show", help="parse an expression; print it, its shape and its assumptions")
    show.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x^T A x" or "x.T @ A @ x"')
    show.add_argument("--where", default=None, help='declarations, e.g. "c: scalar; A: matrix(n, n) symmetric"')
    show.add_argument("--latex", action="store_true", help="also print LaTeX")
    show.set_defaults(run=_show)

    derive = sub.add_parser("derive", help="derive an expression w.r.t. a variable, in closed form")
    derive.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x.T@A@x"')
    derive.add_argument("wrt_word", metavar="wrt", choices=["wrt"], help="the word 'wrt'")
    derive.add_argument("var", metavar="VAR", help="the variable, a name in EXPR")
    derive.add_argument("--layout", choices=["mixed", "numerator", "denominator"], default="mixed",
                        help="mixed (default): gradients have the variable's shape; numerator: gradients are rows; "
                             "denominator: Jacobians are transposed")
    derive.add_argument("--where", default=None, help='declarations, e.g. "A: symmetric"')
    derive.add_argument("--vec", choices=["col", "row", "col,row", "row,col"], default="col", metavar="ORDER",
                        help="order of matrix entries in a tensor-valued derivative (vec-Jacobian): col = column by "
                             "column (default), row = row by row (note 000); a pair gives the output's, then the "
                             "variable's order")
    derive.add_argument("--steps", action="store_true", help="print the derivation, each step naming its rule")
    derive.add_argument("--latex", action="store_true", help="also print LaTeX")
    derive.add_argument("--check", action="store_true", help="verify against finite differences at random points")
    derive.set_defaults(run=_derive)

    hess = sub.add_parser("hessian", help="the Hessian of a scalar expression w.r.t. a variable, in closed form")
    hess.add_argument("expr", metavar="EXPR", help='a scalar expression, e.g. "0.5*||A@x - b||^2"')
    hess.add_argument("wrt_word", metavar="wrt", choices=["wrt"], help="the word 'wrt'")
    hess.add_argument("var", metavar="VAR", help="the variable, a name in EXPR")
    hess.add_argument("--where", default=None, help='declarations, e.g. "A: symmetric"')
    hess.add_argument("--vec", choices=["col", "row"], default="col",
                      help="for a matrix variable: flatten it column by column (default) or row by row")
    hess.add_argument("--steps", action="store_true", help="print the derivation")
    hess.add_argument("--latex", action="store_true", help="also print LaTeX")
    hess.add_argument("--check", action="store_true", help="verify against finite differences")
    hess.set_defaults(run=_hessian, layout="mixed")
    return parser


def _show(args) -> int:
    e = parse(args.expr, args.where)
    print(to_text(e))
    print(f"  math:    {to_math(e)}")
    print(f"  shape:   {describe(e.shape)}")
    print(f"  assumes: {assumptions(e) or '(nothing)'}")
    if args.latex:
        print(f"  latex:   {to_latex(e)}")
    return EXIT_OK


def _derive(args) -> int:
    from .derivative import derive

    return _report(derive(args.expr, args.var, layout=args.layout, where=args.where, vec=args.vec), args)


def _hessian(args) -> int:
    from .derivative import hessian

    return _report(hessian(args.expr, args.var, where=args.where, vec=args.vec), args)


def _report(d, args) -> int:
    """Print a derivative with what was asked for (LaTeX, steps, check)."""
    print(d.describe())
    if args.latex:
        print(f"  latex:   {d.latex()}")
    if args.steps:
        print("steps:")
        print(d.steps_text())
    if args.check:
        report = d.check()
        print(report)
        if not report.passed and report.status == "fail":
            return EXIT_USER_ERROR
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with status 2 on bad usage
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except MatcalcError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except BrokenPipeError:  # pragma: no cover - output piped into `head`
        return EXIT_OK
    except Exception as e:  # pragma: no cover - a bug; still no traceback for the user
        print(f"internal error ({type(e).__name__}): {e}. Please report this input.", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
