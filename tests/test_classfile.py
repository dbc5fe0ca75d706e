"""Reading a class's answers file as spreadsheets and platforms export it (matcalc/classfile.py): every row
is read, or named with the reason it cannot be; nothing is dropped or shifted silently."""

from __future__ import annotations

import pytest

from matcalc.classfile import decode, read_class
from matcalc.errors import MatcalcError

CLASS = "id,expression,wrt,answer\ns1,x.T@A@x,x,2*A@x\nJosé,x.T@x,x,2*x\nZoë,y.T@A@x,x,A.T@y\n"


def _read(tmp_path, data: bytes, name="class.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return read_class(path)


def _ids(c):
    return [r.get("id") for r in c.rows]


@pytest.mark.parametrize("encoding, data", [
    ("utf-8", CLASS.encode("utf-8")),
    ("utf-8-sig", CLASS.encode("utf-8-sig")),  # Excel's "CSV UTF-8"
    ("utf-16", CLASS.encode("utf-16")),  # Excel's "Unicode text", with its byte-order mark
    ("utf-16-le", CLASS.encode("utf-16-le")),
    ("utf-16-be", CLASS.encode("utf-16-be")),
])
def test_unicode_encodings_are_read_without_a_warning(tmp_path, encoding, data):
    c = _read(tmp_path, data)
    assert _ids(c) == ["s1", "José", "Zoë"]
    assert c.encoding == encoding
    assert c.warnings == []


@pytest.mark.parametrize("encoding, words", [("cp1252", "Windows-1252"), ("latin-1", "Windows-1252")])
def test_a_legacy_encoding_is_read_and_named(tmp_path, encoding, words):
    c = _read(tmp_path, CLASS.encode(encoding))
    assert _ids(c) == ["s1", "José", "Zoë"]  # é and ë are the same bytes in both
    assert len(c.warnings) == 1 and words in c.warnings[0] and "UTF-8" in c.warnings[0]


def test_bytes_undefined_in_windows_1252_are_read_as_latin_1():
    text, encoding, warning = decode("id\u0081x".encode("latin-1"))
    assert (text, encoding) == ("id\u0081x", "latin-1") and "Latin-1" in warning


def test_a_broken_utf16_file_is_refused_with_advice(tmp_path):
    with pytest.raises(MatcalcError, match="save it as CSV UTF-8"):
        _read(tmp_path, b"\xff\xfe" + "id,expression".encode("utf-16-le") + b"\x00\xd8")


@pytest.mark.parametrize("delimiter, word", [(";", "semicolons"), ("\t", "tabs")])
def test_semicolon_and_tab_separated_files(tmp_path, delimiter, word):
    c = _read(tmp_path, CLASS.replace(",", delimiter).encode())
    assert _ids(c) == ["s1", "José", "Zoë"] and c.delimiter == delimiter
    assert c.rows[0]["answer"] == "2*A@x"
    assert any(word in w for w in c.warnings)


def test_semicolons_with_commas_inside_fields(tmp_path):
    text = 'id;expression;wrt;answer;where\ns1;x.T@A@x;x;2*A@x;A: matrix(n, n)\n'
    c = _read(tmp_path, text.encode())
    assert c.rows[0]["where"] == "A: matrix(n, n)" and "problem" not in c.rows[0]


def test_windows_line_ends_and_blank_lines(tmp_path):
    c = _read(tmp_path, ("\r\n" + CLASS.replace("\n", "\r\n\r\n")).encode())
    assert _ids(c) == ["s1", "José", "Zoë"] and c.warnings == []
    assert [r["line"] for r in c.rows] == ["4", "6", "8"]


def test_an_open_quote_does_not_swallow_the_rows_after_it(tmp_path):
    text = 'id,expression,wrt,answer\ns1,x.T@x,x,"2*x\ns2,x.T@x,x,2*x\ns3,x.T@x,x,"x + x"\n'
    c = _read(tmp_path, text.encode())
    assert _ids(c) == ["s1", "s2", "s3"]
    assert "quote is left open" in c.rows[0]["problem"]
    assert "problem" not in c.rows[1] and c.rows[2]["answer"] == "x + x"
    assert any(":2:" in w and "quote" in w for w in c.warnings)


def test_a_repeated_header_is_skipped_with_a_warning(tmp_path):
    text = CLASS + "id,expression,wrt,answer\ns9,x.T@x,x,2*x\n"
    c = _read(tmp_path, text.encode())
    assert _ids(c) == ["s1", "José", "Zoë", "s9"]
    assert any(":5:" in w and "repeats the header" in w for w in c.warnings)


def test_two_columns_of_one_name_refuse_the_file(tmp_path):
    with pytest.raises(MatcalcError, match="two answer columns"):
        _read(tmp_path, b"id,expression,wrt,answer,Answer\ns1,x.T@x,x,2*x,x\n")


def test_an_unquoted_comma_is_not_graded_with_shifted_columns(tmp_path):
    text = "id,expression,wrt,answer,where\ns1,x.T@A@x,x,A@x + A.T@x,A: matrix(n, n)\ns2,x.T@x,x,2*x,\n"
    c = _read(tmp_path, text.encode())
    assert "6 fields where the header has 5" in c.rows[0]["problem"] and "double quotes" in c.rows[0]["problem"]
    assert "problem" not in c.rows[1]  # a trailing empty field is not an extra one


def test_a_short_row_is_graded_only_when_what_is_missing_is_optional(tmp_path):
    text = "id,expression,wrt,answer,where,layout\ns1,x.T@x,x,2*x\ns2,x.T@x,x\n"
    c = _read(tmp_path, text.encode())
    assert "problem" not in c.rows[0] and c.rows[0]["layout"] == ""
    assert "no answer" in c.rows[1]["problem"]


def test_extra_columns_are_kept_out_and_names_are_case_blind(tmp_path):
    c = _read(tmp_path, b"Name,ID,Expression,WRT,Answer\nAda,s1,x.T@x,x,2*x\n")
    assert c.rows[0]["id"] == "s1" and c.rows[0]["answer"] == "2*x" and "name" not in c.rows[0]


def test_a_student_answering_a_question_twice_is_graded_twice_and_named(tmp_path):
    text = CLASS + "s1,x.T@A@x,x,(A + A.T)@x\ns1,x.T@x,x,2*x\n"
    c = _read(tmp_path, text.encode())
    assert _ids(c) == ["s1", "José", "Zoë", "s1", "s1"]
    dup = [w for w in c.warnings if "again" in w]
    assert len(dup) == 1 and "s1" in dup[0] and ":5:" in dup[0] and "line 2" in dup[0]


@pytest.mark.parametrize("data, match", [
    (b"", "empty"),
    (b"\n \n", "empty"),
    (b"student;question\n1;2\n", "needs the columns"),
])
def test_files_that_cannot_be_graded_at_all(tmp_path, data, match):
    with pytest.raises(MatcalcError, match=match):
        _read(tmp_path, data)


def test_a_missing_file(tmp_path):
    with pytest.raises(MatcalcError, match="cannot read"):
        read_class(tmp_path / "nope.csv")


def test_a_quoted_answer_on_two_lines_is_one_row(tmp_path):
    text = 'id,expression,wrt,answer\ns1,x.T@A@x,x,"(A + A.T)\n@ x"\ns2,x.T@x,x,2*x\n'
    c = _read(tmp_path, text.encode())
    assert _ids(c) == ["s1", "s2"] and c.warnings == []
    assert c.rows[0]["answer"] == "(A + A.T)\n@ x" and c.rows[0]["line"] == "2" and c.rows[1]["line"] == "4"


def test_an_open_quote_before_quoted_rows_is_still_only_that_row(tmp_path):
    text = 'id,expression,wrt,answer\ns1,x.T@x,x,"2*x\ns2,x.T@x,x,"x + x"\ns3,x.T@x,x,"2 x"\n'
    c = _read(tmp_path, text.encode())
    assert _ids(c) == ["s1", "s2", "s3"]
    assert "quote is left open" in c.rows[0]["problem"]
    assert [r.get("answer") for r in c.rows[1:]] == ["x + x", "2 x"]
