"""A diagnostic is one line of text, whatever the values it quotes."""

from __future__ import annotations

import pytest

from cpdgen.common.diagnostics import error, one_line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain words, with\ttab", "plain words, with\ttab"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("a\x0bb\x0cc\x1cd\x85e", "a\\x0bb\\x0cc\\x1cd\\x85e"),
        ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("caf\udce9.yaml", "caf\\xe9.yaml"),  # the byte of a Latin-1 file name
        ("\u200b\ufeff", "\\u200b\\ufeff"),
        ("abc\u202edcba", "abc\\u202edcba"),  # a bidirectional override cannot reorder the line
        ("Siân ☃", "Siân ☃"),
    ],
)
def test_one_line_escapes_what_could_break_a_line(text: str, shown: str):
    assert one_line(text) == shown
    assert len(one_line(text).splitlines()) <= 1


def test_a_diagnostic_text_is_one_line_in_file_and_message():
    text = error("records/a\nb.yaml", 2, 3, "'x\nrecords/fake.yaml:1:1: error: forged'").text()
    assert text.splitlines() == [text]
    assert text == "records/a\\nb.yaml:2:3: error: 'x\\nrecords/fake.yaml:1:1: error: forged'"
