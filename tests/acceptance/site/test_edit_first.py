"""The preview server's first answer to an edit (issue 16): only the edited
files validated again (`revalidate`), and, where the edit is to what an
activity page shows, that page re-rendered from the last build's plan
(`SitePages.item_pages_after`) and put into the built site at once
(`write_pages_now`). Each must be exactly what a full validation and a
clean build give, or decline."""

from __future__ import annotations

import gc
import io
import os
from datetime import date
from pathlib import Path

import pytest

from cpdgen.common.resources import policies_dir
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
        {"hours": "9", "mode": "online"},  # the totals elsewhere follow with the whole build
        {"hours": "2.5", "description": ""},  # the page's description then names the new hours
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
        ("records/activities/talk-4.yaml", _activity(4, status="planned"), "it leaves the years' lists"),
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
    assert revalidate(found, result, [member.write("records/activities/new.yaml", _activity(40))]) is None  # added
    assert revalidate(found, result, [member.write("cpdgen.yaml", "policy: iet\n")]) is None  # settings: all of it
    assert revalidate(found, result, [member.write("site_templates/base.html", "x")]) is None
    assert revalidate(found, result, [member.write("evidence/new.pdf", "%PDF-1.4")]) is None
    assert revalidate(found, result, [Path("/elsewhere/x.yaml")]) is None
    talk.unlink()
    assert revalidate(found, result, [talk]) is None  # removed


def _safe_write(repo: TmpRepo, rel: str, text: str, temporary: str) -> list[Path]:
    """Save as `sed -i` and editors' safe writes do: a new file beside the
    record, renamed over it. The paths the watcher then names."""
    scratch = repo.write(temporary, text)
    scratch.replace(repo.root / rel)
    return [scratch, repo.root / rel]


@pytest.mark.parametrize("temporary", ["records/activities/sedX1y2Z3", "records/activities/4913", "records/.x.tmp"])
def test_a_save_through_a_temporary_file_is_revalidated_as_an_edit(member: TmpRepo, tmp_path: Path, temporary: str):
    """The temporary file is gone by the time the watcher names it: nothing
    of it is left to validate, so the saved record's page still goes up first."""
    served = Served(member)
    paths = _safe_write(member, "records/activities/talk-4.yaml", _activity(4, provider="IMechE"), temporary)
    result = revalidate(served.found, served.result, paths)
    assert result is not None
    _same(result, validate_repository(served.found))
    changes = edited_records(served.result, result)
    assert changes is not None and [after.provider for _, after in changes] == ["IMechE"]
    pages = served.site.item_pages_after(changes)
    assert pages is not None and [page.path for page in pages] == ["activity/talk-4.html"]


def test_a_hidden_file_below_records_is_passed_over_whether_there_or_not(member: TmpRepo):
    found = find_repository(member.root)
    result = validate_repository(found)
    swap = member.write("records/activities/.talk-4.yaml.kate-swp", "binary\x00junk")
    again = revalidate(found, result, [swap])
    assert again is not None
    _same(again, validate_repository(found))


def test_a_gone_file_that_a_record_names_is_not_passed_over(member: TmpRepo):
    """The temporary file's name is one a record gives as its evidence: the
    path checks, asked again, tell that it is gone."""
    member.write("records/activities/talk-4.yaml", _activity(4, evidence="[evidence/slides.pdf]"))
    scratch = member.write("evidence/slides.pdf", "%PDF-1.4 slides")
    found = find_repository(member.root)
    result = validate_repository(found)
    assert not result.errors
    scratch.unlink()
    assert revalidate(found, result, [scratch]) is None
    assert validate_repository(found).errors  # what a full validation then says


def test_a_gone_file_that_a_warning_named_is_not_passed_over(member: TmpRepo):
    notes = member.write("records/activities/notes.txt", "not a record")
    found = find_repository(member.root)
    result = validate_repository(found)
    assert any(d.file == "records/activities/notes.txt" for d in result.warnings)
    notes.unlink()
    assert revalidate(found, result, [notes]) is None
    folder = member.root / "records/activities/drafts"
    member.write("records/activities/drafts/idea.txt", "not a record")
    result = validate_repository(found)
    (folder / "idea.txt").unlink()
    folder.rmdir()
    assert revalidate(found, result, [folder]) is None  # a folder gone, with what was warned of in it


def _moved_out(repo: TmpRepo, rel: str, tmp_path: Path) -> list[Path]:
    """A folder moved out of the repository: the watcher names the folder alone."""
    (repo.root / rel).rename(tmp_path / "moved-out")
    return [repo.root / rel]


def _hidden_folder(repo: TmpRepo, tmp_path: Path) -> list[Path]:
    (repo.root / "records/activities/2024").rename(repo.root / "records/activities/.2024")
    return [repo.root / "records/activities/2024", repo.root / "records/activities/.2024"]


def _hidden_hard_link(repo: TmpRepo, tmp_path: Path) -> list[Path]:
    """A record edited through another, hidden name of the same file."""
    other = repo.root / "records/activities/.talk-4.yaml.orig"
    os.link(repo.root / "records/activities/talk-4.yaml", other)
    with open(other, "a", encoding="utf-8") as stream:
        stream.write("hours: 3\n")  # a duplicate key: an error
    return [other]


def _linked_folder_gone(repo: TmpRepo, tmp_path: Path) -> list[Path]:
    """A link below records/ to a folder (warned of, not followed) whose folder goes."""
    for child in (repo.root / "archive").iterdir():
        child.unlink()
    (repo.root / "archive").rmdir()
    return [repo.root / "archive"]


@pytest.mark.parametrize(
    "event",
    [
        pytest.param(
            lambda repo, tmp: _moved_out(repo, "records/activities/2024", tmp), id="folder-of-records-moved-out"
        ),
        pytest.param(lambda repo, tmp: _moved_out(repo, "records", tmp), id="records-moved-out"),
        pytest.param(_hidden_folder, id="folder-of-records-made-hidden"),
        pytest.param(_hidden_hard_link, id="record-edited-through-a-hidden-hard-link"),
        pytest.param(_linked_folder_gone, id="linked-folder-gone"),
    ],
)
def test_what_discovery_would_find_otherwise_is_not_passed_over(member: TmpRepo, tmp_path: Path, event):
    """The watcher names one path for a folder moved or renamed, with nothing
    of the files in it: discovery, made again, tells."""
    for n in range(3):
        member.write(f"records/activities/2024/old-{n}.yaml", _activity(40 + n))
    member.write("archive/x.txt", "kept")
    (member.root / "records/activities/archive").symlink_to(member.root / "archive")
    found = find_repository(member.root)
    result = validate_repository(found)
    assert not result.errors, result.errors
    paths = event(member, tmp_path)
    again = revalidate(found, result, paths)
    assert again is None
    full = validate_repository(found)
    assert (full.files, full.diagnostics) != (result.files, result.diagnostics)  # it did change


@pytest.mark.parametrize(
    "how", ["folder-moved-out", "linked-folder-emptied", "config-link-target-gone", "hidden-policy-edited"]
)
def test_settings_that_change_behind_a_path_passed_over_are_seen(member: TmpRepo, tmp_path: Path, how: str):
    policy_text = (policies_dir() / "iet.yaml").read_text("utf-8").replace("id: iet", "id: mine", 1)
    if how == "folder-moved-out":
        member.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
        member.write("policies/mine.yaml", policy_text)
    elif how == "linked-folder-emptied":
        member.write("cpdgen.yaml", "policy: pol/mine.yaml\n")
        member.write("shared/mine.yaml", policy_text)
        (member.root / "pol").symlink_to(member.root / "shared")
    elif how == "config-link-target-gone":
        member.write("conf/cpdgen.yaml", "policy: istructe\n")
        (member.root / "cpdgen.yaml").symlink_to(member.root / "conf/cpdgen.yaml")
    else:
        member.write("cpdgen.yaml", "policy: records/.mine.yaml\n")
        member.write("records/.mine.yaml", policy_text)
    found = find_repository(member.root)
    result = validate_repository(found)
    assert not result.errors, result.errors
    if how == "folder-moved-out":
        paths = _moved_out(member, "policies", tmp_path)
    elif how == "linked-folder-emptied":
        (member.root / "shared/mine.yaml").unlink()
        paths = [member.root / "shared/mine.yaml"]
    elif how == "config-link-target-gone":
        (member.root / "conf/cpdgen.yaml").unlink()
        paths = [member.root / "conf/cpdgen.yaml"]
    else:
        paths = [member.write("records/.mine.yaml", policy_text.replace("id: mine", "id: [broken", 1))]
    assert revalidate(found, result, paths) is None
    full = validate_repository(found)
    assert (full.policy.id, full.diagnostics) != (result.policy.id, result.diagnostics)


def test_gone_settings_are_not_passed_over(member: TmpRepo):
    member.write("cpdgen.yaml", "policy: policies/mine.yaml\n")
    member.write("policies/mine.yaml", (policies_dir() / "iet.yaml").read_text("utf-8"))
    found = find_repository(member.root)
    result = validate_repository(found)
    assert not result.errors, result.diagnostics
    (member.root / "policies/mine.yaml").unlink()
    assert revalidate(found, result, [member.root / "policies/mine.yaml"]) is None
    (member.root / "cpdgen.yaml").unlink()
    assert revalidate(found, result, [member.root / "cpdgen.yaml"]) is None


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


# -- Found by an adversarial review: several items at once, ties, links, a missing output


def _training(title: str, start: str = "2024-02-01", **extra: str) -> str:
    fields = {"title": title, "start": start, "hours": "3", "provider": "IET", **extra}
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


def _fast_pages(served: Served, edits: dict[str, str]) -> tuple[object, dict[str, str] | None]:
    """Write every file of `edits` (one save, as the watcher reports it),
    revalidate them together and render what item_pages_after gives."""
    paths = [served.repo.write(rel, text) for rel, text in edits.items()]
    result = revalidate(served.found, served.result, paths)
    assert result is not None
    _same(result, validate_repository(served.found))
    changes = edited_records(served.result, result)
    assert changes is not None
    pages = served.site.item_pages_after(changes)
    if pages is None:
        return result, None
    return result, {page.path: served.site.render(page) for page in pages}


def _assert_fast_pages_match_a_clean_build(served: Served, fast: dict[str, str] | None, tmp_path: Path) -> None:
    if fast is None:
        return  # declined: allowed
    clean = _clean_site(served.repo, tmp_path, "clean")
    for path, html in fast.items():
        assert html.encode("utf-8") == clean[path], f"the fast {path} is not what a clean build renders"


# -- Several items edited at once: each page shows the others' new titles, or the edit is declined


@pytest.mark.parametrize(
    ("titles", "accepted"),
    [
        # talk-0 and talk-18 share 2024-02-01 and are neighbours (oldest first: Talk 0, Talk 18, Talk 27,
        # Talk 9): accepted, both keep their place against the OLD neighbours.
        pytest.param({0: '"Talk 0b"', 18: '"Talk 18b"'}, True, id="neighbours-retitled-together"),
        # talk-18 ("Talk 18") and talk-27 ("Talk 27") are adjacent; each new title sorts strictly
        # between its OLD neighbours, but together they swap places: declining is allowed.
        pytest.param({18: '"Talk 26z"', 27: '"Talk 19"'}, None, id="neighbours-that-swap-places"),
    ],
)
def test_two_neighbours_edited_together(member: TmpRepo, tmp_path: Path, titles: dict[int, str], accepted):
    served = Served(member)
    edits = {f"records/activities/talk-{n}.yaml": _activity(n, title=title) for n, title in titles.items()}
    _, fast = _fast_pages(served, edits)
    if accepted:
        assert fast is not None
    _assert_fast_pages_match_a_clean_build(served, fast, tmp_path)


def test_two_records_of_one_list_file_retitled_in_one_save(member: TmpRepo, tmp_path: Path):
    pair = (
        "- id: pair-a\n  title: Pair A\n  type: event\n  start: 2024-06-01\n  hours: 1\n"
        "- id: pair-b\n  title: Pair B\n  type: event\n  start: 2024-06-01\n  hours: 1\n"
    )
    member.write("records/activities/pairs.yaml", pair)
    served = Served(member)
    _, fast = _fast_pages(
        served, {"records/activities/pairs.yaml": pair.replace("Pair A", "Pair A2").replace("Pair B", "Pair B2")}
    )
    assert fast is not None and set(fast) == {"activity/pair-a.html", "activity/pair-b.html"}
    _assert_fast_pages_match_a_clean_build(served, fast, tmp_path)


# -- An exact tie in the order (an activity and a course with the same id, title and dates):
#    the plan sorts newest first for the pages and oldest first for the neighbour links, and
#    the two break the tie differently; an item tied before the edit is declined.


def test_a_course_tied_with_an_activity_of_the_same_id(member: TmpRepo, tmp_path: Path):
    member.write("records/training/talk-4.yaml", _training("Talk 4", start="2024-02-05"))  # ties activity talk-4
    served = Served(member)
    _, fast = _fast_pages(
        served, {"records/training/talk-4.yaml": _training('"Talk 3 (course), renamed"', start="2024-02-05")}
    )
    _assert_fast_pages_match_a_clean_build(served, fast, tmp_path)


# -- Record files that are links: revalidate declines, as discovery refuses links out of the repository


def test_a_record_file_replaced_by_a_link_outside_the_repository(member: TmpRepo, tmp_path: Path):
    """Discovery refuses a link that leads outside the repository; revalidate
    must not read it either (the site would show a file from outside)."""
    outside = tmp_path / "outside.yaml"
    outside.write_text(_activity(4, title='"Read from outside the repository"'), "utf-8")
    found = find_repository(member.root)
    before = validate_repository(found)
    talk = member.root / "records/activities/talk-4.yaml"
    talk.unlink()
    talk.symlink_to(outside)  # the watcher reports talk-4.yaml: a file revalidate knows
    again = revalidate(found, before, [talk])
    full = validate_repository(found)
    assert full.errors  # "a symbolic link that leads outside the repository; not read"
    assert again is None or again.diagnostics == full.diagnostics


def test_a_record_file_that_is_a_link_to_another_record_file(member: TmpRepo):
    """records/activities/copy.yaml -> talk-4.yaml (allowed: inside the
    repository). An edit of talk-4.yaml is reported as talk-4.yaml only, so
    copy's verdict cannot be kept: revalidate declines while any record
    file is a link, or has another name (a hard link)."""
    (member.root / "records/activities/copy.yaml").symlink_to("talk-4.yaml")
    found = find_repository(member.root)
    result = validate_repository(found)
    path = member.write("records/activities/talk-4.yaml", _activity(4, title='"Talk 4, edited"'))
    assert revalidate(found, result, [path]) is None
    (member.root / "records/activities/copy.yaml").unlink()
    (member.root / "records/activities/copy.yaml").hardlink_to(path)
    result = validate_repository(found)
    assert revalidate(found, result, [path]) is None


# -- Checks that held up (expected to pass)


@pytest.mark.parametrize(
    "case",
    ["reflections-published", "same-id-training", "planned", "hostile", "member-template", "evidence-published"],
)
def test_held_up(member: TmpRepo, tmp_path: Path, case: str):
    rel, text = "records/activities/talk-4.yaml", _activity(4, title='"Talk 4 <b>&amp;</b> \\"quoted\\""')
    if case == "reflections-published":
        member.write("cpdgen.yaml", "policy: iet\nsite:\n  publish:\n    reflections: true\n    evidence: false\n")
        text = _activity(4, reflection='"Now *public*. Second."')
    elif case == "same-id-training":
        member.write("records/training/talk-4.yaml", _training('"Talk 4 (course)"', start="2024-02-05"))
        rel, text = "records/training/talk-4.yaml", _training('"Talk 4 (course), renamed"', start="2024-02-05")
    elif case == "planned":
        member.write("records/activities/later.yaml", _activity(5, start="2027-01-01", status="planned"))
        rel, text = "records/activities/later.yaml", _activity(5, start="2027-01-01", status="planned", title="Later")
    elif case == "hostile":
        text = _activity(4, description='"<script>alert(1)</script> [x](javascript:alert(1)). Then."')
    elif case == "member-template":
        member.write(
            "site_templates/activity.html",
            '{% extends "builtin/activity.html" %}{% block item_nav %}{{ page.title }}|{{ description }}|'
            "{{ previous.title if previous }}{{ super() }}{% endblock %}",
        )
    elif case == "evidence-published":
        member.write("evidence/cert.pdf", b"%PDF-1.4\n%%EOF\n")
        member.write("cpdgen.yaml", "policy: iet\nsite:\n  publish:\n    reflections: false\n    evidence: true\n")
        member.write("records/activities/talk-4.yaml", _activity(4, evidence="[evidence/cert.pdf]"))
        text = _activity(4, evidence="[evidence/cert.pdf]", title="Talk 4 with a file")
    served = Served(member)
    _, fast = _fast_pages(served, {rel: text})
    assert fast, "declined"
    _assert_fast_pages_match_a_clean_build(served, fast, tmp_path)


# -- The same, through cpdgen serve's own rebuild (Preview), as the watcher would report it


def _new_preview(repo: TmpRepo):
    """cpdgen serve's state for `repo`, nothing built yet, its output kept quiet."""
    from cpdgen.output.serve import Preview

    return Preview(
        find_repository(repo.root),
        repo.root / "output",
        today=lambda: TODAY,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def _preview(repo: TmpRepo):
    preview = _new_preview(repo)
    preview.rebuild()
    assert preview.problem is None
    return preview


def test_serve_puts_up_a_page_with_a_stale_neighbour_when_two_files_change(
    member: TmpRepo, tmp_path: Path, monkeypatch
):
    import cpdgen.output.build as output_build

    preview = _preview(member)
    seen: dict[str, bytes] = {}
    real_build = output_build.build

    def build_after_looking(*args, **kwargs):  # what requests are served while the whole site is built
        for page in ("activity/talk-0.html", "activity/talk-18.html"):
            seen[page] = (preview.site / page).read_bytes()
        return real_build(*args, **kwargs)

    monkeypatch.setattr(output_build, "build", build_after_looking)
    paths = [
        member.write("records/activities/talk-0.yaml", _activity(0, title='"Talk 0b"')),
        member.write("records/activities/talk-18.yaml", _activity(18, title='"Talk 18b"')),
    ]
    preview.note_changes([str(path) for path in paths])  # one save of two files (or two saves during a build)
    preview.rebuild()
    assert preview.unbuilt is not None  # the pages are up, the whole site not yet built
    preview.build_unbuilt()
    clean = _clean_site(member, tmp_path, "clean")
    assert _tree(preview.site) == clean
    assert seen and "Talk 0b" in seen["activity/talk-0.html"].decode()  # the fast path was taken
    for page, html in seen.items():
        assert html == clean[page], f"served during the build: {page} differs from a clean build"


def test_serve_keeps_a_stale_verdict_for_a_linked_record_file(member: TmpRepo, tmp_path: Path):
    """copy.yaml -> talk-4.yaml: after an edit of talk-4.yaml the site stays
    wrong (not just during the build) until something forces a full validation."""
    (member.root / "records/activities/copy.yaml").symlink_to("talk-4.yaml")
    preview = _preview(member)
    path = member.write("records/activities/talk-4.yaml", _activity(4, title='"Talk 4, edited"'))
    preview.note_changes([str(path)])
    preview.rebuild()
    assert preview.problem is None
    assert _tree(preview.site) == _clean_site(member, tmp_path, "clean")


def test_serve_reads_a_record_file_linked_outside_the_repository(member: TmpRepo, tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(_activity(4, title='"Read from outside the repository"'), "utf-8")
    preview = _preview(member)
    talk = member.root / "records/activities/talk-4.yaml"
    talk.unlink()
    talk.symlink_to(outside)
    preview.note_changes([str(talk)])
    preview.rebuild()
    assert validate_repository(find_repository(member.root)).errors  # a full validation refuses the link
    assert preview.problem is not None, "serve publishes a page read from outside the repository"
    assert "Read from outside" not in (preview.site / "activity/talk-4.html").read_text("utf-8")


def test_write_pages_now_writes_nothing_when_the_output_is_gone(member: TmpRepo):
    import shutil

    served = Served(member)
    _, pages = served.edit("records/activities/talk-4.yaml", _activity(4, title="Talk 4, edited"))
    assert pages and served.site is not None
    rendered = [(page.path, served.site.render(page)) for page in pages]
    shutil.rmtree(served.out)
    assert not write_pages_now(served.out, rendered)  # "False (nothing written)"
    assert not served.out.exists(), sorted(p.relative_to(served.out).as_posix() for p in served.out.rglob("*"))


def test_a_build_stopped_at_a_checkpoint_leaves_the_previous_output(member: TmpRepo, tmp_path: Path):
    """What a checkpoint raises ends a build anywhere (planning, keys,
    writing) with the output as it was: serve stops its whole-site build
    so when a save comes."""
    from cpdgen.output.build import build

    class Stop(Exception):
        pass

    served = Served(member)
    before = _tree(served.out)
    result, _ = served.edit("records/activities/talk-4.yaml", _activity(4, title='"Talk 4, stopped"'))
    for stop_at in (1, 2, 3, 4, 5):  # the last one: while the pages are written
        calls = []

        def checkpoint(stop_at=stop_at, calls=calls):
            calls.append(1)
            if len(calls) == stop_at:
                raise Stop

        with pytest.raises(Stop):
            build(result, member.root, served.out, TODAY, pdfs=False, checkpoint=checkpoint)
        assert _tree(served.out) == before, f"stopped at checkpoint {stop_at}"
    build(result, member.root, served.out, TODAY, pdfs=False)
    assert _tree(served.out / SITE) == _clean_site(member, tmp_path, "clean")


def test_serve_does_not_keep_the_garbage_of_each_edit_while_the_records_have_errors(tmp_path: Path):
    """Validation freezes all it finds at its end, the cyclic garbage made
    while the collector was paused included; serve gives it back after a
    rebuild refused for errors in the records too, not only after a whole
    build, so saves while an error stands do not pile it up."""

    repo = TmpRepo(tmp_path / "member")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    for n in range(200):
        repo.write(f"records/activities/talk-{n}.yaml", _activity(n))
    bad = repo.write("records/activities/talk-0.yaml", _activity(0, hours=0))  # an error: no build
    preview = _new_preview(repo)
    frozen = []
    for i in range(30):
        bad.write_text(_activity(0, hours=0) + f"description: edit {i}\n")
        preview.note_changes([str(bad)])
        preview.rebuild()
        assert preview.problem is not None and preview.problem.errors
        frozen.append(gc.get_freeze_count())
    grown = frozen[-1] - frozen[4]
    gc.unfreeze()
    unreachable = gc.collect()
    assert grown < 2000, f"{grown} more objects frozen after 25 more edits; {unreachable} of them garbage"


def test_a_build_stopped_for_a_waiting_save_leaves_its_staging_to_the_next_build(member: TmpRepo, tmp_path: Path):
    """BuildStopped (serve's, when a save waits) ends a build without
    removing its staging folder, which took a quarter of a second at 10,000
    pages while the save waited; the next build removes it after its swap."""
    from cpdgen.output.build import build
    from cpdgen.output.folders import BuildStopped

    served = Served(member)
    site_before = _tree(served.out / SITE)
    result, _ = served.edit("records/activities/talk-4.yaml", _activity(4, title='"Talk 4, stopped"'))
    calls = []

    def checkpoint():
        calls.append(1)
        if len(calls) == 3:
            raise BuildStopped

    with pytest.raises(BuildStopped):
        build(result, member.root, served.out, TODAY, pdfs=False, checkpoint=checkpoint)
    assert _tree(served.out / SITE) == site_before
    assert [p.name for p in served.out.iterdir() if p.name.startswith(".site.building-")], "left for later"
    build(result, member.root, served.out, TODAY, pdfs=False)
    assert not [p.name for p in served.out.iterdir() if p.name.startswith(".site.")]
    assert _tree(served.out / SITE) == _clean_site(member, tmp_path, "clean")
