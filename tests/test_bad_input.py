"""Bad-input matrix: each row is one `error: ...` line on stderr, exit code 2 and no output file."""
from __future__ import annotations

import errno
import io
import os
import shutil
import sys
import tracemalloc
from pathlib import Path

import pytest
from corpus import SAMPLE_ISSUE
from huggingface_hub import constants as hf_constants

from pipeline.cli import main

ENGLISH = b"# An issue\n\nThis newsletter issue covers new models, datasets and tools for language processing.\n"


def run(monkeypatch, capsys, *args: str, stdin: bytes | None = None) -> tuple[int, str, str]:
    """`pipeline translate ARGS` in process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["pipeline", "translate", *args])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as done:
        main()
    captured = capsys.readouterr()
    return done.value.code, captured.out, captured.err


def assert_refused(result: tuple[int, str, str], fragment: str) -> None:
    code, out, err = result
    assert code == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1 and fragment in err, err
    assert out == ""


def nothing_in(directory: Path) -> bool:
    """No output, report or temp file: the directory is absent or empty."""
    return not directory.exists() or not any(directory.iterdir())


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """No hub access: model rows must fail on the local files, never on a download."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf"))
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hf_constants, "HF_HUB_CACHE", str(tmp_path / "hf"))


def config(tmp_path: Path, toml: str) -> str:
    path = tmp_path / "configs" / "bad.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(toml, encoding="utf-8")
    return str(path)


def marian_config(tmp_path: Path, model: Path, glossary_dir: Path | str = "") -> str:
    return config(tmp_path, f'[translate]\nengines = {{ default = "marian" }}\nglossary_dir = "{glossary_dir}"\n\n[marian]\nmodels = {{ "en-pt" = "{model}" }}\n')


# -- the input file ----------------------------------------------------------------------------
CONTENTS = {
    "empty": (b"", "the file is empty"),
    "only-whitespace": (b"  \n\t\r\n\n", "the file is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file"),
    "invalid-utf8": (b"Ol\xe1 mundo, uma edi\xe7\xe3o nova do boletim.\n", "not valid UTF-8 (byte 2)"),
    "utf16": (ENGLISH.decode().encode("utf-16"), "UTF-16"),
    "utf16-without-bom": (ENGLISH.decode().encode("utf-16-le"), "UTF-16"),
    "undetectable-language": (b"# 42\n\n1234 5678 :-)\n", "cannot tell the source language"),
}


@pytest.mark.parametrize("row", CONTENTS, ids=str)
def test_bad_file_content(row, tmp_path, monkeypatch, capsys):
    data, fragment = CONTENTS[row]
    source = tmp_path / "issue.md"
    source.write_bytes(data)
    assert_refused(run(monkeypatch, capsys, str(source), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out")), fragment)
    assert nothing_in(tmp_path / "out")


def test_20_mb_file_is_refused_without_reading_it(tmp_path, monkeypatch, capsys):
    source = tmp_path / "huge.md"
    with source.open("wb") as handle:
        handle.write(ENGLISH * (20 * 1024 * 1024 // len(ENGLISH) + 1))
    tracemalloc.start()
    try:
        result = run(monkeypatch, capsys, str(source), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_refused(result, "20.0 MB is over the 5 MB input limit (segment.max_input_mb)")
    assert peak < 4 * 1024 * 1024, peak
    assert nothing_in(tmp_path / "out")


def test_20_mb_on_stdin_is_refused_reading_at_most_the_limit(tmp_path, monkeypatch, capsys):
    data = ENGLISH * (20 * 1024 * 1024 // len(ENGLISH) + 1)
    tracemalloc.start()
    try:
        result = run(monkeypatch, capsys, "-", "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"), stdin=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_refused(result, "<stdin>: more than the 5 MB input limit")
    assert peak < 12 * 1024 * 1024, peak  # the limit's 5 MB (and a copy), never the 20 MB
    assert nothing_in(tmp_path / "out")


# -- languages and engines ---------------------------------------------------------------------
def test_same_source_and_target_language(tmp_path, monkeypatch, capsys):
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--from", "en", "--to", "en", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert_refused(result, "source and target language are both 'en'")
    assert nothing_in(tmp_path / "out")


def test_unsupported_pair(tmp_path, monkeypatch, capsys):
    toml = '[translate]\nengines = { default = "marian" }\nglossary_dir = ""\n\n[marian]\nmodel_template = ""\n'
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--config", config(tmp_path, toml), "--out", str(tmp_path / "out"))
    assert_refused(result, "no engine available for en->pt")
    assert nothing_in(tmp_path / "out")


def test_model_directory_missing(tmp_path, monkeypatch, capsys, offline):
    toml = marian_config(tmp_path, tmp_path / "no-such-model")
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--config", toml, "--out", str(tmp_path / "out"))
    assert_refused(result, "no-such-model (no such directory)")
    assert nothing_in(tmp_path / "out")


def _garbage_config(model: Path) -> None:
    (model / "config.json").write_text("{not json", encoding="utf-8")


def _truncated_weights(model: Path) -> None:
    weights = model / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])


@pytest.mark.parametrize("corrupt", [_garbage_config, _truncated_weights], ids=["config-json-garbage", "weights-truncated"])
def test_model_directory_corrupt(corrupt, tmp_path, tiny_marian_dir, monkeypatch, capsys, offline):
    model = tmp_path / "model"
    shutil.copytree(tiny_marian_dir, model, ignore=shutil.ignore_patterns("ctranslate2-*"))
    corrupt(model)
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--config", marian_config(tmp_path, model), "--out", str(tmp_path / "out"))
    assert_refused(result, f"marian model '{model}' for en->pt could not be loaded")
    assert nothing_in(tmp_path / "out")


def test_glossary_with_a_malformed_line(tmp_path, tiny_marian_dir, monkeypatch, capsys, offline):
    glossaries = tmp_path / "glossaries"
    glossaries.mkdir()
    (glossaries / "en-pt.tsv").write_text("model\tmodelo\nno target here\n", encoding="utf-8")
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--config", marian_config(tmp_path, tiny_marian_dir, glossaries), "--out", str(tmp_path / "out"))
    assert_refused(result, "en-pt.tsv:2: missing target column")
    assert nothing_in(tmp_path / "out")


# -- configuration -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "toml, fragment",
    [("[translate]\nunknown_key = 1\n", "translate.unknown_key: Extra inputs are not permitted"), ("[marian]\nbeam_size = 'four'\n", "marian.beam_size")],
    ids=["unknown-key", "wrong-type"],
)
def test_bad_config(toml, fragment, tmp_path, monkeypatch, capsys):
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--config", config(tmp_path, toml), "--out", str(tmp_path / "out"))
    assert_refused(result, fragment)
    assert nothing_in(tmp_path / "out")


# -- the output --------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["out-is-a-file", "out-under-a-file"])
def test_output_path_not_writable(where, tmp_path, monkeypatch, capsys):
    """A regular file in the way stops writes even for root, unlike a read-only mode."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory\n", encoding="utf-8")
    out = blocker if where == "out-is-a-file" else blocker / "sub"
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(out))
    assert_refused(result, f"cannot write {out / 'sample-issue.pt.md'}")
    assert blocker.read_text(encoding="utf-8") == "not a directory\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


@pytest.mark.parametrize("temp", ["unnamed-temp", "named-temp"])
def test_disk_full(temp, tmp_path, monkeypatch, capsys):
    """ENOSPC once the bytes are written (at fsync): no output, and no temp file left behind."""

    def no_space(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if temp == "named-temp":  # filesystems without O_TMPFILE get a named temp file, which must go
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    monkeypatch.setattr(os, "fsync", no_space)
    result = run(monkeypatch, capsys, str(SAMPLE_ISSUE), "--to", "pt", "--engine", "identity", "--out", str(tmp_path / "out"))
    assert_refused(result, "No space left on device")
    assert nothing_in(tmp_path / "out")
