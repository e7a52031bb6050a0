"""Where cpdgen's own files (schemas, site templates) are.

In a source checkout they sit at the top of the repository; an installed
wheel carries them inside the package under `_data/` (see pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # cpdgen/


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"cpdgen's {name}/ folder is missing from the installation (looked beside {_PACKAGE})")


def schemas_dir() -> Path:
    return _find("schemas")


def templates_dir() -> Path:
    return _find("site_templates")


def policies_dir() -> Path:
    """The professional bodies' policies shipped with cpdgen (data, in the package)."""
    return _PACKAGE / "policies"


def builtin_policies() -> dict[str, Path]:
    """The policies shipped with cpdgen, by name."""
    return {path.stem: path for path in sorted(policies_dir().glob("*.yaml"))}


def builtin_guides() -> dict[str, Path]:
    """The bodies' guides shipped with cpdgen (the IET's), by name."""
    return {path.stem: path for path in sorted((policies_dir() / "guides").glob("*.yaml"))}


def builtin_frameworks() -> dict[str, Path]:
    """The competence frameworks shipped with cpdgen (UK-SPEC), by name."""
    return {path.stem: path for path in sorted((policies_dir() / "frameworks").glob("*.yaml"))}
