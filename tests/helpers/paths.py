"""Where the project's own files are, wherever a test file sits."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_RECORDS = PROJECT_ROOT / "records"
CORPUS = PROJECT_ROOT / "tests" / "corpus"  # the validation corpus: invalid/ and valid/ cases
