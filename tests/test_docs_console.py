"""The docs' command-line examples are real: every ```console block in docs/*.md and README.md is re-run.

Each `$ matcalc ...` line runs as `python -m matcalc ...` and its standard output and standard error,
together, must be what the page shows below it. A `$ echo $?` line shows the exit status of the
command before it. Only the finite-difference error figure (`max relative error 1.1e-10`) is
normalised: it depends on the machine's floating-point arithmetic.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


@dataclass(frozen=True)
class Command:
    page: str
    block: int  # 1-based index of the console block on its page
    line: str  # the command, without the leading "$ "
    expected: str  # the output the page shows, or the exit status for `echo $?`


def console_blocks(text: str) -> list[str]:
    return re.findall(r"^```console\n(.*?)^```", text, flags=re.S | re.M)


def commands_of(block: str) -> list[tuple[str, str]]:
    """(command, shown output) pairs of one console block; the output runs up to the next `$ ` line."""
    pairs = []
    for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
        command, _, output = chunk.partition("\n")
        pairs.append((command.strip(), output))
    return pairs


def normalise(text: str) -> str:
    """Trailing spaces and blank lines dropped; the error figure of a numeric check replaced by …."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    return re.sub(r"max relative error [0-9.eE+-]+", "max relative error …", "\n".join(lines).strip("\n"))


def run(command: str) -> tuple[str, int]:
    """Run `matcalc ARGS` as `python -m matcalc ARGS`; return stdout and stderr together, and the exit status."""
    args = shlex.split(command)
    assert args and args[0] == "matcalc", f"a console example must run matcalc: {command!r}"
    env = dict(os.environ, COLUMNS="100", PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    env.pop("LINES", None)
    result = subprocess.run(
        [sys.executable, "-m", "matcalc", *args[1:]],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
        env=env, cwd=ROOT, timeout=300,
    )
    return result.stdout, result.returncode


def collect() -> list[list[Command]]:
    """Every console block of every page, as the list of its commands (run in order)."""
    blocks = []
    for page in PAGES:
        for number, block in enumerate(console_blocks(page.read_text(encoding="utf-8")), 1):
            commands = [Command(page.name, number, line, output) for line, output in commands_of(block)]
            if commands:
                blocks.append(commands)
    return blocks


BLOCKS = collect()


def test_the_pages_have_console_examples():
    pages = {commands[0].page for commands in BLOCKS}
    assert {"README.md", "cli.md", "syntax.md", "index.md", "limits.md"} <= pages
    assert sum(len(commands) for commands in BLOCKS) >= 50


def test_normalise_keeps_everything_but_the_error_figure():
    shown = "check: PASS (max relative error 1.1e-10 over 3 random points; sizes n=3; n=4; n=2)"
    assert normalise(shown) == normalise(shown.replace("1.1e-10", "7.5e-11"))
    assert normalise(shown) != normalise(shown.replace("PASS", "FAIL"))
    assert normalise(shown) != normalise(shown.replace("n=4", "n=5"))


@pytest.mark.parametrize(
    "commands", BLOCKS, ids=[f"{c[0].page}#{c[0].block}:{c[0].line[:60]}" for c in BLOCKS]
)
def test_console_block(commands):
    previous_status = None
    for command in commands:
        if command.line == "echo $?":
            assert previous_status is not None, f"{command.page}: `echo $?` with no command before it"
            assert command.expected.strip() == str(previous_status), (
                f"{command.page}: the exit status shown is {command.expected.strip()}, the command gave {previous_status}"
            )
            continue
        output, previous_status = run(command.line)
        assert normalise(output) == normalise(command.expected), (
            f"{command.page}, console block {command.block}: $ {command.line}\n"
            f"--- the page shows:\n{command.expected.strip()}\n--- the command prints:\n{output.strip()}"
        )
