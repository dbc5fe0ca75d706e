"""The README's tour is real output: every `$ matcalc ...` block is re-run and compared."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _console_examples() -> list[tuple[str, str, int]]:
    """(command, output, exit status) of every example; the status is 0 unless an `echo $?` line follows."""
    text = README.read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        chunks = re.split(r"^\$ ", block, flags=re.M)
        for chunk in chunks[1:]:
            command, _, output = chunk.partition("\n")
            if command.strip() == "echo $?":
                last = examples.pop()
                examples.append((last[0], last[1], int(output.strip())))
            else:
                examples.append((command, output.strip("\n"), 0))
    return examples


def _normalise(text: str) -> str:
    """Finite-difference error figures depend on the machine's arithmetic; compare their status only."""
    return re.sub(r"max relative error [0-9.e+-]+", "max relative error …", text)


EXAMPLES = _console_examples()


def test_readme_has_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("command,expected,status", EXAMPLES, ids=[c for c, _, _ in EXAMPLES])
def test_readme_example_output(command, expected, status):
    args = shlex.split(command)
    assert args[0] == "matcalc"
    result = subprocess.run([sys.executable, "-m", "matcalc", *args[1:]], capture_output=True, text=True, timeout=120)
    assert result.returncode == status, result.stderr
    assert _normalise(result.stdout.strip("\n")) == _normalise(expected)
