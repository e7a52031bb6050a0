"""Regenerate docs/file-format.md from the JSON Schemas.

    python docs/generate.py          rewrite docs/file-format.md
    python docs/generate.py --check  exit 1 if it is out of date

Run it after changing any file in schemas/; tests/project/test_docs.py fails until
the committed file matches.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cpdgen.render.file_format import file_format_markdown

HERE = Path(__file__).resolve().parent


TARGET = HERE / "file-format.md"


def main(argv: list[str]) -> int:
    text = file_format_markdown()
    if "--check" in argv:
        current = TARGET.read_text("utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.name} is out of date: run python docs/generate.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, "utf-8")
    print(TARGET)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
