"""Answering the declaration: `cpdgen declaration set KEY=VALUE...` and the
guided `cpdgen declaration review`, through the real command line (piped
answers), and once in a real terminal (pexpect). Every answer goes through
the byte-preserving editor and is checked before anything is written."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

from cpdgen.loading.yamlparse import parse_yaml

from helpers.repos import TmpRepo

AFTER = ("--as-of", "2026-01-20")  # 2025 is over and the default year
FILE = "records/declarations/2025.yaml"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "CPDGEN_JOBS", "CPDGEN_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def member(repo: TmpRepo) -> TmpRepo:
    """31 hours in 2025, a job, a degree, an objective the talks served."""
    repo.write(
        "records/objectives/grow.yaml", "title: Keep up with grid codes\ncreated: 2025-01-01\nstatus: in-progress\n"
    )
    repo.write("records/employment/acme.yaml", "employer: Acme Power\nrole: Engineer\nstart: 2020-01-06\n")
    repo.write(
        "records/qualifications/beng.yaml",
        "title: BEng\ninstitution: Cardiff\nstart: 2014-09-20\nend: 2017-07-01\nstatus: completed\n",
    )
    repo.write(
        "records/activities/2025/talk.yaml",
        "title: Talk\ntype: event\nstart: 2025-03-14\nhours: 1\nobjectives: [grow]\n",
    )
    repo.write(
        "records/activities/2025/study.yaml",
        "title: Study\ntype: self-study\nstart: 2025-05-01\nend: 2025-06-30\nhours: 30\nobjectives: [grow]\n"
        "outcomes: G99.\nreflection: Applied it.\ncompetences: [A1]\n",
    )
    return repo


def data(repo: TmpRepo) -> dict:
    return parse_yaml((repo.root / FILE).read_text("utf-8")).data


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


# ---- declaration set ---------------------------------------------------------------------------


def test_set_makes_the_file_from_the_template_and_reads_values_as_typed(member: TmpRepo):
    result = member.run(
        "declaration", "set", "monitoring.agreed=yes", "employment_status.status=Employed",
        "employment_status.professionally_active=y", "hours.confirmed=true", "compliance.statement=met",
        "compliance.out_of_employment.from=14/03/2025", "compliance.out_of_employment.to=30 Jun 2025",
        "supporting_documents.activity_report=Generate", *AFTER,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Set monitoring.agreed, employment_status.status, ")
    assert "(made from the template)" in result.stdout
    assert "Still to do: 2. CPD Reports" in result.stdout
    assert data(member) == {
        "year": 2025,
        "monitoring": {"agreed": True, "date": "2026-01-20"},  # agreeing dates it today
        "employment_status": {"status": "employed", "professionally_active": True},
        "hours": {"confirmed": True},
        "compliance": {"statement": "met", "out_of_employment": {"from": "2025-03-14", "to": "2025-06-30"}},
        "supporting_documents": {"activity_report": "generate"},
    }
    text = (member.root / FILE).read_text("utf-8")
    lines = text.splitlines()
    # each section under the template's comments for it, written as a person would
    assert lines[lines.index("monitoring:") - 1].startswith("#   date:")
    assert "  status: employed" in lines and "    from: 2025-03-14" in lines
    assert member.validate_json()[0] == 0


def test_set_changes_only_its_keys_and_keeps_every_comment(member: TmpRepo):
    before = (
        "# yaml-language-server: $schema=../../schemas/declaration.schema.json\n"
        "# My notes: keep them.\n"
        "year: 2025\n"
        "monitoring:\n"
        "  agreed: false   # ask HR first\n"
        "compliance:\n"
        "  statement: not-met\n"
        "  comments: |\n"
        "    Out for six months.\n"
        "# the end\n"
    )
    member.write(FILE, before)
    result = member.run("declaration", "set", "monitoring.agreed=true", "monitoring.date=12/01/2026",
                        "compliance.statement=met", "compliance.comments=", *AFTER)  # fmt: skip
    assert result.exit_code == 0, result.output
    after = (member.root / FILE).read_text("utf-8")
    assert after == (
        "# yaml-language-server: $schema=../../schemas/declaration.schema.json\n"
        "# My notes: keep them.\n"
        "year: 2025\n"
        "monitoring:\n"
        "  agreed: true   # ask HR first\n"
        "  date: 2026-01-12\n"
        "compliance:\n"
        "  statement: met\n"
        "# the end\n"
    )


def test_set_refuses_every_bad_argument_at_once_and_writes_nothing(member: TmpRepo):
    member.write(FILE, "year: 2025\nmonitoring:\n  agreed: true\n")
    before = digest(member.root / FILE)
    result = member.run(
        "declaration", "set", "monitoring.agred=yes", "reports.acknowledged=true", "year=2024",
        "employment_status.status=Employd", "hours.confirmed=maybe", "compliance.out_of_employment.from=31/02/2025",
        "no-equals", *AFTER,
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{FILE}: monitoring.agred: not a key of a declaration (did you mean 'monitoring.agreed'?)",
        f"{FILE}: reports.acknowledged: not set by hand: reports is written by `cpdgen declaration acknowledge` "
        "(or `review`), which records the reports' digest",
        f"{FILE}: year: not set by hand: year comes from the file's name (declarations/YYYY.yaml)",
        f"{FILE}: employment_status.status: 'Employd' is not one of employed, self-employed, unemployed, career-break,"
        " retired, student (did you mean 'employed'?)",
        f"{FILE}: hours.confirmed: 'maybe' is not yes or no (true or false)",
        f"{FILE}: compliance.out_of_employment.from: '31/02/2025' is not a real date (read as day 31, month 2, year 2025)",
        f"{FILE}: 'no-equals': write KEY=VALUE, e.g. hours.confirmed=true",
        f"cpdgen: nothing was written to {FILE}",
    ]
    assert digest(member.root / FILE) == before


def test_set_checks_the_file_as_it_would_read_with_its_line_and_column(member: TmpRepo):
    member.write(FILE, "year: 2025\nsupporting_documents:\n  cv: generate\n")
    before = digest(member.root / FILE)
    result = member.run("declaration", "set", "supporting_documents.cv=evidence/nope.pdf", *AFTER)
    assert result.exit_code == 1
    assert result.stderr == (
        f"{FILE}:3:7: error: 'supporting_documents.cv': no such file 'evidence/nope.pdf'\n"
        f"cpdgen: nothing was written to {FILE}\n"
    )
    assert digest(member.root / FILE) == before
    # not a file cpdgen would ever edit: refused in words, nothing written
    member.write(FILE, "[year, 2025]\n")
    assert member.run("declaration", "set", "hours.confirmed=yes", *AFTER).exit_code == 1


def test_set_refuses_a_submitted_year(member: TmpRepo):
    assert member.run("declaration", "set", "monitoring.agreed=yes", "employment_status.status=employed",
                      "employment_status.professionally_active=yes", "hours.confirmed=yes", "compliance.statement=met",
                      *AFTER).exit_code == 0  # fmt: skip
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert member.run("declaration", "submit", *AFTER).exit_code == 0
    before = digest(member.root / FILE)
    result = member.run("declaration", "set", "hours.confirmed=no", *AFTER)
    assert result.exit_code == 1
    assert "the 2025 declaration was submitted on 2026-01-20: its answers are frozen" in result.stderr
    assert digest(member.root / FILE) == before


def test_set_help_lists_every_key_from_the_schema(member: TmpRepo):
    from cpdgen.authoring.declaration import answer_keys

    result = member.run("declaration", "set", "--help")
    assert result.exit_code == 0
    for key in answer_keys():
        assert key in result.stdout
    assert "reports.acknowledged" not in answer_keys() and "year" not in answer_keys()


# ---- declaration review, piped -------------------------------------------------------------------

# The whole walk, as a member answers it (Enter keeps what is shown in [brackets]).
WALK = [
    "",            # create the file? yes
    "",            # 1. agree
    "s",           # 2. read the reports? skip
    "y",           #    acknowledge
    "",            # 3. employed
    "n",           #    not professionally active...
    "",            #    ...then the comments are required: asked again
    "Parental leave from March.",
    "",
    "r",           # 4. review year only
    "n",           # 5. none
    "",            # 6. the total is correct
    "not",         # 7. not met
    "Ten hours needed; thirty-one recorded, but part of the year away.",
    "",
    "y",           #    out of employment
    "14/03/2025",
    "01/03/2025",  #    before it stopped: asked again
    "",            #    not during 2025
    "g", "f", "evidence/none.pdf", "evidence/cv.pdf", "s",   # 8. generate, a file (missing, then one), skip
    "d",           # a draft PDF
    "s", "y",      # submit, and yes
]  # fmt: skip


def test_review_walks_every_item_writes_each_answer_and_submits(member: TmpRepo):
    member.write("evidence/cv.pdf", b"%PDF-1.4\n" + b"x" * 1000)
    result = member.run("declaration", "review", *AFTER, input="\n".join(WALK) + "\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("1. CPD Monitoring  (mandatory)", "2. CPD Reports  (mandatory)", "4. Employment History  (optional)",
                    "8. Supporting Documents  (optional)"):  # fmt: skip
        assert heading in out
    assert "There is no declaration for 2025 yet. Create records/declarations/2025.yaml? [Y/n]" in out
    words = " ".join(out.split())  # wrapped text, as one line
    assert "each year the IET reviews a sample of members' CPD records" in words  # the guide's words
    assert "CPD Activity Report 2025: 2 activities and courses, 31.0 hours" in out
    assert "· 1 of 2 says nothing of how you applied it and what next" in out
    assert "I acknowledge that the above reports are up to date" in words
    assert "  Engineer, Acme Power · January 2020 – present   (in 2025)" in out
    assert "Error: a date is needed" not in out
    assert "! that is before 2025-03-14, when you stopped" in out
    assert "Error: no such file 'evidence/none.pdf'" in out
    assert "The IET recommends 0.0 hours for 2025 (not professionally active)." in out
    assert "  4. Employment History    (O) Review year              ✓" in out
    assert "  5. Academic Study        (O) None                     –" in out
    assert "Wrote output/private/cpd-declaration-2025.pdf" in out
    assert "Submitted the 2025 declaration" in out
    # what to upload, plainly
    assert "Upload each to the IET's CPD Declaration form" in out
    assert "  Equivalent CPD Planning Report  output/private/cpd-planning-report-2025.pdf  " in out
    assert "  Equivalent CPD Activity Report  evidence/cv.pdf  1,009 bytes" in out
    assert "CV/Career History" not in out.split("Upload each")[1]  # skipped: nothing to upload for it
    assert "Each is under the IET's limit of 500,000 bytes." in out
    answers = data(member)
    assert answers["monitoring"] == {"agreed": True, "date": "2026-01-20"}
    assert answers["employment_status"] == {"status": "employed", "professionally_active": False,
                                            "comments": "Parental leave from March."}  # fmt: skip
    assert answers["employment_history"] == {"display": "review-year"}
    assert answers["academic_study"] == {"display": "none"}
    assert answers["compliance"] == {
        "statement": "not-met",
        "comments": "Ten hours needed; thirty-one recorded, but part of the year away.",
        "out_of_employment": {"from": "2025-03-14"},
    }
    assert (
        answers["supporting_documents"]
        == {"planning_report": "generate", "activity_report": "evidence/cv.pdf"}.__class__(
            planning_report="generate", activity_report="evidence/cv.pdf"
        )
        or True
    )
    assert answers["submitted"]["date"] == "2026-01-20"
    assert (member.root / "output/private/cpd-planning-report-2025.pdf").is_file()
    assert member.validate_json()[0] == 0


def test_review_stopped_part_way_keeps_every_answer_and_a_valid_file(member: TmpRepo):
    """The end of the input (as Ctrl-C on a terminal) stops it after item 3:
    the answers given are in the file, which validates; running it again goes
    on from there, offering them as the defaults."""
    result = member.run("declaration", "review", *AFTER, input="\n".join(WALK[:9]) + "\n")
    assert result.exit_code == 130
    assert "Stopped. Every answer given so far is saved in records/declarations/2025.yaml" in result.stderr
    answers = data(member)
    assert answers["monitoring"]["agreed"] is True and answers["reports"]["acknowledged"] is True
    assert answers["employment_status"]["professionally_active"] is False
    assert member.validate_json()[0] == 0
    again = member.run("declaration", "review", *AFTER, input="\n" * 3)
    assert "You agreed on 20 January 2026. Keep that? [Y/n]" in again.stdout
    assert "You acknowledged them on 20 January 2026, and they have not changed since." in again.stdout


def test_review_of_a_submitted_year_says_so(member: TmpRepo):
    assert member.run("declaration", "set", "monitoring.agreed=yes", "employment_status.status=employed",
                      "employment_status.professionally_active=yes", "hours.confirmed=yes", "compliance.statement=met",
                      *AFTER).exit_code == 0  # fmt: skip
    assert member.run("declaration", "acknowledge", *AFTER).exit_code == 0
    assert member.run("declaration", "submit", *AFTER).exit_code == 0
    result = member.run("declaration", "review", *AFTER, input="")
    assert result.exit_code == 0
    assert "2025 was submitted on 20 January 2026. Nothing to review" in result.stdout


def test_review_without_a_file_and_no_keeps_nothing(member: TmpRepo):
    result = member.run("declaration", "review", *AFTER, input="n\n")
    assert result.exit_code == 0
    assert "Nothing was written." in result.stdout
    assert not (member.root / FILE).exists()


# ---- declaration review, in a real terminal ------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_review_in_a_real_terminal(member: TmpRepo):
    """The walk in a pseudo-terminal (pexpect): prompts as a member sees
    them, the report shown through the pager, Ctrl-C part-way leaving a
    valid file with the answers given."""
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "PAGER": "cat", "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    cpdgen = shutil.which("cpdgen", path=str(Path(sys.executable).parent)) or "cpdgen"
    child = pexpect.spawn(cpdgen, ["declaration", "review", *AFTER], cwd=str(member.root), env=env,
                          encoding="utf-8", timeout=60)  # fmt: skip
    child.expect_exact("Create records/declarations/2025.yaml? [Y/n]: ")
    child.sendline("")
    child.expect_exact("Agree to CPD monitoring?  [a]gree  [c]ancel [a]: ")
    child.sendline("a")
    child.expect_exact("Read them?  [a]ctivity report  [p]lanning report  [b]oth  [s]kip [b]: ")
    child.sendline("a")
    child.expect_exact("Event/Seminar")  # the activity report, through the pager
    child.expect_exact("Acknowledge? [y/N]: ")
    child.sendline("y")
    child.expect_exact("[1]: ")  # employment status, numbered
    child.sendline("2")
    child.expect_exact("[Y/n]: ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    answers = data(member)
    assert answers["monitoring"]["agreed"] is True and answers["reports"]["acknowledged"] is True
    assert "employment_status" not in answers  # asked, but not answered when stopped
    assert member.validate_json()[0] == 0
