"""cpdgen's modules compiled to bytecode, as an installed copy has them.

`pip install` compiles every module of a package it installs, and an
editable install writes `__pycache__/` on its first run; a benchmark that
times fresh `cpdgen` processes must not time compiling cpdgen's own source
instead (about 70 ms a process on the machine of docs/performance.md, whose
environment sets PYTHONDONTWRITEBYTECODE=1, so that nothing is ever
written). The benchmarks call `compile_cpdgen()` before their first round.
"""

from __future__ import annotations

import compileall
import importlib.util
import sys
from pathlib import Path


def compile_cpdgen() -> Path:
    """Compile the cpdgen package this interpreter imports; its folder."""
    spec = importlib.util.find_spec("cpdgen")
    if spec is None or spec.origin is None:
        raise SystemExit("cpdgen is not importable: pip install -e . first")
    package = Path(spec.origin).parent
    if not compileall.compile_dir(str(package), quiet=1):
        print(f"warning: some of {package} did not compile", file=sys.stderr)
    return package
