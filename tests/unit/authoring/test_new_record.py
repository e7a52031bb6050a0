"""What `cpdgen new` asks for (`cpdgen.authoring.new_record`): the fields of
each kind and the prompts. The command itself is tests/acceptance/cli/test_new.py."""

from __future__ import annotations

from cpdgen.authoring import new_record


def test_every_required_field_is_prompted_and_prompts_name_real_fields():
    for kind in new_record.NEW_KINDS:
        names = {f.name for f in new_record.fields(kind)}
        required = {f.name for f in new_record.fields(kind) if f.required}
        assert set(new_record.PROMPTED[kind]) <= names, kind
        assert required <= set(new_record.PROMPTED[kind]), kind
