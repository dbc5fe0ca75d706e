"""A class's answers file as teachers really have it: any common encoding and delimiter, and broken rows named.

Spreadsheets and learning platforms export "CSV" in many ways: UTF-8 with or without a byte-order mark,
UTF-16 (Excel's "Unicode text"), Windows-1252 (Excel's "CSV" on Windows), separated by commas, semicolons
(where the comma is the decimal mark) or tabs. :func:`read_class` reads them all and says what it assumed;
it never drops or shifts a row silently:

* a quote left open is that row's problem, not a reason to swallow the rows after it (a quoted field
  may still hold a line break when the record it makes has exactly the header's fields);
* a row with more fields than the header (an unquoted comma in an answer) is not graded: its columns would
  be shifted; one with fewer is graded only when what is missing is optional;
* a line that repeats the header (two exports pasted together) is skipped with a warning;
* two columns with one required name (two ``answer`` columns) refuse the file: which one is meant?
* the same student answering the same question twice is graded twice (nothing is lost), with a warning.

Each row keeps its line number (``line``) and, when it cannot be graded, the reason (``problem``).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import MatcalcError

REQUIRED_COLUMNS = ("id", "expression", "wrt", "answer")
OPTIONAL_COLUMNS = ("where", "layout")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
LEGACY_ENCODINGS = (("cp1252", "Windows-1252 (Excel's CSV on Windows)"), ("latin-1", "Latin-1 (ISO 8859-1)"))
LINE_BREAK = re.compile(r"\r\n|\r|\n")
MAX_SPAN = 4  # lines one record may span, a quoted field holding line breaks


@dataclass
class ClassFile:
    """The rows (column name → text, plus ``line`` and, for a row that cannot be graded, ``problem``), the
    warnings about the file (each naming its line), and how it was read."""

    rows: list[dict[str, str]]
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


def read_class(path: str | Path) -> ClassFile:
    """Read a grading file; MatcalcError when it cannot be read at all (missing, a required column absent or
    given twice)."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise MatcalcError(f"cannot read {path}: {err.strerror or err}") from None
    name = str(path)
    text, encoding, warning = decode(data)
    text = text.lstrip("\ufeff")
    warnings = [f"{name}: {warning}"] if warning else []
    lines = LINE_BREAK.split(text)
    start = next((k for k, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise MatcalcError(f"{name}: the file is empty; it needs a header row with the columns "
                           f"{', '.join(REQUIRED_COLUMNS)}")
    header_text = lines[start]
    delimiter = _delimiter(header_text, name)
    if delimiter != ",":
        warnings.append(f"{name}: fields separated by {DELIMITERS[delimiter]}s")
    header = _fields(header_text, delimiter)
    columns = _columns(header, name)
    normalized = [h.strip().lower() for h in header]
    rows, seen = [], {}
    k = start
    while k + 1 < len(lines):
        k += 1
        number, line = k + 1, lines[k]
        if not line.strip():
            continue
        try:
            fields = _fields(line, delimiter)
        except csv.Error:
            spanned = _spanning(lines, k, delimiter, len(header))
            if spanned is not None:  # a quoted field with line breaks in it (an answer typed on two lines)
                fields, k = spanned
            else:
                first = next(csv.reader([line], delimiter=delimiter), [""])  # the id, for the report
                student = first[columns["id"]].strip() if columns["id"] < len(first) else ""
                rows.append({"id": student, "line": str(number),
                             "problem": "a quote is left open: the row cannot be read (check its quotes)"})
                warnings.append(f"{name}:{number}: a quote is left open; the row is reported, not graded")
                continue
        if [f.strip().lower() for f in fields] == normalized:
            warnings.append(f"{name}:{number}: repeats the header row (two exports pasted together?); skipped")
            continue
        row = {key: (fields[k].strip() if k < len(fields) else "") for key, k in columns.items()}
        row["line"] = str(number)
        problem = _count_problem(fields, header, columns)
        if problem:
            row["problem"] = problem
            warnings.append(f"{name}:{number}: {problem}")
        elif not row.get("problem"):
            key = (row.get("id", ""), row.get("expression", ""), row.get("wrt", ""))
            if key[0] and key in seen:
                warnings.append(f"{name}:{number}: student {key[0]} answers this question again (line "
                                f"{seen[key]}); both answers are graded")
            seen.setdefault(key, number)
        rows.append(row)
    return ClassFile(rows, warnings, encoding, delimiter)


def _spanning(lines: list[str], k: int, delimiter: str, width: int) -> tuple[list[str], int] | None:
    """(fields, last line index) when line `k` and the next few read as one record with a quoted line
    break and exactly the header's fields; None otherwise (then the quote is simply left open)."""
    for end in range(k + 1, min(k + MAX_SPAN, len(lines))):
        try:
            fields = _fields("\n".join(lines[k:end + 1]), delimiter)
        except csv.Error:
            continue
        return (fields, end) if len(fields) == width else None
    return None


def decode(data: bytes) -> tuple[str, str, str]:
    """(text, encoding, warning or ""): UTF-8 (with or without a byte-order mark), UTF-16 (by its mark, or by
    the zero bytes of ASCII text), else a legacy single-byte encoding, named in the warning."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig", ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16"), "utf-16", ""
    if len(data) >= 4 and data[1::2].count(0) > len(data) // 4 and not data[0::2].count(0):
        return _utf16(data, "utf-16-le"), "utf-16-le", ""
    if len(data) >= 4 and data[0::2].count(0) > len(data) // 4 and not data[1::2].count(0):
        return _utf16(data, "utf-16-be"), "utf-16-be", ""
    try:
        return data.decode("utf-8"), "utf-8", ""
    except UnicodeDecodeError as err:
        where = f"byte {err.start + 1}"
    for encoding, words in LEGACY_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, encoding, (f"not UTF-8 (first at {where}); read as {words}: check accented names, "
                                f"or save the file as CSV UTF-8")
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _utf16(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise MatcalcError("the file looks like UTF-16 but cannot be read as it; save it as CSV UTF-8") from None


def _fields(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter, strict=True), [])


def _delimiter(header: str, name: str) -> str:
    """The delimiter that splits the header into the required columns."""
    for delimiter in DELIMITERS:
        try:
            names = {f.strip().lower() for f in _fields(header, delimiter)}
        except csv.Error:
            continue
        if all(c in names for c in REQUIRED_COLUMNS):
            return delimiter
    try:
        found = ", ".join(f.strip() for f in _fields(header, ",")) or "nothing"
    except csv.Error:
        found = header.strip()
    raise MatcalcError(f"{name}: the header row needs the columns {', '.join(REQUIRED_COLUMNS)} (and optionally "
                       f"{', '.join(OPTIONAL_COLUMNS)}), separated by commas, semicolons or tabs; it has: {found}")


def _columns(header: list[str], name: str) -> dict[str, int]:
    """Each known column's index; a known column named twice refuses the file."""
    columns: dict[str, int] = {}
    for k, raw in enumerate(header):
        key = raw.strip().lower()
        if key not in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS):
            continue
        if key in columns:
            raise MatcalcError(f"{name}: the header has two {key} columns (columns {columns[key] + 1} and {k + 1}); "
                               f"rename or remove one")
        columns[key] = k
    return columns


def _count_problem(fields: list[str], header: list[str], columns: dict[str, int]) -> str:
    """Why a row's field count makes its columns unreliable, or ""."""
    extra = [f for f in fields[len(header):] if f.strip()]
    if extra:
        return (f"{len(fields)} fields where the header has {len(header)}: an unquoted comma? (put a field "
                f"that has commas in double quotes); the row is reported, not graded")
    missing = [key for key in REQUIRED_COLUMNS if columns[key] >= len(fields)]
    if missing:
        return (f"{len(fields)} fields where the header has {len(header)}: no {', '.join(missing)}; "
                f"the row is reported, not graded")
    return ""


__all__ = ["ClassFile", "read_class", "decode", "REQUIRED_COLUMNS", "OPTIONAL_COLUMNS"]
