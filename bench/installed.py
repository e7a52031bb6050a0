"""The cpdgen a benchmark times: this checkout's, compiled as installed.

Every benchmark calls `use_this_checkout()` before its first round:

- the cpdgen imported, by the benchmark itself and by every `cpdgen`
  process it starts, is the one of the checkout the script is in (a
  `git worktree` of another commit measures that commit), not whichever
  an editable install points at;
- its modules are compiled to bytecode first, as `pip install` does: where
  PYTHONDONTWRITEBYTECODE is set (as on the machine of
  docs/performance.md, so that nothing is ever written) each fresh process
  would otherwise compile cpdgen's source again, about 70 ms that no
  installed copy spends.
"""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def use_this_checkout() -> Path:
    """Import (and have child processes import) this checkout's cpdgen,
    compiled to bytecode; its package folder."""
    package = REPO / "cpdgen"
    if not (package / "__init__.py").is_file():
        raise SystemExit(f"no cpdgen package at {package}")
    if str(REPO) not in sys.path[:1]:
        sys.path.insert(0, str(REPO))
    inherited = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(REPO), inherited] if inherited else [str(REPO)])
    if not compileall.compile_dir(str(package), quiet=1):
        print(f"warning: some of {package} did not compile", file=sys.stderr)
    return package
