"""Shared helpers for the site tests: records repositories written from data,
builds through the real command line, and a small HTML tree (stdlib
html.parser) to check what the pages really contain."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo, run_in

AS_OF = "2026-11-28"


# --- repositories -----------------------------------------------------------------


def dump(data: Any) -> str:
    """YAML text for `data` (PyYAML quotes anything that needs it, so hostile
    strings arrive in the record exactly as written here)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def write_yaml(repo: TmpRepo, rel: str, data: Any) -> Path:
    path = repo.root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(data), "utf-8")
    return path


def new_repo(root: Path, settings: dict | None = None, profile: dict | None = None) -> TmpRepo:
    repo = TmpRepo(root)
    write_yaml(repo, "cpdgen.yaml", settings or {"policy": "iet"})
    write_yaml(repo, "records/profile.yaml", profile or {"name": "Jo Bloggs"})
    return repo


def copy_demo(root: Path, base_url: str | None = None) -> TmpRepo:
    """The project's demo member, copied (records, evidence, settings)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("records", "evidence"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    settings = yaml.safe_load((PROJECT_ROOT / "cpdgen.yaml").read_text("utf-8"))
    if base_url:
        settings.setdefault("site", {})["base_url"] = base_url
    repo = TmpRepo(root)
    write_yaml(repo, "cpdgen.yaml", settings)
    return repo


def activity(title: str, start: str = "2025-03-01", hours: float = 1, type: str = "event", **more: Any) -> dict:
    return {"title": title, "type": type, "start": start, "hours": hours, **more}


# --- builds ----------------------------------------------------------------------


def build(repo: TmpRepo, out: Path, *extra: str) -> str:
    """`cpdgen build --site-only --out OUT --as-of AS_OF` in the repository;
    the output (the summary line); fails the test on a non-zero exit."""
    result = run_in(repo.root, "build", "--site-only", "--out", str(out), "--as-of", AS_OF, *extra)
    assert result.exit_code == 0, result.output
    return result.output


def site_files(site: Path) -> dict[str, bytes]:
    """Every file under `site`, by its "/"-separated path."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --- a small HTML tree -------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    attr_list: list[tuple[str, str]] = field(default_factory=list)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None

    def iter(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str) -> list[Node]:
        return [node for node in self.iter() if node.tag == tag]

    def find(self, tag: str) -> Node | None:
        return next((node for node in self.iter() if node.tag == tag), None)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def _node(self, tag: str, attrs: list[tuple[str, str | None]]) -> Node:
        pairs = [(name, value or "") for name, value in attrs]
        node = Node(tag, dict(pairs), pairs, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        return node

    def handle_starttag(self, tag, attrs):
        node = self._node(tag, attrs)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self._node(tag, attrs)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def parse_file(path: Path) -> Node:
    return parse_html(path.read_text("utf-8"))


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background", "cite")

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see (WHATWG URL parsing): leading and
    trailing C0 controls and spaces are stripped, tabs and newlines removed
    everywhere ("java\\tscript:" is javascript:)."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def is_external(url: str) -> bool:
    return url_scheme(url) is not None or url.strip().startswith("//")


def resolve_internal(page: Path, href: str) -> tuple[Path, str]:
    """(file, fragment) an internal href of `page` points to."""
    target, _, fragment = href.partition("#")
    target = target.split("?", 1)[0]
    path = page if not target else (page.parent / target)
    from urllib.parse import unquote

    return Path(unquote(str(path))), unquote(fragment)


def ids_of(path: Path) -> set[str]:
    return {node.attrs["id"] for node in parse_file(path).iter() if "id" in node.attrs}
