"""The ``matcalc`` command: a thin front end over the public API.

Exit status: 0 success, 1 user error (parse, shape, declaration, unsupported), 2 bad usage, and for
``matcalc check`` and ``matcalc check-code`` 3 when the answer (the student's function) is not correct. A
user error prints one message (with a caret under the position where there is one), never a traceback.
``matcalc grade`` reads a CSV of answers and writes a report (CSV or Markdown) with a verdict per row and
a summary.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .codegen import TARGETS
from .course import find_course
from .errors import MatcalcError
from .gradebook import grade_rows, read_answers  # noqa: F401 - grade_rows, read_answers: the API of `grade`
from .layout import LAYOUTS, SYMMETRIC, VEC_ORDERS
from .parser import assumptions, read
from .printing import to_latex, to_math, to_text
from .reports import report_csv, report_html, report_markdown, summary_text
from .shapes import describe

NOTATION_CHOICES = ("auto", "numpy", "matlab", "math", "latex")
NOTATION_HELP = ("what '*' between arrays means: numpy (element-wise), matlab or math (matrix product); latex reads "
                 "LaTeX; auto (default) recognises LaTeX by its commands and otherwise decides from the other "
                 "operators of the expression, refusing when they do not say")
EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE, EXIT_WRONG, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 70, 130
REPORTS = {"csv": lambda report, title: report_csv(report), "markdown": report_markdown, "html": report_html}
REPORT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
SYMMETRIC_HELP = ("the gradient w.r.t. a symmetric (spd) matrix X: sym = sym(G) = (G + Gᵀ)/2, the gradient within "
                  "symmetric matrices; cookbook = G + Gᵀ − G∘I, as the Matrix Cookbook (§2.8) writes it")


class _Version(argparse.Action):
    """--version, reading the version only when asked (the metadata lookup costs start-up time)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="show program's version number and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from . import __version__

        print(f"matcalc {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matcalc",
        description="Symbolic matrix calculus: parse, derive and check matrix expressions.",
        epilog='examples: matcalc derive "x.T@A@x" wrt x    matcalc show "x^T A x" --where "A: symmetric"',
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    show = sub.add_parser("show", help="parse an expression; print it, its shape and its assumptions")
    show.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x^T A x" or "x.T @ A @ x"')
    show.add_argument("--notation", choices=NOTATION_CHOICES, default="auto",
                        help=NOTATION_HELP)
    show.add_argument("--where", default=None, help='declarations, e.g. "c: scalar; A: matrix(n, n) symmetric"')
    show.add_argument("--latex", action="store_true", help="also print LaTeX")
    show.set_defaults(run=_show)

    derive = sub.add_parser("derive", help="derive an expression w.r.t. a variable, in closed form")
    derive.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x.T@A@x"')
    derive.add_argument("wrt_word", metavar="wrt", choices=["wrt"], help="the word 'wrt'")
    derive.add_argument("var", metavar="VAR", help="the variable, a name in EXPR")
    derive.add_argument("--layout", choices=LAYOUTS, default="mixed",
                        help="mixed (default): gradients have the variable's shape; numerator: gradients are rows; "
                             "denominator: Jacobians are transposed")
    derive.add_argument("--notation", choices=NOTATION_CHOICES, default="auto",
                        help=NOTATION_HELP)
    derive.add_argument("--where", default=None, help='declarations, e.g. "A: symmetric"')
    derive.add_argument("--vec", choices=VEC_ORDERS, default="col", metavar="ORDER",
                        help="order of matrix entries in a tensor-valued derivative (vec-Jacobian): col = column by "
                             "column (default), row = row by row; a pair gives the output's, then the "
                             "variable's order")
    derive.add_argument("--symmetric", choices=SYMMETRIC, default="sym", help=SYMMETRIC_HELP + " (default sym)")
    derive.add_argument("--steps", action="store_true", help="print the derivation, each step naming its rule")
    derive.add_argument("--latex", action="store_true", help="also print LaTeX")
    derive.add_argument("--check", action="store_true", help="verify against finite differences at random points")
    derive.add_argument("--code", choices=TARGETS, default=None,
                        help="print the derivative as a standalone Python function instead, written with NumPy, "
                             "jax.numpy or PyTorch")
    derive.add_argument("--with-value", action="store_true",
                        help="with --code: the function returns (value, derivative), computing what they share once")
    derive.set_defaults(run=_derive)

    hess = sub.add_parser("hessian", help="the Hessian of a scalar expression w.r.t. a variable, in closed form")
    hess.add_argument("expr", metavar="EXPR", help='a scalar expression, e.g. "0.5*||A@x - b||^2"')
    hess.add_argument("wrt_word", metavar="wrt", choices=["wrt"], help="the word 'wrt'")
    hess.add_argument("var", metavar="VAR", help="the variable, a name in EXPR")
    hess.add_argument("--notation", choices=NOTATION_CHOICES, default="auto",
                        help=NOTATION_HELP)
    hess.add_argument("--where", default=None, help='declarations, e.g. "A: symmetric"')
    hess.add_argument("--vec", choices=["col", "row"], default="col",
                      help="for a matrix variable: flatten it column by column (default) or row by row")
    hess.add_argument("--steps", action="store_true", help="print the derivation")
    hess.add_argument("--latex", action="store_true", help="also print LaTeX")
    hess.add_argument("--check", action="store_true", help="verify against finite differences")
    hess.add_argument("--code", choices=TARGETS, default=None,
                      help="print the Hessian as a standalone Python function instead, written with NumPy, jax.numpy "
                           "or PyTorch")
    hess.set_defaults(run=_hessian, layout="mixed")

    check = sub.add_parser("check", help="judge a proposed derivative: correct, or how it is wrong (exit 3)")
    check.add_argument("expr", metavar="EXPR", help='the expression, e.g. "x.T@A@x"')
    check.add_argument("wrt_word", metavar="wrt", choices=["wrt"], help="the word 'wrt'")
    check.add_argument("var", metavar="VAR", help="the variable, a name in EXPR")
    check.add_argument("--answer", required=True, help='the proposed derivative, e.g. "(A + A.T) @ x"; it may use '
                       "EXPR's names, with EXPR's shapes (write --answer=... if it starts with '-' and has no space)")
    check.add_argument("--notation", choices=NOTATION_CHOICES, default="auto",
                        help=NOTATION_HELP)
    check.add_argument("--where", default=None, help='declarations, e.g. "A: symmetric"')
    check.add_argument("--layout", choices=["any", *LAYOUTS], default=None,
                       help="the layout the answer must use; any (default, unless a matcalc.toml sets the course's): "
                            "accept every layout and say which one")
    check.add_argument("--vec", choices=VEC_ORDERS, default=None, metavar="ORDER",
                       help="vec order expected of a tensor-valued derivative (as for derive; default col, or the "
                            "course's)")
    check.add_argument("--symmetric", choices=SYMMETRIC, default=None,
                       help=SYMMETRIC_HELP + " (default sym, or the course's)")
    check.add_argument("--hessian", action="store_true",
                       help="the answer is the Hessian of EXPR (a scalar) w.r.t. VAR, not its derivative")
    check.add_argument("--steps", action="store_true", help="also print the derivation of the correct closed form")
    check.set_defaults(run=_check)

    code = sub.add_parser("check-code", help="judge a student's gradient function in a Python file: correct, or how it "
                          "is wrong (exit 3)")
    code.add_argument("function", metavar="FILE:FUNCTION", help="the function, e.g. student.py:grad; its parameters "
                      "are named after EXPR's names (a vector comes as a 1-D array, a matrix 2-D, a scalar a float)")
    code.add_argument("expr", metavar="EXPR", help='the expression whose derivative it computes, e.g. "||X@w - y||^2"')
    code.add_argument("wrt_word", metavar="wrt", choices=["wrt"], help="the word 'wrt'")
    code.add_argument("var", metavar="VAR", help="the variable, a name in EXPR")
    code.add_argument("--timeout", type=float, default=None, metavar="S",
                      help="seconds the function has to load and return at every random point (default 10)")
    for action in check._actions:  # check's options: --notation, --where, --layout, --vec, … (but --answer)
        if action.option_strings and action.dest not in ("help", "answer"):
            code._add_action(action)
    code.set_defaults(run=_check)

    grade = sub.add_parser("grade", help="grade a CSV of answers (id, expression, wrt, answer[, where][, layout])")
    grade.add_argument("file", metavar="FILE", help="a CSV file with a header row: id, expression, wrt, answer, "
                       "and optionally where and layout")
    grade.add_argument("--output", "-o", default=None, metavar="REPORT",
                       help="write the report there (default: standard output)")
    grade.add_argument("--format", choices=list(REPORTS), default=None,
                       help="report format; default: markdown for a REPORT ending in .md, html for .html, else csv")
    grade.add_argument("--html", action="store_const", const="html", dest="format",
                       help="an HTML report a browser opens (the same as --format html)")
    grade.add_argument("--resume", action="store_true",
                       help="continue an interrupted run with the same --output: grade only the rows it did not")
    grade.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                       help="grade in N processes (default: the cores available); the report is the same for any N")
    grade.add_argument("--symmetric", choices=SYMMETRIC, default=None,
                       help=SYMMETRIC_HELP + " (default sym, or the course's)")
    grade.set_defaults(run=_grade)
    return parser




def _cores() -> int:
    """The cores this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _show(args) -> int:
    reading = read(args.expr, args.where, notation=args.notation, strict=True)
    e = reading.expr
    print(to_text(e))
    print(f"  math:    {to_math(e)}")
    print(f"  shape:   {describe(e.shape)}")
    print(f"  assumes: {assumptions(e, reading.notes) or '(nothing)'}")
    if args.latex:
        print(f"  latex:   {to_latex(e)}")
    return EXIT_OK


def _derive(args) -> int:
    from .derivative import derive

    return _report(derive(args.expr, args.var, layout=args.layout, where=args.where, vec=args.vec,
                          notation=args.notation, symmetric=args.symmetric), args)


def _hessian(args) -> int:
    from .hessian import hessian

    return _report(hessian(args.expr, args.var, where=args.where, vec=args.vec, notation=args.notation), args)


def _report(d, args) -> int:
    """Print a derivative with what was asked for (LaTeX, steps, check), or only its code."""
    with_value = getattr(args, "with_value", False)
    if with_value and not args.code:
        print("error: --with-value goes with --code (e.g. --code numpy --with-value)", file=sys.stderr)
        return EXIT_USAGE
    if args.code:
        if args.steps or args.latex or args.check:
            print("error: --code prints only the code; leave out --steps, --latex and --check", file=sys.stderr)
            return EXIT_USAGE
        print(d.to_source(target=args.code, with_value=with_value), end="")
        return EXIT_OK
    print(d.describe())
    if args.latex:
        from .derivative import SHORT_RESULT

        long = len(str(d)) > SHORT_RESULT and hasattr(d, "latex_with_lets")  # shared subexpressions named once
        print(f"  latex:   {d.latex_with_lets() if long else d.latex()}")
    if args.steps:
        print("steps:")
        print(d.steps_text())
        if args.latex:  # the derivation as the notes write it, one LaTeX line per step
            print("steps (LaTeX):")
            print(d.steps_latex().replace(r" \\ ", " \\\\\n"))
    if args.check:
        report = d.check()
        print(report)
        if not report.passed and report.status == "fail":
            return EXIT_USER_ERROR
    return EXIT_OK


def _check(args) -> int:
    from .grading import check_answer, check_function

    def judge(expr, var, **options):  # the answer, or (check-code) the student's function, run within --timeout s
        if args.command == "check-code":
            return check_function(args.function, expr, var, timeout=args.timeout, **options)
        return check_answer(expr, var, args.answer, **options)

    course = find_course(".")  # a matcalc.toml here or above fixes the course's conventions
    layout = course.layout if args.layout is None else None if args.layout == "any" else args.layout
    vec = course.vec if args.vec is None else args.vec
    verdict = judge(args.expr, args.var, where=args.where, layout=layout, vec=vec,
                    steps=args.steps, notation=args.notation, order=2 if args.hessian else 1,
                    symmetric=args.symmetric or course.symmetric)
    print(verdict)
    given = [key for key, option in (("layout", args.layout), ("vec", args.vec), ("symmetric", args.symmetric))
             if option is not None or (key == "symmetric" and not verdict.derivative.symmetric_convention)]
    if course.source and len(given) < 3:  # say which conventions were the course's
        print(f"  course:  {course.describe(leave_out=given)}")
    return EXIT_OK if verdict.correct else EXIT_WRONG


def _grade(args) -> int:
    from .classfile import read_class
    from .gradefile import check_output, finish, for_terminal, grade_into, journal_path

    if args.jobs is not None and args.jobs < 1:
        raise MatcalcError(f"--jobs must be at least 1, not {args.jobs}")
    answers, output = Path(args.file), Path(args.output) if args.output else None
    if output is not None:  # before any grading: a wrong path is said at once, and the answers are never replaced
        check_output(output, answers)
    fmt = args.format or REPORT_SUFFIXES.get(output.suffix.lower() if output else "", "csv")
    classfile = read_class(answers)
    for warning in classfile.warnings:
        print(f"warning: {for_terminal(warning)}", file=sys.stderr)
    course = find_course(answers.resolve().parent)
    if course.source:  # (an option given wins: it is not the course's)
        print(f"course: {course.describe(leave_out=['symmetric'] * (args.symmetric is not None))}", file=sys.stderr)
    if args.symmetric is not None:
        course = replace(course, symmetric=args.symmetric)
    try:
        report = grade_into(classfile.rows, answers, output, course, args.jobs or _cores(), resume=args.resume,
                            on_note=lambda note: print(note, file=sys.stderr))
    except KeyboardInterrupt:
        kept = (f"the rows graded so far are kept in {journal_path(output)}; the same command with --resume grades "
                f"the rest" if output else "nothing was written (with --output, an interrupted run can be resumed)")
        print(f"interrupted: {kept}", file=sys.stderr)
        return EXIT_INTERRUPTED
    text = REPORTS[fmt](report, answers.name)
    if output is None:
        sys.stdout.write(for_terminal(text) if sys.stdout.isatty() else text)
        if fmt == "csv":
            sys.stdout.flush()
            print(summary_text(report), file=sys.stderr)
        return EXIT_OK
    finish(output, text)
    print(summary_text(report))
    print(f"report written to {output}")
    return EXIT_OK


def _negative_expressions(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """An expression or answer that starts with a minus (``-\\frac{1}{2} x^\\top x``, ``-2 * x``) is not an
    option: a leading space keeps argparse from reading it as one (the parsers ignore it)."""
    options = {o for action in parser._actions for o in action.option_strings}
    for action in parser._actions:
        for sub in getattr(action, "choices", None) or {}:
            sub_parser = action.choices[sub] if isinstance(action.choices, dict) else None
            if sub_parser is not None:
                options |= {o for a in sub_parser._actions for o in a.option_strings}
    return [(" " + a) if a.startswith("-") and not a.startswith("--") and len(a) > 1 and a.split("=", 1)[0] not in options
            else a for a in argv]


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(_negative_expressions(parser, sys.argv[1:] if argv is None else list(argv)))
    # (parse_args exits with status 2 on bad usage)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return args.run(args)
    except MatcalcError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:  # pragma: no cover
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # pragma: no cover - output piped into `head`
        return EXIT_OK
    except Exception as e:  # pragma: no cover - a bug; still no traceback for the user
        print(f"internal error ({type(e).__name__}): {e}. Please report this input.", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
