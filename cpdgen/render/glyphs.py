"""Characters of the records that no installed font can print.

WeasyPrint prints a character that no font has as `.notdef`, an empty box,
which PDF/A (rule 6.2.11.8) forbids in a file that claims PDF/A-3b. Pango
falls back through every font fontconfig knows, so a character prints as
long as one of them has it: this module asks fontconfig (the library
WeasyPrint's Pango uses, so the same fonts; through cffi, as WeasyPrint
does) whether any font has each character outside ASCII.

`unprintable(records)` gives one warning per record, naming its file and the
characters; `cpdgen build` and the PDF commands print them.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from cpdgen.model.records import Records

SHOWN = 8  # characters named in one warning; the rest are counted
# Characters that never need a glyph: controls, format characters (zero-width
# joiners, marks of direction) and spaces Pango draws as space.
_NO_GLYPH = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_VARIATION_SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))


def _needs_glyph(char: str) -> bool:
    code = ord(char)
    ignorable = any(code in selectors for selectors in _VARIATION_SELECTORS)
    return not ignorable and unicodedata.category(char) not in _NO_GLYPH


_FONTCONFIG = """
    typedef int FcBool;
    typedef unsigned int FcChar32;
    typedef struct _FcConfig FcConfig;
    typedef struct _FcPattern FcPattern;
    typedef struct _FcCharSet FcCharSet;
    typedef struct _FcFontSet { int nfont; int sfont; FcPattern **fonts; } FcFontSet;
    typedef enum { FcResultMatch, FcResultNoMatch, FcResultTypeMismatch, FcResultNoId, FcResultOutOfMemory } FcResult;
    FcConfig * FcInitLoadConfigAndFonts (void);
    void FcConfigDestroy (FcConfig *config);
    FcFontSet * FcConfigGetFonts (FcConfig *config, int set);
    FcResult FcPatternGetCharSet (FcPattern *p, const char *object, int n, FcCharSet **c);
    FcBool FcCharSetHasChar (const FcCharSet *fcs, FcChar32 ucs4);
"""
_LIBRARY_NAMES = ("libfontconfig.so.1", "libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.1.dylib",
                  "libfontconfig-1.dll")  # fmt: skip


class Coverage:
    """What the installed fonts can print: fontconfig's character set of
    every font it knows (its cache; no font file is opened), the fonts
    WeasyPrint's Pango falls back through. None of it where fontconfig does
    not load: then nothing is reported."""

    def __init__(self) -> None:
        from cffi import FFI  # WeasyPrint's own binding library

        self._ffi = FFI()
        self._ffi.cdef(_FONTCONFIG)
        self._lib: Any = None
        for name in _LIBRARY_NAMES:
            try:
                self._lib = self._ffi.dlopen(name)
                break
            except OSError:
                continue
        self._sets: list[Any] = []
        if self._lib is not None:
            self._config = self._lib.FcInitLoadConfigAndFonts()
            fonts = self._lib.FcConfigGetFonts(self._config, 0)  # FcSetSystem
            found = self._ffi.new("FcCharSet **")
            for n in range(fonts.nfont if fonts != self._ffi.NULL else 0):
                if self._lib.FcPatternGetCharSet(fonts.fonts[n], b"charset", 0, found) == 0:  # FcResultMatch
                    self._sets.append(found[0])
        self._known: dict[str, bool] = {}

    def has(self, char: str) -> bool:
        if char not in self._known:
            code = ord(char)
            self._known[char] = not self._sets or any(self._lib.FcCharSetHasChar(s, code) for s in self._sets)
        return self._known[char]

    def missing(self, chars: Iterable[str]) -> set[str]:
        return {char for char in chars if not char.isascii() and _needs_glyph(char) and not self.has(char)}


@lru_cache(maxsize=1)
def installed() -> Coverage:
    """The fonts of this machine (read once a process)."""
    return Coverage()


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name != "source":
                yield from _texts(getattr(value, field.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item)


def unprintable(records: Records, coverage: Coverage | None = None) -> list[str]:
    """One warning per record holding characters no installed font has:
    its file, the characters (at most SHOWN of them) and what to do."""
    warnings = []
    for kind_records in records.items.values():
        for record in kind_records:
            chars = {char for text in _texts(record) if not text.isascii() for char in text}
            if not chars:
                continue
            missing = sorted((coverage or installed()).missing(chars))
            if missing:
                shown = ", ".join(f"{char} (U+{ord(char):04X})" for char in missing[:SHOWN])
                more = f" and {len(missing) - SHOWN} more" if len(missing) > SHOWN else ""
                where = record.source.file + (
                    f" (record {record.source.index + 1})" if record.source.index is not None else ""
                )
                warnings.append(
                    f"{where}: no installed font has {shown}{more}; the PDFs print "
                    "an empty box for each, which PDF/A forbids: install a font that has them "
                    "(see docs/declaration.md, “Fonts”)"
                )
    return warnings
