"""Characters no installed font has (`cpdgen.render.glyphs`): which need a
glyph, and the warning naming the record."""

from __future__ import annotations

from dataclasses import replace

from cpdgen.model.records import Source
from cpdgen.render.glyphs import SHOWN, Coverage, unprintable

from helpers.records import act, recs


class _Fonts(Coverage):
    """Fonts that have every character but those given."""

    def __init__(self, lacking: str) -> None:
        self.lacking = set(lacking)

    def has(self, char: str) -> bool:
        return char not in self.lacking


def test_controls_spaces_joiners_and_variation_selectors_need_no_glyph():
    fonts = _Fonts("\u200d\ufe0f\u00a0\u2028\x07é")
    assert fonts.missing("a\u200d\ufe0f\u00a0\u2028\x07é") == {"é"}


def test_a_record_with_characters_no_font_has_is_named_with_them():
    record = replace(act("x", title="Talk 中文"), source=Source("records/activities/list.yaml", 2))
    (warning,) = unprintable(recs(record, act("y", title="Plain")), _Fonts("中"))
    assert warning.startswith("records/activities/list.yaml (record 3): no installed font has 中 (U+4E2D);")
    assert unprintable(recs(record), _Fonts("")) == []


def test_at_most_a_few_characters_are_named_and_the_rest_counted():
    lacking = "".join(chr(0x4E00 + n) for n in range(SHOWN + 3))
    (warning,) = unprintable(recs(act("x", title=f"Talk {lacking}")), _Fonts(lacking))
    assert warning.count("(U+") == SHOWN and " and 3 more;" in warning


def test_the_fonts_of_this_machine_have_latin_text():
    assert Coverage().missing("Siân Hughes – “CEng” £5 € ½") == set()
