"""Translation memory: keys, review precedence, optimistic concurrency, schema and bad files."""
from __future__ import annotations

import sqlite3
import threading

import pytest

from pipeline.document.record import Flag
from pipeline.document.segment import segment
from pipeline.errors import UserError
from pipeline.memory.store import MIGRATIONS, SCHEMA_VERSION, Memory, ReviewConflict

TEXT = "First sentence of the issue.\n\nSecond sentence here.\n\n- First sentence of the issue.\n"


def translated(model: str, suffix: str = "", text: str = TEXT):
    document = segment(text, name="issue.en.md", src_lang="en")
    for s in document.segments:
        s.target, s.origin = s.source.upper() + suffix, model
    return document


def fresh(text: str = TEXT):
    return segment(text, name="issue.en.md", src_lang="en")


@pytest.fixture
def memory(tmp_path):
    with Memory(tmp_path / "deep" / "folder" / "memory.sqlite") as memory:
        yield memory


def test_remember_then_recall_exactly_that_model(memory):
    stored = translated("engine:a")
    for same in (stored.segments[0], stored.segments[2]):  # one source text, two places
        same.flags = [Flag("placeholders", "warning", "markup lost", "ZZA1")]
        same.back, same.scores, same.lang = "First sentence.", {"chrf": 80.5}, "pt"
    assert memory.remember(stored, "pt") == 3
    document = fresh()
    assert memory.recall(document, "pt", "engine:a") == 3
    first = document.segments[0]
    assert (first.target, first.origin, first.back, first.scores, first.lang) == ("FIRST SENTENCE OF THE ISSUE.", "memory", "First sentence.", {"chrf": 80.5}, "pt")
    assert first.flags == [Flag("placeholders", "warning", "markup lost", "ZZA1")] and first.flags[0] is not stored.segments[0].flags[0]
    assert memory.recall(fresh(), "pt", "engine:b") == 0  # another model's output is not reused
    assert memory.recall(fresh(), "fr", "engine:a") == 0  # nor another language


def test_reviewed_entry_wins_whatever_the_model_and_survives_machine_reruns(memory):
    memory.remember(translated("engine:a"), "pt")
    entry = memory.save_review("en", "pt", "Second sentence here.", status="edited", text="Segunda frase.", reviewer="ana", revision=0)
    assert (entry.status, entry.final, entry.target, entry.revision, entry.reviewer) == ("edited", "Segunda frase.", "SECOND SENTENCE HERE.", 1, "ana")
    memory.remember(translated("engine:a", " v2"), "pt")  # a machine re-run never touches the review
    memory.remember(translated("engine:b"), "pt")
    document = fresh()
    assert memory.recall(document, "pt", "engine:b") == 3
    second = document.segments[1]
    assert (second.target, second.origin, second.status) == ("Segunda frase.", "review:ana", "edited")
    assert document.segments[0].target == "FIRST SENTENCE OF THE ISSUE." and document.segments[0].origin == "memory"
    # the effective entry without a model: reviewed wins, else the most recent machine output
    entries = memory.entries("en", "pt", ["First sentence of the issue.", "Second sentence here.", "Unknown."])
    assert set(entries) == {"First sentence of the issue.", "Second sentence here."}
    assert entries["First sentence of the issue."].model == "engine:b"
    assert entries["Second sentence here."].final == "Segunda frase."


def test_approved_keeps_the_text_the_reviewer_saw(memory):
    memory.remember(translated("engine:a"), "pt")
    memory.save_review("en", "pt", "Second sentence here.", status="approved", text=None, reviewer="bo", revision=None)
    memory.remember(translated("engine:b", " (b)"), "pt")
    entry = memory.entry("en", "pt", "Second sentence here.")
    assert (entry.final, entry.model, entry.status) == ("SECOND SENTENCE HERE.", "engine:a", "approved")


def test_stale_revision_is_a_conflict_and_stores_nothing(memory):
    memory.remember(translated("engine:a"), "pt")
    memory.save_review("en", "pt", "Second sentence here.", status="edited", text="Um.", reviewer="ana", revision=0)
    with pytest.raises(ReviewConflict) as conflict:
        memory.save_review("en", "pt", "Second sentence here.", status="edited", text="Dois.", reviewer="bo", revision=0)
    assert conflict.value.current.final == "Um." and conflict.value.current.revision == 1
    assert memory.entry("en", "pt", "Second sentence here.").final == "Um."
    entry = memory.save_review("en", "pt", "Second sentence here.", status="rejected", text=None, reviewer="bo", revision=1)
    assert (entry.status, entry.final, entry.revision) == ("rejected", "SECOND SENTENCE HERE.", 2)
    assert [(e.status, e.text, e.reviewer) for e in memory.history("en", "pt", "Second sentence here.")] == [("edited", "Um.", "ana"), ("rejected", None, "bo")]


def test_review_reset_to_new_shows_machine_text_again(memory):
    memory.remember(translated("engine:a"), "pt")
    memory.save_review("en", "pt", "Second sentence here.", status="edited", text="Um.", reviewer="ana", revision=0)
    entry = memory.save_review("en", "pt", "Second sentence here.", status="new", text=None, reviewer="ana", revision=1)
    assert (entry.status, entry.final, entry.revision) == ("new", "SECOND SENTENCE HERE.", 2)
    document = fresh()
    memory.recall(document, "pt", "engine:a")
    assert document.segments[1].origin == "memory"


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"status": "done", "text": None}, "unknown review status"),
        ({"status": "edited", "text": "  "}, "needs the reviewer's text"),
        ({"status": "approved", "text": "x"}, "with status 'edited' only"),
    ],
)
def test_bad_review_is_a_user_error(memory, kwargs, fragment):
    memory.remember(translated("engine:a"), "pt")
    with pytest.raises(UserError, match=fragment):
        memory.save_review("en", "pt", "Second sentence here.", reviewer="ana", revision=None, **kwargs)


def test_review_of_unknown_segment_is_a_user_error(memory):
    with pytest.raises(UserError, match="pipeline translate"):
        memory.save_review("en", "pt", "Never translated.", status="approved", text=None, reviewer="ana", revision=None)


def test_edited_text_has_its_own_back_check(memory):
    memory.remember(translated("engine:a"), "pt")
    memory.save_review("en", "pt", "Second sentence here.", status="edited", text="Segunda.", reviewer="ana", revision=0)
    document = fresh()
    memory.recall(document, "pt", "engine:a")
    second = document.segments[1]
    assert second.back is None and second.flags == []  # the machine text's back-check does not apply
    second.back, second.scores = "Second.", {"chrf": 40.0}
    memory.remember(document, "pt", model="engine:a")
    again = fresh()
    memory.recall(again, "pt", "engine:a")
    assert (again.segments[1].back, again.segments[1].scores, again.segments[1].target) == ("Second.", {"chrf": 40.0}, "Segunda.")
    assert memory.entry("en", "pt", "Second sentence here.").target == "SECOND SENTENCE HERE."  # review row untouched


def test_issue_listing(memory, tmp_path):
    memory.remember(translated("engine:a"), "pt")
    [issue] = memory.issues()
    assert (issue.src, issue.tgt, issue.segments) == ("en", "pt", 3) and issue.issue.endswith("issue.en.md")
    assert [source for _, _, source in memory.issue_segments("issue.en.md", "pt")] == [s.source for s in fresh().segments]


def test_schema_is_versioned_in_wal_mode(tmp_path):
    path = tmp_path / "m.sqlite"
    Memory(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(UserError, match="newer than this pipeline"):
        Memory(path)


def test_a_version_1_memory_is_migrated_and_its_translations_judged_again(tmp_path):
    path = tmp_path / "v1.sqlite"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("INSERT INTO translations (src, tgt, source, model, target, flags, seq) VALUES ('en', 'pt', 'Hello world.', 'engine:a', 'OLÁ MUNDO.', '[]', 1)")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Memory(path) as memory:
        document = fresh("Hello world.\n")
        assert memory.recall(document, "pt", "engine:a") == 1
        assert document.segments[0].target == "OLÁ MUNDO." and document.segments[0].checked is None
        document.segments[0].checked = "judged"
        memory.remember(document, "pt", model="engine:a")
        again = fresh("Hello world.\n")
        memory.recall(again, "pt", "engine:a")
        assert again.segments[0].checked == "judged"
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_prepared_documents_round_trip_and_are_keyed(memory):
    document = fresh()
    memory.store_prepared(document, "pt", "key-1")
    assert memory.prepared("issue.en.md", "pt", "key-1") == document
    assert memory.prepared("issue.en.md", "pt", "key-2") is None and memory.prepared("issue.en.md", "fr", "key-1") is None
    assert memory.summary("issue.en.md", "pt", "s") is None
    memory.store_summary("issue.en.md", "pt", "s", {"lang": "pt", "flags": []})
    assert memory.summary("issue.en.md", "pt", "s") == {"lang": "pt", "flags": []}
    memory.store_prepared(document, "pt", "key-2")  # a new version of the issue replaces the old one
    assert memory.prepared("issue.en.md", "pt", "key-1") is None and memory.summary("issue.en.md", "pt", "s") is None


@pytest.mark.parametrize("content", [b"this is not a database at all" * 40, b"SQLite format 3\x00" + b"\x07" * 200])
def test_corrupt_file_is_one_line_user_error(tmp_path, content):
    path = tmp_path / "m.sqlite"
    path.write_bytes(content)
    with pytest.raises(UserError) as error:
        Memory(path)
    assert "m.sqlite" in str(error.value) and "\n" not in str(error.value)
    assert path.read_bytes() == content  # never overwritten


def test_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (x)")
    db.commit()
    db.close()
    with pytest.raises(UserError, match="not a translation memory"):
        Memory(path)


def test_a_second_writer_waits_for_the_first(tmp_path):
    path = tmp_path / "m.sqlite"
    with Memory(path) as one, Memory(path) as two:
        one.remember(translated("engine:a"), "pt")
        one._db.execute("BEGIN IMMEDIATE")  # another process mid-write
        two._db.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(UserError, match="locked"):
            two.remember(translated("engine:b"), "pt")
        one._db.execute("ROLLBACK")
        assert two.remember(translated("engine:b"), "pt") == 3
        assert two.recall(fresh(), "pt", "engine:b") == 3


def test_concurrent_first_opens_create_the_schema_once(tmp_path):
    path, errors = tmp_path / "new.sqlite", []

    def open_and_close():
        try:
            Memory(path).close()
        except Exception as error:  # collected: an assert in a thread would be lost
            errors.append(error)

    threads = [threading.Thread(target=open_and_close) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Memory(path) as memory:
        assert memory.remember(translated("engine:a"), "pt") == 3
