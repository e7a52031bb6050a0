"""Reading a record file as text (`cpdgen.loading.files.read_text`): UTF-8 with
or without a BOM, a size limit read no further than one byte over, and NUL
bytes, bad UTF-8 and UTF-16 refused with their place; a missing file is one
clear message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cpdgen.loading import files as files_module
from cpdgen.loading.files import MAX_FILE_BYTES, SourceError, read_bytes, read_text
from cpdgen.loading.yamlparse import parse_yaml

# --------------------------------------------------------------------------- read_text


def test_read_text_plain_utf8(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes("name: Siân Hughes\n".encode())
    assert read_text(path) == "name: Siân Hughes\n"


def test_read_text_drops_a_utf8_bom(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: Jo\n")
    text = read_text(path)
    assert text == "name: Jo\n"
    document = parse_yaml(text)
    assert document.data == {"name": "Jo"}
    assert document.locate(("name",), key=True) == (1, 1)


def test_read_text_accepts_exactly_the_limit(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"# " + b"x" * (MAX_FILE_BYTES - 3) + b"\n")
    assert path.stat().st_size == MAX_FILE_BYTES == 1_000_000
    assert len(read_text(path)) == MAX_FILE_BYTES


def test_read_text_refuses_one_byte_more(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(SourceError) as caught:
        read_text(path)
    error = caught.value
    assert (error.line, error.column) == (1, 1)
    assert "file is too large (1,000,001 bytes; the limit is 1,000,000)" in error.message


def test_read_text_reads_at_most_one_byte_over_the_limit(tmp_path: Path, monkeypatch):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.truncate(5 * MAX_FILE_BYTES)  # a sparse 5 MB file
    reads: list[int] = []

    class Spy:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def fileno(self):
            return self.handle.fileno()

        def read(self, size=-1):
            data = self.handle.read(size)
            reads.append(len(data))
            assert size is not None and size >= 0, "read() without a size reads the whole file"
            return data

    real_open = open
    monkeypatch.setattr(files_module, "open", lambda *a, **k: Spy(real_open(*a, **k)), raising=False)
    with pytest.raises(SourceError) as caught:
        read_text(path)
    assert reads and sum(reads) <= MAX_FILE_BYTES + 1
    assert "5,000,000 bytes" in caught.value.message


@pytest.mark.parametrize("reported", [0, 10, MAX_FILE_BYTES - 1])
def test_read_bytes_reads_a_file_that_grew_since_its_size_was_taken(tmp_path: Path, monkeypatch, reported: int):
    """The read is sized from the file's length; a file longer than that by
    then (it grew) is still read whole, up to one byte over the limit."""
    small, large = tmp_path / "small.yaml", tmp_path / "large.yaml"
    small.write_bytes(b"title: x\n" * 3000)  # 27,000 bytes
    with open(large, "wb") as handle:
        handle.truncate(2 * MAX_FILE_BYTES)
    real_fstat = os.fstat
    monkeypatch.setattr(
        files_module.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], reported, *real_fstat(fd)[7:]))
    )
    assert read_bytes(small) == small.read_bytes()
    assert len(read_bytes(large)) == MAX_FILE_BYTES + 1


def test_read_text_refuses_nul_bytes_with_their_position(tmp_path: Path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"title: ok\nhours: 2\x00\x01\x02\n")
    with pytest.raises(SourceError) as caught:
        read_text(path)
    assert (caught.value.line, caught.value.column) == (2, 9)
    assert caught.value.message == "this is a binary file, not YAML text"


def test_read_text_refuses_nul_even_after_valid_text(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"a: 1\n" * 1000 + b"\x00")
    with pytest.raises(SourceError) as caught:
        read_text(path)
    assert (caught.value.line, caught.value.column) == (1001, 1)


def test_read_text_refuses_bad_utf8_at_the_bad_byte(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes("title: ok\nname: Café\n".encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        read_text(path)
    error = caught.value
    assert (error.line, error.column) == (2, 10)
    assert error.message == "not UTF-8 text (byte 0xe9); save the file as UTF-8"


def test_read_text_bad_utf8_on_the_first_line(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xffname: x\n")
    with pytest.raises(SourceError) as caught:
        read_text(path)
    assert (caught.value.line, caught.value.column) == (1, 1)
    assert "byte 0xff" in caught.value.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_read_text_names_utf16_rather_than_calling_it_binary(tmp_path: Path, encoding: str):
    path = tmp_path / "x.yaml"
    text = "name: Siân\n"
    path.write_bytes(("\ufeff" + text).encode(encoding) if encoding == "utf-16-be" else text.encode(encoding))
    with pytest.raises(SourceError) as caught:
        read_text(path)
    assert "UTF-16" in caught.value.message and "UTF-8" in caught.value.message


def test_read_text_bad_utf8_column_counts_characters(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_bytes("é: ".encode() + b"\xff\n")
    with pytest.raises(SourceError) as caught:
        read_text(path)
    assert (caught.value.line, caught.value.column) == (1, 4)


def test_read_text_missing_file(tmp_path: Path):
    with pytest.raises(SourceError) as caught:
        read_text(tmp_path / "nope.yaml")
    assert caught.value.message.startswith("cannot read the file")
    assert "Traceback" not in caught.value.message
