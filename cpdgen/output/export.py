"""`cpdgen export csv`: every record, as its file holds it, in the lossless
CSV of `cpdgen.render.record_csv` (which `cpdgen import csv` reads back).

The records come from a validated repository; each one's data is read again
from its file, so what is exported is what the member wrote (an absent field
stays absent, not its default), examples (`example: true`) included.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cpdgen.common.atomic import write_atomic
from cpdgen.common.errors import UserError
from cpdgen.loading.files import Repository, read_text
from cpdgen.loading.yamlparse import parse_yaml
from cpdgen.model.records import Record, Records
from cpdgen.output.build import refuse_records_folder
from cpdgen.render.record_csv import CellError, Row, exported_kinds, to_csv


def export_rows(repo: Repository, records: Records, kind_names: Sequence[str]) -> list[Row]:
    """A row for each record of the kinds, in file order, kind after kind."""
    files: dict[str, object] = {}
    rows = []
    for kind_name in kind_names:
        examples = [record for name, record in records.examples if name == kind_name]
        chosen: list[Record] = sorted(
            [*records.items[kind_name], *examples],
            key=lambda record: (record.source.file, record.source.index or 0),
        )
        for record in chosen:
            if record.source.file not in files:
                files[record.source.file] = parse_yaml(read_text(repo.root / record.source.file)).data
            data = files[record.source.file]
            if record.source.index is not None:
                assert isinstance(data, list)
                data = data[record.source.index]
            assert isinstance(data, dict)
            fields = {name: value for name, value in data.items() if name != "id"}
            rows.append(Row(kind_name, "" if kind_name == "profile" else record.id, fields, record.source.file))
    return rows


def export_csv(repo: Repository, records: Records, kinds: Sequence[str] | None) -> tuple[str, int]:
    """The CSV text of the repository's records (of `kinds`, else every
    kind), and how many records it holds."""
    kind_names = exported_kinds(kinds)
    rows = export_rows(repo, records, kind_names)
    try:
        return to_csv(rows, kind_names), len(rows)
    except CellError as exc:
        raise UserError(f"{exc}; nothing was exported") from None


def write_export(repo: Repository, path: Path, text: str, option: str = "-o") -> None:
    """Write the CSV to `path` (never inside records/), atomically."""
    refuse_records_folder(repo, path, option)
    write_atomic(path, text)
