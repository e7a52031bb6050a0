"""`cpdgen compliance` and several bodies in cpdgen.yaml, through the real
command line: the JSON contract, the exit status, the side-by-side table,
and each mistake of `policies:` reported at its place."""

from __future__ import annotations

import json

import pytest

from helpers.repos import TmpRepo

TWO_BODIES = """\
policies:
  - iet
  - policy: texas-pe
    renewal: 2026-06-30
"""

BODY_KEYS = ["policy", "name", "period", "required", "counted", "short", "on_track", "carried_in", "carry_out", "rules"]


def activity(repo: TmpRepo, name: str, start: str, hours: float, tags: str = "", type: str = "event") -> None:
    """Completed on `start`, or the day after for more than 24 hours."""
    extra = f"tags: [{tags}]\n" if tags else ""
    if hours > 24:
        extra += f"end: {start[:-2]}{int(start[-2:]) + 1:02d}\n"
    repo.write(
        f"records/activities/{name}.yaml", f"title: {name}\ntype: {type}\nstart: {start}\nhours: {hours}\n{extra}"
    )


def compliance_json(repo: TmpRepo, as_of: str) -> tuple[int, dict]:
    result = repo.run("compliance", "--as-of", as_of, "--format", "json")
    assert result.stderr == ""
    return result.exit_code, json.loads(result.stdout)


def test_json_contract_two_bodies_with_carry_over(repo: TmpRepo):
    repo.write("cpdgen.yaml", TWO_BODIES)
    activity(repo, "big-year", "2025-04-10", 30)  # Texas 2024-07 – 2025-06: 15 beyond, 14 carried
    activity(repo, "ethics-old", "2025-04-12", 1, "ethics")
    activity(repo, "autumn", "2025-10-01", 20)
    activity(repo, "ethics", "2026-01-20", 1.5, "ethics")
    code, data = compliance_json(repo, "2026-03-31")
    assert code == 0
    assert list(data) == ["as_of", "bodies"] and data["as_of"] == "2026-03-31"
    iet, texas = data["bodies"]
    for body in (iet, texas):
        assert list(body) == BODY_KEYS
        assert list(body["period"]) == ["start", "end"]
        for rule in body["rules"]:
            assert list(rule) == ["rule", "category", "required", "counted", "met"]
    assert iet == {
        "policy": "iet",
        "name": "The Institution of Engineering and Technology",
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "required": 30.0,
        "counted": 1.5,
        "short": 28.5,
        "on_track": True,  # 52.5 h in the last 12 months: 4.4 a month, 9 months left
        "carried_in": 0.0,
        "carry_out": 0.0,
        "rules": [{"rule": "total", "category": None, "required": 30.0, "counted": 1.5, "met": False}],
    }
    assert texas["period"] == {"start": "2025-07-01", "end": "2026-06-30"}
    # 20 + 1.5 own and 14 carried in: 35.5; the 14 carried make up 14 of the 15, 20.5 own are left: 14 carried out
    assert (texas["counted"], texas["carried_in"], texas["carry_out"], texas["short"]) == (35.5, 14.0, 14.0, 0.0)
    assert texas["rules"] == [
        {"rule": "total", "category": None, "required": 15.0, "counted": 35.5, "met": True},
        {"rule": "floor", "category": "ethics", "required": 1.0, "counted": 1.5, "met": True},
    ]
    assert texas["on_track"] is True


def test_exit_status_is_1_when_a_body_is_not_on_track(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies: [engineers-ireland, ncees]\n")
    activity(repo, "lots", "2026-02-01", 40)
    code, data = compliance_json(repo, "2026-12-31")
    assert code == 1
    assert [(b["policy"], b["on_track"]) for b in data["bodies"]] == [("engineers-ireland", True), ("ncees", False)]
    ethics = data["bodies"][1]["rules"][1]
    assert ethics == {"rule": "floor", "category": "ethics", "required": 1.0, "counted": 0.0, "met": False}


def test_text_shows_every_body_side_by_side(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies: [iet, engineers-australia]\n")
    activity(repo, "risk", "2025-02-01", 12, "risk-management")
    result = repo.run("compliance", "--as-of", "2026-12-31")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "Compliance on 2026-12-31"
    header = lines[1].split()
    assert header == ["IET", "EA"]
    period = next(line for line in lines if line.startswith("Period"))
    assert period.split()[1:] == ["2026", "2024–2026"]
    risk = next(line for line in lines if line.startswith("At least: Risk"))
    assert "12.0 of 10.0: yes" in risk
    assert lines[-1] == "Not on track: IET, EA."


def test_policy_alone_still_works_and_is_the_one_body(repo: TmpRepo):
    activity(repo, "a", "2026-02-01", 31)
    code, data = compliance_json(repo, "2026-06-30")
    assert code == 0
    assert [b["policy"] for b in data["bodies"]] == ["iet"]
    assert data["bodies"][0]["short"] == 0.0


@pytest.mark.parametrize(
    ("settings", "line", "column", "fragment"),
    [
        ("policies:\n  - iet\n  - engineers-austrlia\n", 3, 5, "(did you mean 'engineers-australia'?)"),
        ("policies:\n  - iet\n  - {policy: texas-pe}\n", 3, 14, "texas-pe counts over a year ending on your renewal"),
        ("policies: [iet, iet]\n", 1, 17, "the policy 'iet' is listed twice"),
        ("policy: iet\npolicies: [iet]\n", 2, 1, "give policy (one body) or policies (a list), not both"),
        ("policies:\n  - policy: ncees\n    part_time: 2\n", 3, 16, "'policies[0].part_time'"),
        ("policies:\n  - policy: ncees\n    renewal: 2026-02-30\n", 3, 14, "is not a real date"),
        (
            "policies:\n  - policy: engineers-ireland\n    inactive:\n      - {from: 2026-05-01, to: 2026-04-01}\n",
            4,
            32,
            "this inactive span ends (2026-04-01) before it starts (2026-05-01)",
        ),
    ],
)
def test_mistakes_in_policies_are_reported_at_their_place(repo: TmpRepo, settings, line, column, fragment):
    repo.write("cpdgen.yaml", settings)
    code, payload = repo.validate_json()
    assert code == 1
    errors = payload["errors"]
    assert len(errors) == 1, errors
    assert (errors[0]["file"], errors[0]["line"], errors[0]["column"]) == ("cpdgen.yaml", line, column)
    assert fragment in errors[0]["message"]
    result = repo.run("compliance")
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_settings_a_body_never_reads_are_a_warning(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies:\n  - policy: engineers-ireland\n    joined: 2026-03-01\n")
    code, payload = repo.validate_json()
    assert code == 0 and payload["errors"] == []
    (warning,) = payload["warnings"]
    assert (warning["line"], warning["column"]) == (3, 5)
    assert warning["message"] == "joined changes nothing for engineers-ireland: its policy does not prorate for joined"


def test_a_members_own_policy_file_in_the_list_is_checked_with_positions(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies:\n  - iet\n  - policies/mine.yaml\n")
    repo.write(
        "policies/mine.yaml",
        """\
        id: mine
        body: My Body
        short_name: MB
        categories:
          - {key: work-experience, label: Work}
          - {key: volunteering, label: Volunteering}
          - {key: event, label: Events}
          - {key: self-study, label: Reading}
          - {key: training, label: Courses}
        total_label: Total
        requirement:
          window: {kind: calendar-year}
          rules:
            - {hours: 20, reason: everyone}
          floors:
            - {group: ethcs, hours: 2}
        """,
    )
    code, payload = repo.validate_json()
    assert code == 1
    (problem,) = payload["errors"]
    assert (problem["file"], problem["line"], problem["column"]) == ("policies/mine.yaml", 16, 15)
    assert "no group is called 'ethcs'" in problem["message"]
    repo.write("policies/mine.yaml", (repo.root / "policies/mine.yaml").read_text().replace("ethcs", "event"))
    code, data = compliance_json(repo, "2026-12-31")
    assert [b["policy"] for b in data["bodies"]] == ["iet", "mine"]


# ---- --policy on hours and report; the declaration belongs to one body ----------------------


def test_hours_and_report_count_by_the_policy_asked_for(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies: [iet, engineers-ireland]\n")
    activity(repo, "work", "2025-03-01", 4, type="work-experience")
    first = repo.run("hours", "--year", "2025", "--format", "csv")
    ireland = repo.run("hours", "--year", "2025", "--format", "csv", "--policy", "engineers-ireland")
    assert "work-experience,Work experience,4" in first.stdout
    assert "work-experience,Work-based learning,4" in ireland.stdout
    table = repo.run("hours", "--year", "2025", "--policy", "engineers-ireland").stdout
    assert "Engineers Ireland recommends 35.0 hours for 2025" in table
    assert "cpdgen compliance" not in table + first.stdout  # a yearly total: the note says it all
    report = repo.run("report", "activity", "--year", "2025", "--policy", "engineers-ireland")
    assert report.exit_code == 0 and "Work-based learning" in report.stdout
    assert "Work-based learning" not in repo.run("report", "activity", "--year", "2025").stdout
    repo.write("cpdgen.yaml", "policies: [iet, ncees]\n")
    ncees = " ".join(repo.run("hours", "--year", "2025", "--policy", "ncees").stdout.split())
    assert "`cpdgen compliance` judges the NCEES's current period by all its rules" in ncees


def test_an_unlisted_policy_is_a_usage_error(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies: [iet, engineers-ireland]\n")
    result = repo.run("hours", "--policy", "engineers-irland")
    assert result.exit_code == 2
    assert "cpdgen.yaml lists no policy 'engineers-irland' (did you mean 'engineers-ireland'?)" in result.stderr
    assert "Traceback" not in result.output
    assert repo.run("report", "activity", "--policy", "ncees").exit_code == 2


def test_a_body_without_a_checklist_has_no_declaration(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies: [ncees, iet]\n")
    result = repo.run("declaration", "status", "--year", "2025")
    assert result.exit_code == 1
    assert "the NCEES policy has no declaration checklist" in result.stderr
    assert not (repo.root / "records/declarations").exists()
    repo.write("cpdgen.yaml", "policies: [iet, ncees]\n")  # the IET's checklist, as ever
    assert repo.run("declaration", "start", "--year", "2025").exit_code == 0
    assert (repo.root / "records/declarations/2025.yaml").is_file()


def test_a_build_for_a_body_without_a_checklist_makes_no_declaration_pdf():
    from datetime import date

    from cpdgen.model.records import Records
    from cpdgen.render.pdf import ACTIVITY_REPORT, CV, DECLARATION_PDF, PLANNING_REPORT, build_jobs
    from cpdgen.validation.settings import builtin_policy

    class Maker:
        records = Records()

        def __init__(self, policy):
            self.policy = policy

        def job(self, document, year):
            return (document, year)

    assert build_jobs(Maker(builtin_policy("ncees")), date(2026, 3, 1)) == [
        (CV, None),
        (ACTIVITY_REPORT, 2025),
        (PLANNING_REPORT, 2025),
    ]
    assert (DECLARATION_PDF, 2025) in build_jobs(Maker(builtin_policy("iet")), date(2026, 3, 1))


# ---- docs/policies.md: the examples work as written, with the numbers it works out ----------


def _doc_blocks() -> list[tuple[str, str]]:
    """The YAML blocks of docs/policies.md: (the file its first line names, or "", the block)."""
    import re

    from helpers.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / "docs/policies.md").read_text("utf-8")
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        first = block.splitlines()[0]
        found.append((first[2:].split()[0] if first.startswith("# ") else "", block))
    return found


def _doc_block(name: str) -> str:
    return next(block for named, block in _doc_blocks() if named == name)


def test_the_documented_settings_and_policies_are_valid(repo: TmpRepo):
    repo.write("policies/state-board.yaml", _doc_block("policies/state-board.yaml"))
    repo.write("policies/my-society.yaml", _doc_block("policies/my-society.yaml"))
    repo.write(
        "records/activities/tagged.yaml", _doc_block("records/activities/2026/2026-03-12-cross-safety-webinar.yaml")
    )
    settings = [block for name, block in _doc_blocks() if name in ("", "cpdgen.yaml")]
    assert len(settings) == 4
    for text in settings:
        repo.write("cpdgen.yaml", text)
        code, payload = repo.validate_json()
        assert code == 0, (text, payload["errors"])


def test_example_1_state_board_biennium_as_worked_out(repo: TmpRepo):
    repo.write("policies/state-board.yaml", _doc_block("policies/state-board.yaml"))
    repo.write("cpdgen.yaml", "policies:\n  - {policy: policies/state-board.yaml, renewal: 2027-03-31}\n")
    activity(repo, "seminar-1", "2025-06-10", 10)
    activity(repo, "seminar-2", "2026-02-10", 10)
    activity(repo, "reading-1", "2025-09-01", 6, type="self-study")
    activity(repo, "reading-2", "2026-09-01", 6, type="self-study")
    activity(repo, "ethics", "2026-11-01", 1.5, "ethics")
    code, data = compliance_json(repo, "2027-03-31")
    (body,) = data["bodies"]
    assert body["period"] == {"start": "2025-04-01", "end": "2027-03-31"}
    assert (body["required"], body["counted"], body["carry_out"], body["short"]) == (30.0, 35.8, 5.8, 0.0)
    rules = {(r["rule"], r["category"]): (r["counted"], r["met"]) for r in body["rules"]}
    assert rules[("floor", "ethics")] == (1.8, False)
    assert rules[("floor", "laws")] == (0.0, False)
    assert rules[("cap", "self-study")] == (14.4, False)
    assert code == 1


def test_example_2_society_pro_rata_and_reflective_accounts(repo: TmpRepo):
    repo.write("policies/my-society.yaml", _doc_block("policies/my-society.yaml"))
    repo.write("cpdgen.yaml", "policies:\n  - {policy: policies/my-society.yaml, joined: 2026-07-01, part_time: 0.5}\n")
    activity(repo, "r1", "2026-07-10", 2, "reflective")
    activity(repo, "r2", "2026-08-10", 2, "reflective")
    code, data = compliance_json(repo, "2026-12-31")
    (body,) = data["bodies"]
    assert body["required"] == 5.04 and body["counted"] == 4.0
    assert body["rules"][1] == {
        "rule": "count",
        "category": "reflective",
        "required": 3.0,
        "counted": 2.0,
        "met": False,
    }
    text = repo.run("compliance", "--as-of", "2026-12-31").stdout
    assert "a member, 25% of the period (pro rata)" in " ".join(text.split())
    assert "2 of 3 records: no" in text


def test_hours_by_competence_follows_the_policy_asked_for(repo: TmpRepo):
    repo.write("cpdgen.yaml", "policies: [iet, ncees]\n")
    activity(repo, "work", "2025-03-01", 4, type="work-experience")
    assert repo.run("hours", "--year", "2025", "--by", "competence").exit_code == 0  # the IET's UK-SPEC
    result = repo.run("hours", "--year", "2025", "--by", "competence", "--policy", "ncees")
    assert result.exit_code == 1
    assert "the NCEES policy names no competence framework: --by competence needs one" in result.stderr
