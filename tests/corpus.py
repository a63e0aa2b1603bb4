"""Where the optional sample inputs live (../shared beside the repo); tests skip without them."""
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "nlp-newsletter"
SAMPLES = SHARED / "samples" / "seeds"
SAMPLE_ISSUE = REPO / "tests" / "data" / "sample-issue.en.md"


def shared_files() -> list[Path]:
    """Every corpus and sample file, or [] when ../shared is absent."""
    return sorted(CORPUS.glob("*.md")) + sorted(SAMPLES.glob("*.txt"))


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is optional)")
    return path


def run_cli(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """`pipeline ARGS` in process: (exit code, stdout, stderr)."""
    import sys

    from pipeline.cli import main

    monkeypatch.setattr(sys, "argv", ["pipeline", *args])
    with pytest.raises(SystemExit) as done:
        main()
        raise SystemExit(0)
    captured = capsys.readouterr()
    return done.value.code or 0, captured.out, captured.err
