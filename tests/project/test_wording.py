"""Counts are worded by `cpdgen.common.wording` (plural, noun) everywhere:
no message says "problem(s)", and no template words a count by hand."""

from __future__ import annotations

import re

from helpers.paths import PROJECT_ROOT


def test_no_message_or_template_words_a_count_by_hand():
    found = []
    for path in sorted((PROJECT_ROOT / "cpdgen").rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if re.search(r"[a-z]\(s\)", line):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    for path in sorted((PROJECT_ROOT / "site_templates").rglob("*.html")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if re.search(r"""== 1 else ["'](s|ies)["']""", line):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert found == []
