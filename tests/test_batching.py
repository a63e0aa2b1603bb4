"""Batches across files (``run_jobs(across_files=True)``): the pending texts of every job of a language pair
go through the engine together, and every output and report has the bytes of a run of one file after another."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_translate import Recording, engines_with

from pipeline.config import Config
from pipeline.memory.store import Memory
from pipeline.run import Job, run_jobs
from pipeline.translation.route import translate_documents

SAMPLE = Path(__file__).parent / "data" / "sample-issue.en.md"
PAIRS = {("en", "pt"), ("en", "fr"), ("pt", "en"), ("fr", "en")}


def make_issues(folder: Path, extra: str = "") -> list[Path]:
    """Three issues built from the sample: as it is, with a paragraph of its own, and cut and reordered
    (so that most sentences are in several issues, some in one only)."""
    text = SAMPLE.read_text(encoding="utf-8")
    head, body = text.split("# Research", 1)
    folder.mkdir(parents=True, exist_ok=True)
    issues = {
        "issue-01.en.md": text,
        "issue-02.en.md": text.replace(
            "Welcome to the first sample issue!",
            "Welcome to the second sample issue, with news on speech models!",
        )
        + "\nA new speech model transcribes meetings in twelve languages. It runs on one laptop.\n",
        "issue-03.en.md": head.replace("#1", "#3")
        + "# Research"
        + body.split("# Tools")[0]
        + extra
        + "\nThe workshop on open datasets takes place in June. Read the [call for papers](https://example.org/cfp).\n",
    }
    for name, content in issues.items():
        (folder / name).write_text(content, encoding="utf-8")
    return [folder / name for name in issues]


def run(files, out: Path, memory: Path, engine, *, across_files: bool, targets=("pt", "fr"), check=True, at_once=False):
    """Every job's summary (or error), and the bytes of every file written under ``out``."""
    jobs = [Job(f, tgt) for f in files for tgt in targets]
    if out.exists():
        shutil.rmtree(out)
    engines = engines_with(engine)
    engines.concurrent_pairs = at_once  # as Ray's engines do: every pair at once, on threads
    with Memory(memory) as store:
        results = list(run_jobs(jobs, Config(), engines, "en", str(out), store, check=check, across_files=across_files))
    written = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    return [(job.source.name, job.tgt, _summary(done)) for job, done in results], written


def _summary(done):
    if isinstance(done, Exception):
        return f"{type(done).__name__}: {done}"
    return {k: v for k, v in done.summary.items() if k != "seconds"}


@pytest.mark.parametrize("at_once", [False, True])
def test_batches_across_files_write_the_bytes_of_a_run_file_by_file(tmp_path, at_once):
    files = make_issues(tmp_path / "issues")
    alone, batched = Recording(PAIRS), Recording(PAIRS)
    one_by_one = run(files, tmp_path / "out", tmp_path / "a.sqlite", alone, across_files=False)
    together = run(files, tmp_path / "out", tmp_path / "b.sqlite", batched, across_files=True, at_once=at_once)
    assert len(one_by_one[1]) == 12  # 3 issues x 2 languages, each with its report
    assert together[1].keys() == one_by_one[1].keys()
    for name, data in one_by_one[1].items():
        assert together[1][name] == data, name
    assert together[0] == one_by_one[0]  # summaries too: from_memory counts what the earlier issues stored
    assert any(s["from_memory"] for _, _, s in one_by_one[0])
    forward = [b for b in batched.batches if not b[0].isupper()]
    alone_forward = [b for b in alone.batches if not b[0].isupper()]
    assert len(forward) < len(alone_forward)  # fewer, larger engine calls
    assert sum(map(len, forward)) <= sum(map(len, alone_forward))  # a sentence of several issues: sent once


def test_a_job_that_fails_in_the_batch_fails_alone(tmp_path):
    class Failing(Recording):
        def translate(self, texts, src, tgt):
            if any("twelve languages" in t for t in texts) and tgt == "fr":
                raise RuntimeError("the engine broke on this text")
            return super().translate(texts, src, tgt)

    files = make_issues(tmp_path / "issues")
    one_by_one = run(files, tmp_path / "out", tmp_path / "a.sqlite", Failing(PAIRS), across_files=False)
    together = run(files, tmp_path / "out", tmp_path / "b.sqlite", Failing(PAIRS), across_files=True)
    failed = [(name, tgt) for name, tgt, s in together[0] if isinstance(s, str)]
    assert failed == [("issue-02.en.md", "fr")], together[0]
    assert together == one_by_one


def test_a_job_that_cannot_start_does_not_stop_the_others(tmp_path):
    files = make_issues(tmp_path / "issues")
    (tmp_path / "issues" / "issue-02.en.md").write_bytes(b"\xff\xfe\x00bad\x00")
    one_by_one = run(files, tmp_path / "out", tmp_path / "a.sqlite", Recording(PAIRS), across_files=False)
    together = run(files, tmp_path / "out", tmp_path / "b.sqlite", Recording(PAIRS), across_files=True)
    assert [isinstance(s, str) for _, _, s in together[0]] == [False, False, True, True, False, False]
    assert together == one_by_one


class Interrupted(KeyboardInterrupt):
    """Ctrl-C on the driver, in the middle of a chunk."""


def test_a_run_interrupted_on_the_driver_resumes_without_repeating_finished_segments(tmp_path):
    files = make_issues(tmp_path / "issues")
    uninterrupted = Recording(PAIRS)
    _, reference = run(
        files, tmp_path / "out", tmp_path / "ref.sqlite", uninterrupted, across_files=True, check=False
    )

    class Stopping(Recording):
        def translate(self, texts, src, tgt):
            if len(self.batches) == 3:
                raise Interrupted
            return super().translate(texts, src, tgt)

    memory = tmp_path / "resumed.sqlite"
    with pytest.raises(Interrupted):
        run(files, tmp_path / "out", memory, Stopping(PAIRS), across_files=True, check=False)
    with Memory(memory) as store:
        stored = set(store._db.execute("SELECT tgt, source FROM translations"))
    assert stored and not (tmp_path / "out").exists()
    resumed = Recording(PAIRS)
    jobs = [Job(f, tgt) for f in files for tgt in ("pt", "fr")]
    with Memory(memory) as store:
        results = list(
            run_jobs(jobs, Config(), engines_with(resumed), "en", str(tmp_path / "out"), store, check=False)
        )
    assert {
        str(p.relative_to(tmp_path / "out")): p.read_bytes() for p in (tmp_path / "out").rglob("*")
    } == reference
    first_of_pair = {}
    for job, done in results:  # a stored segment is recalled, not translated again
        for segment in done.segments:
            if (job.tgt, segment.source) in stored and first_of_pair.setdefault(
                (job.tgt, segment.source), job
            ) is job:
                assert segment.origin == "memory", segment.source
    sent = sum(map(len, resumed.batches))
    assert 0 < sent < sum(map(len, uninterrupted.batches))


def test_chunks_are_cut_over_every_document_and_committed_by_document(tmp_path):
    from pipeline.document.segment import segment
    from pipeline.terms.protect import protect

    documents = []
    for name, text in (("a.md", "One. Two.\n\nThree.\n"), ("b.md", "Two. Four.\n\nFive. One.\n")):
        document = segment(text, name=name, src_lang="en")
        protect(document)
        documents.append(document)
    engine, commits = Recording(), []
    translate_documents(
        documents,
        "pt",
        engines_with(engine),
        2,
        lambda pieces: commits.append([(d.name, [s.source for s in segs]) for d, segs in pieces]),
    )
    assert engine.batches == [["One.", "Two."], ["Three.", "Four."], ["Five."]]
    assert commits == [
        [("a.md", ["One.", "Two."]), ("b.md", ["One.", "Two."])],
        [("a.md", ["Three."]), ("b.md", ["Four."])],
        [("b.md", ["Five."])],
    ]
    assert all(s.target for d in documents for s in d.segments)
