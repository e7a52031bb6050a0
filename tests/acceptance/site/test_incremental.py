"""A rebuild after edits gives exactly what a clean build gives, whatever it
reused: the linked previous pages, the memo of page descriptions, the
record cache (issue 16). Each case edits a repository, rebuilds over the
previous output and compares every file and folder with a build into a
fresh folder with no cache at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cpdgen.common.sealed import read_sealed
from cpdgen.output.site import SENTENCES_MAGIC

from helpers.repos import TmpRepo

AS_OF = "2026-11-28"


def _tree(base: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) below `base`."""
    found: dict[str, bytes | None] = {}
    for path in sorted(base.rglob("*")):
        found[path.relative_to(base).as_posix()] = path.read_bytes() if path.is_file() else None
    return found


def _activity(n: int, *, tags: str = "[a, b]", text: str = "") -> str:
    description = text or f"Talk number {n}. It covered *much* more than expected."
    return (
        f"title: Talk {n}\ntype: event\nstart: 2024-02-{n % 27 + 1:02}\nhours: {n % 5 + 1}\n"
        f'tags: {tags}\ndescription: "{description}"\n'
    )


@pytest.fixture
def members_repo(tmp_path):
    repo = TmpRepo(tmp_path / "member")
    repo.write("records/profile.yaml", "name: Jo Bloggs\n")
    for n in range(40):
        repo.write(f"records/activities/talk-{n}.yaml", _activity(n, tags="[a, b]" if n % 2 else "[a, rare]"))
    assert repo.run("build", "--site-only", "--as-of", AS_OF).exit_code == 0
    return repo


def _same_as_clean(repo: TmpRepo, tmp_path: Path, *, rebuild: bool = True) -> dict[str, bytes | None]:
    if rebuild:
        again = repo.run("build", "--site-only", "--as-of", AS_OF)
        assert again.exit_code == 0, again.output
    clean = repo.run(
        "build", "--site-only", "--no-cache", "--out", str(tmp_path / "clean"), "--as-of", AS_OF,
        env={"CPDGEN_CACHE_DIR": str(tmp_path / "empty-cache")},
    )  # fmt: skip
    assert clean.exit_code == 0, clean.output
    rebuilt = _tree(repo.root / "output" / "site")
    assert rebuilt == _tree(tmp_path / "clean" / "site")
    return rebuilt


def test_a_changed_title_rebuilds_to_exactly_the_clean_site(members_repo, tmp_path):
    members_repo.write("records/activities/talk-7.yaml", _activity(7).replace("Talk 7", "A keynote"))
    site = _same_as_clean(members_repo, tmp_path)
    assert b"A keynote" in (site["activity/talk-7.html"] or b"")


def test_a_removed_tag_leaves_no_page_and_no_empty_folder_behind(members_repo, tmp_path):
    assert (members_repo.root / "output/site/activities/tag/rare/index.html").is_file()
    for n in range(0, 40, 2):
        members_repo.write(f"records/activities/talk-{n}.yaml", _activity(n))
    site = _same_as_clean(members_repo, tmp_path)
    assert not any(name.startswith("activities/tag/rare") for name in site)


def test_removed_records_leave_no_page_behind(members_repo, tmp_path):
    for n in range(30, 40):
        (members_repo.records / "activities" / f"talk-{n}.yaml").unlink()
    site = _same_as_clean(members_repo, tmp_path)
    assert "activity/talk-35.html" not in site and "activity/talk-3.html" in site


def test_a_rebuilt_page_never_writes_through_the_link_into_the_previous_output(members_repo, tmp_path):
    """Unchanged pages are hard links to last build's files; a changed page
    must be a new file, or the previous output (still live until the swap,
    and any copy a member linked elsewhere) would change under it."""
    page = members_repo.root / "output/site/activity/talk-3.html"
    kept = tmp_path / "kept.html"
    os.link(page, kept)
    before = kept.read_bytes()
    members_repo.write("records/activities/talk-3.yaml", _activity(3).replace("Talk 3", "Renamed"))
    _same_as_clean(members_repo, tmp_path)
    assert kept.read_bytes() == before and b"Renamed" in page.read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda raw: raw[: len(raw) // 2], id="truncated"),
        pytest.param(lambda raw: raw[:-5] + bytes(b ^ 0x55 for b in raw[-5:]), id="bits-flipped"),
        pytest.param(lambda raw: b"", id="empty"),
        pytest.param(lambda raw: b"not a cache at all", id="garbage"),
    ],
)
def test_a_damaged_memo_of_descriptions_changes_nothing(members_repo, tmp_path, damage):
    memo = members_repo.root / "output/.cache/sentences.bin"
    assert read_sealed(memo, SENTENCES_MAGIC) is not None
    memo.write_bytes(damage(memo.read_bytes()))
    members_repo.write("records/activities/talk-5.yaml", _activity(5, text="A new first sentence. And more."))
    site = _same_as_clean(members_repo, tmp_path)
    assert b"A new first sentence." in (site["activity/talk-5.html"] or b"")
    assert read_sealed(memo, SENTENCES_MAGIC) is not None  # rewritten whole


def test_a_memo_of_other_code_is_not_trusted(members_repo, tmp_path, monkeypatch):
    """A memo sealed under another context (other code, other Markdown) with
    a wrong sentence in it: ignored, so the page shows the true sentence."""
    from cpdgen.common.sealed import write_sealed

    memo = members_repo.root / "output/.cache/sentences.bin"
    context, known = read_sealed(memo, SENTENCES_MAGIC)
    poisoned = dict.fromkeys(known, "POISONED sentence.")
    write_sealed(memo, SENTENCES_MAGIC, ("another context", poisoned))
    members_repo.write("records/activities/talk-6.yaml", _activity(6).replace("Talk 6", "Retitled"))
    site = _same_as_clean(members_repo, tmp_path)
    assert not any(b"POISONED" in (data or b"") for data in site.values())


def test_a_linking_process_that_dies_midway_costs_a_full_render_not_a_wrong_page(members_repo, tmp_path, monkeypatch):
    """The process that links last build's pages dies after linking some
    (as if killed): none of its links is trusted, every page is rendered."""
    import cpdgen.output.cache as cache_module

    def link_half_then_die(source, target, relatives, report):
        cache_module.link_files(source, target, relatives[: len(relatives) // 2])
        os._exit(9)

    monkeypatch.setattr(cache_module, "_link_and_report", link_half_then_die)
    members_repo.write("records/activities/talk-9.yaml", _activity(9).replace("Talk 9", "Changed"))
    again = members_repo.run("build", "--site-only", "--as-of", AS_OF)
    assert again.exit_code == 0 and "unchanged" not in again.stdout, again.output
    site = _same_as_clean(members_repo, tmp_path, rebuild=False)
    assert b"Changed" in (site["activity/talk-9.html"] or b"")
