"""The YAML traps: `cpdgen.loading.yamlparse.parse_yaml` (reading the file
as text, `cpdgen.loading.files.read_text`, is test_files.py).

The rules under test are the module docstring's: only `true`/`false` are
booleans, only `null`, `~` and nothing are null, integers are decimal digits,
floats decimal with an optional exponent, everything else plain stays text.
Note that this is stricter than the YAML 1.2 *core* schema (where `True`,
`TRUE`, `Null`, `0o17`, `0x1F` and `.inf` are typed values); it is the YAML 1.2
JSON-schema subset with text as the fallback, which is what a hand-written
record wants: anything unusual reaches the JSON Schema as text and is judged
there in plain words.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from cpdgen.common.collector import collector_paused
from cpdgen.loading.yamlparse import MAX_VALUES, Document, YAMLFileError, parse_yaml


def value(text: str):
    """The value of `v:` when the document is `v: TEXT`."""
    document = parse_yaml(f"v: {text}\n")
    assert document.problems == []
    return document.data["v"]


def refused(text: str) -> YAMLFileError:
    with pytest.raises(YAMLFileError) as caught:
        parse_yaml(text)
    return caught.value


# --------------------------------------------------------------------------- scalars


@pytest.mark.parametrize("text, expected", [("true", True), ("false", False)])
def test_only_lowercase_true_and_false_are_booleans(text, expected):
    assert value(text) is expected


@pytest.mark.parametrize(
    "text",
    ["yes", "no", "Yes", "NO", "on", "off", "On", "OFF", "y", "n", "Y", "N", "True", "TRUE", "False", "FALSE"],
)
def test_yaml11_and_capitalised_booleans_stay_text(text):
    # YAML 1.1 made these booleans (the "Norway problem"); the docstring says
    # only `true` and `false` are. True/TRUE are booleans in the YAML 1.2 core
    # schema, but not here: the schema then tells the member to write `true`.
    assert value(text) == text


@pytest.mark.parametrize("text", ["", "~", "null"])
def test_null_forms(text):
    assert value(text) is None


@pytest.mark.parametrize("text", ["Null", "NULL", "None", "none", "nil"])
def test_other_null_spellings_stay_text(text):
    assert value(text) == text


@pytest.mark.parametrize("text, expected", [("''", ""), ('""', ""), ("'null'", "null"), ('"~"', "~")])
def test_quoted_empty_and_null_are_text(text, expected):
    assert value(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1:30",  # YAML 1.1: sexagesimal 90
        "12:30:00",
        "0o17",  # YAML 1.2 core: octal 15
        "0x1F",  # hexadecimal 31
        "1_000",  # YAML 1.1: 1000
        "1_0.5",
        ".inf",
        "-.inf",
        "+.INF",
        ".nan",
        ".NaN",
        "inf",
        "nan",
        "1e",
        "1.2.3",
        "1,5",
        "+",
        ".",
        "1 - 2",
    ],
)
def test_non_decimal_number_forms_stay_text(text):
    assert value(text) == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2", 2),
        ("0", 0),
        ("-3", -3),
        ("+4", 4),
        ("-0", 0),
        ("0777", 777),  # decimal digits: not octal (YAML 1.1 made it 511)
        ("007", 7),
        ("08", 8),  # not an invalid octal either
        ("999999999999999999", 999999999999999999),  # 18 digits: the longest read as a number
    ],
)
def test_integers_are_decimal(text, expected):
    got = value(text)
    assert type(got) is int
    assert got == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.5", 1.5),
        ("0.25", 0.25),
        (".5", 0.5),
        ("1.", 1.0),
        ("-1.5", -1.5),
        ("1e3", 1000.0),
        ("1E+2", 100.0),
        ("-1e-3", -0.001),
        ("2.5e0", 2.5),
    ],
)
def test_floats_are_decimal_with_optional_exponent(text, expected):
    got = value(text)
    assert type(got) is float
    assert got == expected


@pytest.mark.parametrize(
    "text",
    ["2025-03-14", "2025-3-14", "2025-03-14T10:30:00Z", "2025-03-14 10:30", "14/03/2025", "10:30"],
)
def test_dates_and_times_stay_strings(text):
    got = value(text)
    assert type(got) is str
    assert got == text


@pytest.mark.parametrize(
    "text, expected", [("'007'", "007"), ('"2"', "2"), ('"true"', "true"), ("'2025-03-14'", "2025-03-14")]
)
def test_quoted_scalars_are_always_text(text, expected):
    assert value(text) == expected


def test_block_scalars_are_text():
    assert parse_yaml("v: |\n  line 1\n  true\n").data == {"v": "line 1\ntrue\n"}
    assert parse_yaml("v: >-\n  folded\n  text\n").data == {"v": "folded text"}


def test_keys_are_text_whatever_they_look_like():
    data = parse_yaml("1: a\ntrue: b\nnull: c\n2025-03-14: d\n1:30: e\n").data
    assert data == {"1": "a", "true": "b", "null": "c", "2025-03-14": "d", "1:30": "e"}


# --------------------------------------------------------------------------- tags


@pytest.mark.parametrize(
    "text, expected",
    [
        ("!!str 42", "42"),
        ("!!str true", "true"),
        ("!!int 7", 7),
        ("!!float 1", 1.0),
        ("!!bool true", True),
        ("!!null null", None),
        ("! plain", "plain"),
    ],
)
def test_standard_tags_follow_the_same_rules(text, expected):
    got = value(text)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("! 12", "12"),
        ("!  12", "12"),
        ("! 1.5", "1.5"),
        ("! true", "true"),
        ("! null", "null"),
        ("!", ""),
        ("&a ! 12", "12"),
        ("! &a 12", "12"),
        ("&a 12", 12),  # an anchor alone changes nothing
        ("[! 1, 2, !,]", ["1", 2, ""]),
        ("{k: ! 3}", {"k": "3"}),
    ],
)
def test_the_non_specific_tag_makes_a_scalar_text(text, expected):
    """YAML 1.2: a node with the non-specific tag `!` is a string (libyaml
    resolves `! 12` as it would `12`)."""
    got = value(text)
    assert got == expected and type(got) is type(expected)


def test_an_alias_of_a_non_specific_scalar_is_text_too():
    assert parse_yaml("v: &x ! 12\nw: *x\n").data == {"v": "12", "w": "12"}


@pytest.mark.parametrize("text", ["!!int 0x1F", "!!int 1.5", "!!int true", "!!bool yes", "!!float abc", "!!null x"])
def test_standard_tags_with_values_they_do_not_fit_are_refused(text):
    error = refused(f"v: {text}\n")
    assert "is not a valid !!" in error.problem.message
    assert (error.problem.line, error.problem.column) == (1, 4)


@pytest.mark.parametrize(
    "text, shown",
    [
        ("!!python/object:os.system x", "python/object:os.system"),
        ("!!python/object/apply:os.system [ls]", "python/object/apply:os.system"),
        ("!!python/name:os.system ''", "python/name:os.system"),
        ("!!binary aGk=", "binary"),
        ("!!timestamp 2025-03-14", "timestamp"),
        ("!!set {a}", "set"),
        ("!!omap [a: 1]", "omap"),
        ("!secret api_key", "!secret"),
        ("!Ref Something", "!Ref"),
    ],
)
def test_other_tags_are_refused_at_their_node(text, shown):
    error = refused(f"title: ok\nv: {text}\n")
    assert "unsupported YAML tag" in error.problem.message
    assert shown in error.problem.message
    assert (error.problem.line, error.problem.column) == (2, 4)


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_keys_are_reported_and_the_first_is_kept():
    document = parse_yaml("title: first\nhours: 2\ntitle: second\n'title': third\n")
    assert document.data == {"title": "first", "hours": 2}
    assert [(p.line, p.column, p.message) for p in document.problems] == [
        (3, 1, "duplicate key 'title' (first given on line 1)"),
        (4, 1, "duplicate key 'title' (first given on line 1)"),
    ]


def test_duplicate_keys_in_nested_mappings_and_list_items():
    document = parse_yaml("a:\n  b: 1\n  b: 2\nl:\n  - x: 1\n    y: 2\n    x: 3\n")
    assert document.data == {"a": {"b": 1}, "l": [{"x": 1, "y": 2}]}
    assert [(p.line, p.column) for p in document.problems] == [(3, 3), (7, 5)]
    assert document.problems[1].message == "duplicate key 'x' (first given on line 5)"


def test_a_key_that_is_a_collection_is_refused():
    error = refused("? [a, b]\n: value\n")
    assert "a key must be plain text" in error.problem.message
    assert error.problem.line == 1


# --------------------------------------------------------------------------- aliases


def test_billion_laughs_is_refused_quickly():
    lines = ["lol0: &lol0 [lol]"]
    for level in range(1, 10):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    text = "\n".join(lines) + "\n"  # 9**9 = 387,420,489 values if expanded
    started = time.perf_counter()
    with pytest.raises(YAMLFileError) as caught, collector_paused():  # as validation parses
        parse_yaml(text)
    elapsed = time.perf_counter() - started
    # A safety bound, not a benchmark: expanded, it would take hours. (With the
    # collector running over the heap of a whole test run, it once took over 1 s.)
    assert elapsed < 2.0, f"took {elapsed:.2f} s"
    assert "aliases" in caught.value.problem.message
    assert f"{MAX_VALUES:,}" in caught.value.problem.message


def test_billion_laughs_through_mappings_and_merge_keys_is_refused():
    lines = ["m0: &m0 {a: x, b: y, c: z}"]
    for level in range(1, 12):
        lines.append(f"m{level}: &m{level} {{a: *m{level - 1}, b: *m{level - 1}, c: *m{level - 1}}}")
    lines.append("top:\n  <<: *m11\n  extra: 1")
    started = time.perf_counter()
    with pytest.raises(YAMLFileError):
        parse_yaml("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1.0


def test_ordinary_aliases_are_expanded():
    data = parse_yaml("tags: &t [a, b]\none: *t\ntwo: *t\nname: &n Jo\nwho: *n\n").data
    assert data == {"tags": ["a", "b"], "one": ["a", "b"], "two": ["a", "b"], "name": "Jo", "who": "Jo"}
    assert data["one"] is not data["tags"]  # built afresh: editing one cannot change another


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {self: *x}\n", "a: &x\n  - b: [1, *x]\n", "&top {a: *top}\n"])
def test_recursive_aliases_are_refused(text):
    error = refused(text)
    assert "recursive alias" in error.problem.message


def test_undefined_alias_is_a_syntax_error_with_its_place():
    error = refused("a: 1\nb: *nowhere\n")
    assert "undefined alias" in error.problem.message
    assert (error.problem.line, error.problem.column) == (2, 4)


# --------------------------------------------------------------------------- merge keys


def test_merge_key_copies_a_mapping_and_explicit_keys_win():
    text = "base: &b {type: event, hours: 2, mode: online}\nitem:\n  <<: *b\n  hours: 3\n"
    assert parse_yaml(text).data["item"] == {"type": "event", "hours": 3, "mode": "online"}


def test_explicit_keys_win_wherever_the_merge_key_stands():
    text = "base: &b {hours: 2, mode: online}\nitem:\n  hours: 3\n  <<: *b\n"
    assert parse_yaml(text).data["item"] == {"hours": 3, "mode": "online"}


def test_merge_of_a_list_of_mappings_earlier_ones_win():
    text = "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n  z: 3\n"
    assert parse_yaml(text).data["c"] == {"x": 1, "y": 2, "z": 3}


def test_merge_of_an_inline_mapping():
    assert parse_yaml("c:\n  <<: {x: 1}\n  y: 2\n").data == {"c": {"x": 1, "y": 2}}


@pytest.mark.parametrize("text", ["c:\n  <<: 3\n", "s: &s text\nc:\n  <<: *s\n", "l: &l [1]\nc:\n  <<: [*l]\n"])
def test_merge_of_something_else_is_refused(text):
    assert "merges mappings only" in refused(text).problem.message


def test_a_quoted_merge_key_is_an_ordinary_key():
    assert parse_yaml("'<<': 1\n").data == {"<<": 1}


def test_merged_keys_do_not_count_as_duplicates():
    document = parse_yaml("b: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n")
    assert document.problems == []


# --------------------------------------------------------------------------- documents


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_documents(text):
    document = parse_yaml(text)
    assert document.data is None and document.root is None
    assert document.problems == []
    assert document.locate(("anything", 0)) == (1, 1)


@pytest.mark.parametrize("text", ["---\n", "--- # nothing\n...\n", "~\n", "null\n"])
def test_a_document_holding_only_null_has_no_data(text):
    assert parse_yaml(text).data is None


def test_explicit_start_and_end_markers_are_fine():
    assert parse_yaml("---\na: 1\n...\n").data == {"a": 1}
    assert parse_yaml("%YAML 1.2\n---\na: 1\n").data == {"a": 1}


def test_a_second_document_is_refused_at_its_marker():
    error = refused("a: 1\n---\nb: 2\n")
    assert error.problem.message == "a records file holds one YAML document; remove the second '---'"
    assert error.problem.line == 2


def test_syntax_error_has_a_position():
    error = refused("title: ok\ntags: [a, b\nhours: 2\n")
    assert error.problem.message.startswith("YAML syntax error: ")
    assert error.problem.line == 3


def test_tab_indentation_is_a_syntax_error_at_the_tab():
    error = refused("extra:\n\troom: A1\n")
    assert error.problem.message.startswith("YAML syntax error: ")
    assert (error.problem.line, error.problem.column) == (2, 1)


def test_tab_indentation_message_mentions_tabs():
    assert "tabs" in refused("extra:\n\troom: A1\n").problem.message


def test_parse_yaml_never_builds_python_objects_from_yaml():
    # The loaders that PyYAML calls unsafe would run os.system here.
    with pytest.raises(YAMLFileError):
        parse_yaml("!!python/object/apply:os.system ['echo pwned']\n")


# --------------------------------------------------------------------------- locate

NESTED = """\
# a comment line
title: IET lecture
actions:
  - title: Read
    activities: [2025/a, 2025/b]
  - title: Write
    notes:
      deep: value
tags:
- x
- y
"""


@pytest.fixture
def nested() -> Document:
    return parse_yaml(NESTED)


@pytest.mark.parametrize(
    "path, key, expected",
    [
        ((), False, (2, 1)),  # the root mapping starts after the comment
        (("title",), False, (2, 8)),
        (("title",), True, (2, 1)),
        (("actions",), False, (4, 3)),
        (("actions",), True, (3, 1)),
        (("actions", 0), False, (4, 5)),
        (("actions", 1), False, (6, 5)),
        (("actions", 0, "activities"), False, (5, 17)),
        (("actions", 0, "activities"), True, (5, 5)),
        (("actions", 0, "activities", 1), False, (5, 26)),
        (("actions", 1, "notes", "deep"), False, (8, 13)),
        (("actions", 1, "notes", "deep"), True, (8, 7)),
        (("tags", 1), False, (11, 3)),
    ],
)
def test_locate_gives_one_based_line_and_column(nested, path, key, expected):
    assert nested.locate(path, key=key) == expected


@pytest.mark.parametrize(
    "path, expected",
    [
        (("hours",), (2, 1)),  # a missing field: the record itself
        (("actions", 0, "target"), (4, 5)),  # missing inside an action: that action
        (("actions", 5, "title"), (4, 3)),  # index out of range: the list
        (("actions", -1), (4, 3)),
        (("title", "sub"), (2, 8)),  # below a scalar: the scalar
        (("actions", "title"), (4, 3)),  # a key into a list: the list
        (("tags", 0, "x"), (10, 3)),
    ],
)
def test_locate_stops_at_the_deepest_node_that_exists(nested, path, expected):
    assert nested.locate(path) == expected


def test_locate_finds_the_first_of_duplicate_keys():
    document = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert document.locate(("a",)) == (1, 4)


def test_locate_counts_columns_in_characters():
    document = parse_yaml("naïve: x\nb: [é, ü, 日本]\n")
    assert document.locate(("naïve",)) == (1, 8)
    assert document.locate(("b", 2)) == (2, 11)


def test_locate_with_windows_line_endings():
    document = parse_yaml("a: 1\r\nb:\r\n  c: 2\r\n")
    assert document.data == {"a": 1, "b": {"c": 2}}
    assert document.locate(("b", "c")) == (3, 6)


# --- nesting depth -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "extra: " + "[" * 65 + "]" * 65,  # small file: the builder's limit
        "extra: " + "{a: " * 65 + "}" * 65,
        "extra:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(70)),  # block style
    ],
    ids=["flow-lists", "flow-mappings", "block-mappings"],
)
def test_nesting_deeper_than_the_limit_is_refused(text: str):
    error = refused(text)
    assert "nested more than 64 levels deep" in error.problem.message
    assert error.problem.line >= 1 and error.problem.column >= 1


def test_nesting_at_the_limit_is_accepted():
    document = parse_yaml("extra: " + "[" * 63 + "]" * 63)
    assert isinstance(document.data["extra"], list)


def test_pathological_nesting_is_refused_without_crashing_the_interpreter():
    # 200,000 levels overflow libyaml's recursive composer (a segfault, not an
    # exception); run in a child process so a regression fails this test only.
    code = (
        "from cpdgen.loading.yamlparse import parse_yaml, YAMLFileError\n"
        "try:\n"
        "    parse_yaml('extra: ' + '[' * 200000 + ']' * 200000)\n"
        "except YAMLFileError as exc:\n"
        "    print(exc.problem.line, exc.problem.message)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "nested more than 64 levels deep" in proc.stdout


@pytest.mark.parametrize("text", ["9" * 19, "9" * 400, "9" * 5000, "1e400", "-1e400"])
def test_numbers_too_large_are_refused_with_a_hint_to_quote(text: str):
    # 400 digits overflowed float() in the model, 5,000 hit Python's int()
    # digit limit, 1e400 became inf: each was an internal error or worse.
    error = refused(f"title: x\nhours: {text}\n")
    assert (error.problem.line, error.problem.column) == (2, 8)
    assert "too large" in error.problem.message and "quotes" in error.problem.message


def test_quoted_long_digit_runs_stay_text():
    assert parse_yaml("number: '" + "9" * 30 + "'\n").data == {"number": "9" * 30}


def test_control_character_is_one_line_at_its_position():
    error = refused("title: a\x07b\n")
    assert (error.problem.line, error.problem.column) == (1, 9)
    assert "control character (#x0007)" in error.problem.message
    assert "\n" not in error.problem.message
