"""The preview server's first answer to an edit (issue 16): only the edited
files validated again (`revalidate`), and, where the edit is to what an
activity page shows, that page re-rendered from the last build's plan
(`SitePages.item_pages_after`) and put into the built site at once
(`write_pages_now`). Each must be exactly what a full validation and a
clean build give, or decline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cpdgen.loading.files import find_repository
from cpdgen.output.build import SITE, build, write_pages_now
from cpdgen.validation.repository import ValidationResult, edited_records, revalidate, validate_repository

from helpers.repos import TmpRepo

TODAY = date(2026, 11, 28)


def _tree(base: Path) -> dict[str, bytes | None]:
    return {p.relative_to(base).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(base.rglob("*"))}


def _activity(n: int, **fields: str) -> str:
    values = {
        "title": f"Talk {n}",
        "type": "event",
        "start": f"2024-02-{n % 9 + 1:02}",  # Talks n and n + 9 share a day: their titles sort them
        "hours": str(n % 5 + 1),
        "tags": "[a, b]" if n % 2 else "[a, rare]",
        "description": f'"Talk number {n}. It covered *much* more than expected."',
        "provider": "IET",
    }
    values.update(fields)
    return "".join(f"{key}: {value}\n" for key, value in values.items() if value)


@pytest.fixture
def member(tmp_path: Path) -> TmpRepo:
    repo = TmpRepo(tmp_path / "member")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    for n in range(30):
        repo.write(f"records/activities/talk-{n}.yaml", _activity(n))
    repo.write("records/activities/secret.yaml", _activity(99, title="Secret", private="true"))
    repo.write(
        "records/objectives/grow.yaml",
        "title: Grow\nstatus: in-progress\nactions:\n  - title: Speak\n    activities: [talk-3]\n",
    )
    return repo


def _same(result: ValidationResult, full: ValidationResult) -> None:
    """Two validations agree on everything a command uses."""
    assert result.diagnostics == full.diagnostics
    assert (result.files, result.record_count) == (full.files, full.record_count)
    assert result.records.items == full.records.items
    assert result.records.unbuilt == full.records.unbuilt


class Served:
    """The state `cpdgen serve` keeps between edits: the last validation and build."""

    def __init__(self, repo: TmpRepo) -> None:
        self.repo = repo
        self.found = find_repository(repo.root)
        self.out = repo.root / "output"
        self.result = validate_repository(self.found)
        assert not self.result.errors, self.result.diagnostics
        self.site = build(self.result, repo.root, self.out, TODAY, pdfs=False).site

    def edit(self, rel: str, text: str) -> tuple[ValidationResult, list | None]:
        """Write `text` to `rel`; the revalidation (checked against a full
        one) and the pages `item_pages_after` gives for it."""
        path = self.repo.write(rel, text)
        result = revalidate(self.found, self.result, [path])
        assert result is not None
        _same(result, validate_repository(self.found))
        changes = edited_records(self.result, result)
        assert changes is not None
        assert self.site is not None
        return result, self.site.item_pages_after(changes)

    def rebuild(self, result: ValidationResult) -> None:
        self.result = result
        self.site = build(result, self.repo.root, self.out, TODAY, pdfs=False).site


def _clean_site(repo: TmpRepo, tmp_path: Path, name: str) -> dict[str, bytes | None]:
    result = validate_repository(find_repository(repo.root))
    build(result, repo.root, tmp_path / name, TODAY, pdfs=False)
    return _tree(tmp_path / name / SITE)


@pytest.mark.parametrize(
    "fields",
    [
        {"title": '"Talk 4: a new title that still sorts after Talk 22"'},
        {"description": '"Rewritten. With **bold** words and a [link](https://example.org)."'},
        {"description": ""},  # the page's description then falls back to title and hours
        {"provider": "IMechE", "location": "Cardiff"},
        {"outcomes": '"Learnt this."', "reflection": '"Thought that."'},
    ],
)
def test_a_display_edit_is_put_up_as_the_full_build_renders_it(member: TmpRepo, tmp_path: Path, fields):
    served = Served(member)
    result, pages = served.edit("records/activities/talk-4.yaml", _activity(4, **fields))
    if "outcomes" in fields:  # the reflection is not published: only the outcomes show
        assert pages is not None
    assert pages and [page.path for page in pages] == ["activity/talk-4.html"]
    assert served.site is not None
    html = {page.path: served.site.render(page) for page in pages}
    assert write_pages_now(served.out, list(html.items()))
    on_disk = (served.out / SITE / "activity/talk-4.html").read_text("utf-8")
    assert on_disk == html["activity/talk-4.html"]
    served.rebuild(result)
    assert (served.out / SITE / "activity/talk-4.html").read_text("utf-8") == html["activity/talk-4.html"]
    assert _tree(served.out / SITE) == _clean_site(member, tmp_path, "clean")


def test_an_edit_of_a_reflection_that_is_not_published_changes_no_page(member: TmpRepo):
    served = Served(member)
    _, pages = served.edit("records/activities/talk-4.yaml", _activity(4, reflection='"Private thoughts."'))
    assert pages == []


@pytest.mark.parametrize(
    ("rel", "text", "why"),
    [
        ("records/activities/talk-4.yaml", _activity(4, title="Talk 0 sorts first now"), "the title moves it"),
        ("records/activities/talk-4.yaml", _activity(4, start="2024-03-30"), "a date moves it"),
        ("records/activities/talk-4.yaml", _activity(4, hours="9"), "hours show in totals"),
        ("records/activities/talk-4.yaml", _activity(4, tags="[new-tag]"), "tags make pages"),
        ("records/activities/talk-4.yaml", _activity(4, private="true"), "it leaves the site"),
        ("records/activities/secret.yaml", _activity(99, title="Still secret", private="true"), "no page"),
        ("records/profile.yaml", "name: Jo Bloggs-Smith\n", "the profile shows on every page"),
    ],
)
def test_other_edits_are_declined(member: TmpRepo, rel: str, text: str, why: str):
    served = Served(member)
    _, pages = served.edit(rel, text)
    assert pages is None, why


def test_several_edits_in_a_row_each_match_a_clean_build(member: TmpRepo, tmp_path: Path):
    served = Served(member)
    for n, title in enumerate(["Talk 7 (revised)", "Talk 7 (revised again)"]):
        result, pages = served.edit("records/activities/talk-7.yaml", _activity(7, title=title))
        assert pages and served.site is not None
        assert write_pages_now(served.out, [(page.path, served.site.render(page)) for page in pages])
        served.rebuild(result)
        assert _tree(served.out / SITE) == _clean_site(member, tmp_path, f"clean-{n}")


def test_an_edit_put_up_then_undone_before_any_build_leaves_no_trace(member: TmpRepo, tmp_path: Path):
    """The page written at once no longer matches its key in the cache of
    the last build: the key goes first, so when the edit is undone (the
    page's key is the old one again) the next build renders it, not links
    the edited page as the original."""
    served = Served(member)
    original = (member.root / "records/activities/talk-4.yaml").read_text("utf-8")
    _, pages = served.edit("records/activities/talk-4.yaml", _activity(4, title="Talk 4, edited"))
    assert pages and served.site is not None
    assert write_pages_now(served.out, [(page.path, served.site.render(page)) for page in pages])
    member.write("records/activities/talk-4.yaml", original)
    assert member.run("build", "--site-only", "--as-of", TODAY.isoformat()).exit_code == 0
    assert _tree(served.out / SITE) == _clean_site(member, tmp_path, "clean")


def test_pages_are_not_put_into_a_folder_a_build_did_not_make(member: TmpRepo):
    served = Served(member)
    _, pages = served.edit("records/activities/talk-4.yaml", _activity(4, title="Talk 4, edited"))
    assert pages and served.site is not None
    rendered = [(page.path, served.site.render(page)) for page in pages]
    before = (served.out / SITE / pages[0].path).read_bytes()
    (served.out / SITE / ".cpdgen").unlink()  # no longer cpdgen's site
    assert not write_pages_now(served.out, rendered)
    assert (served.out / SITE / pages[0].path).read_bytes() == before
    import shutil

    shutil.rmtree(served.out / SITE)
    assert not write_pages_now(served.out, rendered)
    assert not (served.out / SITE).exists()  # nothing made in its place


def test_revalidate_answers_only_for_the_record_files_it_checked(member: TmpRepo):
    found = find_repository(member.root)
    result = validate_repository(found)
    talk = member.root / "records/activities/talk-4.yaml"
    assert revalidate(found, result, [member.root / "records/activities/new.yaml"]) is None  # not a file it knew
    assert revalidate(found, result, [member.root / "cpdgen.yaml"]) is None  # settings: all of it
    assert revalidate(found, result, [member.root / "site_templates/base.html"]) is None
    assert revalidate(found, result, [Path("/elsewhere/x.yaml")]) is None
    talk.unlink()
    assert revalidate(found, result, [talk]) is None  # removed


def test_revalidate_of_a_broken_edit_says_what_a_full_validation_says(member: TmpRepo):
    found = find_repository(member.root)
    result = validate_repository(found)
    broken = member.write("records/activities/talk-4.yaml", "title: [unclosed\nstart: 2024-02-30\n")
    member.write("records/activities/talk-5.yaml", _activity(5, objectives="[no-such-objective]"))
    again = revalidate(found, result, [broken, member.root / "records/activities/talk-5.yaml"])
    assert again is not None and again.errors
    _same(again, validate_repository(found))
    # An edit that refers to the broken one's id: the cross-record rules see the whole.
    member.write("records/activities/talk-4.yaml", _activity(4))
    fixed = revalidate(found, again, [broken])
    assert fixed is not None
    _same(fixed, validate_repository(found))
    assert edited_records(result, fixed) is not None


def test_edited_records_declines_what_it_cannot_tell_cheaply(member: TmpRepo):
    found = find_repository(member.root)
    result = validate_repository(found)
    assert edited_records(result, validate_repository(found)) is None  # a full validation: every file anew
    paths = []
    for n in range(10):
        paths.append(member.write(f"records/activities/talk-{n}.yaml", _activity(n, provider="Elsewhere")))
    many = revalidate(found, result, paths)
    assert many is not None and edited_records(result, many) is None  # more files than it compares
    assert edited_records(result, many, limit=10) is not None
