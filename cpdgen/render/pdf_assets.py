"""The only files a PDF may load: cpdgen's own PDF assets.

WeasyPrint asks for every stylesheet, image or font a document names through
a URL fetcher. The one cpdgen gives it (`fetch_asset`, wrapped for WeasyPrint
in `cpdgen.render.pdf`) serves files from two folders only, the member's
`site_templates/pdf/` (overrides, first) and cpdgen's built-in
`site_templates/pdf/`, and refuses everything else: any network scheme,
`data:`, any other file, `..` escapes and symbolic links that lead out.

Documents name assets relative to `base_url()` (the built-in folder), e.g.
`<link rel="stylesheet" href="pdf.css">`; a member's file of the same name
wins. No WeasyPrint import here.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cpdgen.render.templating import template_folders

ASSETS = "pdf"  # the PDF templates' and assets' folder inside each template folder
ASSET_MAX_BYTES = 5_000_000  # an asset larger than this is not a stylesheet or a logo

_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


class AssetRefused(ValueError):
    """The URL names something a PDF may not load."""


@dataclass(frozen=True)
class Asset:
    url: str
    data: bytes
    mime_type: str


class PdfAssets:
    """The asset folders of one repository (member's first, then built-in)."""

    def __init__(self, repository_root: Path | None) -> None:
        folders = [folder / ASSETS for folder in template_folders(repository_root)]
        self.folders: tuple[Path, ...] = tuple(folder.resolve() for folder in folders if folder.is_dir())
        self.builtin = folders[-1].resolve()
        self.unreadable: list[str] = []  # assets found but not read, one message each
        self.root = repository_root.resolve() if repository_root is not None else None

    def base_url(self) -> str:
        """What relative asset names in a document are resolved against."""
        return self.builtin.as_uri() + "/"

    def fetch(self, url: str) -> Asset:
        """The asset `url` names, or `AssetRefused` saying why not."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise AssetRefused(f"PDFs load only cpdgen's own assets; refused {_shown(url)}")
        name = self._relative_name(Path(unquote(parts.path)))
        for folder in self.folders:
            candidate = folder / name
            try:
                resolved = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if not resolved.is_relative_to(folder) or not resolved.is_file():
                continue  # a link out of the folder, or a folder
            if resolved.stat().st_size > ASSET_MAX_BYTES:
                raise AssetRefused(f"PDF asset {name} is larger than {ASSET_MAX_BYTES:,} bytes")
            try:
                data = resolved.read_bytes()
            except OSError as exc:  # WeasyPrint would go on without it, saying nothing: `render_pdf` asks
                self.unreadable.append(f"cannot read {self._named(resolved)}: {exc.strerror or exc}")
                raise AssetRefused(self.unreadable[-1]) from None
            return Asset(resolved.as_uri(), data, _mime_type(resolved))
        raise AssetRefused(f"no PDF asset {name} in {', '.join(str(f) for f in self.folders)}")

    def _named(self, path: Path) -> str:
        """A file as a member knows it: from the repository root if it is in it."""
        if self.root is not None and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        return str(path)

    def _relative_name(self, path: Path) -> Path:
        """The asset's name below an asset folder; refuses any other path.
        The path is normalised without following links first, so `..` cannot
        climb out of the folder and back in elsewhere."""
        import os.path

        normal = Path(os.path.normpath(path))
        if ".." in path.parts:
            raise AssetRefused(f"PDFs load only cpdgen's own assets; refused a path with '..': {_shown(str(path))}")
        for folder in (self.builtin, *self.folders):
            for form in {folder, Path(os.path.normpath(folder))}:
                if normal.is_relative_to(form) and normal != form:
                    return normal.relative_to(form)
        raise AssetRefused(f"PDFs load only cpdgen's own assets; refused {_shown(str(path))}")


def _mime_type(path: Path) -> str:
    return _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _shown(url: str) -> str:
    return url if len(url) <= 120 else url[:117] + "..."
