"""The policy file shown in docs/declaration.md works as written: another
body's rules (150 hours over a rolling three years, a cap on a category,
three checklist items) are a file, not code."""

from __future__ import annotations

import json
import re

from helpers.paths import PROJECT_ROOT
from helpers.repos import TmpRepo


def _example_policy() -> str:
    text = (PROJECT_ROOT / "docs" / "declaration.md").read_text("utf-8")
    return re.search(r"```yaml\n(id: mybody\n.*?)```", text, re.S).group(1)


def test_the_documented_policy_drives_hours_and_the_checklist(repo: TmpRepo):
    repo.write("policies/mybody.yaml", _example_policy())
    repo.write("cpdgen.yaml", "policy: policies/mybody.yaml\n")
    for year, hours in ((2023, 40), (2024, 40), (2025, 40)):
        repo.write(
            f"records/activities/{year}/work.yaml",
            f"title: Work\ntype: work-experience\nstart: {year}-05-01\nend: {year}-05-10\nhours: {hours}\n",
        )
        repo.write(
            f"records/activities/{year}/study.yaml",
            f"title: Study\ntype: self-study\nstart: {year}-06-01\nend: {year}-06-10\nhours: 30\n",
        )
    repo.write(
        "records/declarations/2025.yaml", "year: 2025\nhours:\n  confirmed: true\ncompliance:\n  statement: met\n"
    )

    table = repo.run("hours", "--year", "2025", "--as-of", "2026-02-01")
    assert table.exit_code == 0, table.output
    assert "Work-based learning" in table.stdout and "Private study" in table.stdout and "Total" in table.stdout
    # 3 x 40 h of work + min(3 x 30, 50) h of study = 170 h count towards 150 h over 2023-2025
    assert "The IoS recommends 150.0 hours for 2023–2025 (practising); 170.0 count towards it." in table.stdout

    status = repo.run("declaration", "status", "--format", "json", "--as-of", "2026-02-01")
    data = json.loads(status.stdout)
    assert [(i["number"], i["key"], i["complete"]) for i in data["items"]] == [
        (1, "cpd-reports", False),
        (2, "total-cpd-hours", True),
        (3, "compliance-statement", True),
    ]
    assert status.exit_code == 1  # the reports are not acknowledged yet
    assert repo.run("declaration", "acknowledge", "--as-of", "2026-02-01").exit_code == 0
    assert repo.run("declaration", "status", "--as-of", "2026-02-01").exit_code == 0


def test_a_shortfall_over_the_rolling_period_is_a_warning_not_a_block(repo: TmpRepo):
    repo.write("policies/mybody.yaml", _example_policy())
    repo.write("cpdgen.yaml", "policy: policies/mybody.yaml\n")
    repo.write(
        "records/activities/2025/study.yaml",
        "title: Study\ntype: self-study\nstart: 2025-06-01\nend: 2025-06-10\nhours: 80\n",
    )
    repo.write(
        "records/declarations/2025.yaml", "year: 2025\nhours:\n  confirmed: true\ncompliance:\n  statement: met\n"
    )
    assert repo.run("declaration", "acknowledge", "--as-of", "2026-02-01").exit_code == 0
    result = repo.run("declaration", "status", "--as-of", "2026-02-01")
    assert result.exit_code == 0  # ready: a shortfall never blocks
    assert (
        "the hours that count for 2023–2025 are 50.0, below the 150.0 the IoS recommends (practising)" in result.stdout
    )
