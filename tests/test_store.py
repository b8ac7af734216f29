"""The response store: keys, persistence, claims across processes, corruption."""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest
from PIL import Image

from pytest_mmtrust.errors import StoreError
from pytest_mmtrust.store import MemoryStore, ResponseStore, answer_checksum, cache_key, merge_stores
from pytest_mmtrust.values import GenerationParams, Request, Response


def test_key_depends_on_model_text_image_bytes_and_params(tmp_path: Path) -> None:
    red = tmp_path / "red.png"
    Image.new("RGB", (4, 4), (255, 0, 0)).save(red)
    blue = tmp_path / "blue.png"
    Image.new("RGB", (4, 4), (0, 0, 255)).save(blue)
    base = Request("what colour?", images=(str(red),))
    keys = {
        cache_key("m1", base),
        cache_key("m2", base),
        cache_key("m1", Request("what colour!", images=(str(red),))),
        cache_key("m1", Request("what colour?", images=(str(blue),))),
        cache_key("m1", Request("what colour?", images=(str(red),), params=GenerationParams(max_tokens=9))),
        cache_key("m1", Request("what colour?", images=(str(red),), system="be brief")),
    }
    assert len(keys) == 6
    same_pixels_in_memory = Request("what colour?", images=(Image.open(red).convert("RGB"),))
    assert cache_key("m1", same_pixels_in_memory) == cache_key("m1", same_pixels_in_memory)


def test_answers_persist_and_failures_are_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = ResponseStore(path)
    store.put("k1", "m", Response(text="hello", usage={"prompt_tokens": 3}))
    store.put("k2", "m", Response(text=None, error="boom"))
    store.close()
    again = ResponseStore(path)
    found = again.get_many(["k1", "k2", "k3"])
    assert set(found) == {"k1"}
    assert found["k1"].text == "hello" and found["k1"].cached and found["k1"].usage == {"prompt_tokens": 3}
    assert again.count() == 1


def test_claims_keep_a_second_owner_off(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first, second = ResponseStore(path, owner="gw0"), ResponseStore(path, owner="gw1")
    assert first.claim(["a", "b"]) == {"a", "b"}
    assert second.claim(["a", "b", "c"]) == {"c"}
    assert second.claimed_by_others(["a", "b", "c"]) == {"a", "b"}
    first.put("a", "m", Response(text="x"))  # answering releases the claim
    first.release(["b"])
    assert second.claimed_by_others(["a", "b"]) == set()
    assert second.claim(["b"]) == {"b"}


def _writer(path: str, owner: str, start: int) -> None:
    store = ResponseStore(path, owner=owner)
    for i in range(start, start + 200):
        store.put(f"k{i}", "m", Response(text=str(i)))
    store.close()


def test_concurrent_writers_from_processes_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "s.sqlite")
    ResponseStore(path).close()
    procs = [multiprocessing.get_context("spawn").Process(target=_writer, args=(path, f"w{i}", i * 200)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert ResponseStore(path).count() == 600


def _open_together(path: str, barrier: "multiprocessing.synchronize.Barrier") -> None:
    barrier.wait()
    ResponseStore(path).close()  # raises (exit code 1) if the open gives up


def test_processes_opening_one_new_store_together_all_succeed(tmp_path: Path) -> None:
    """xdist workers open a store that does not exist yet at the same moment; the switch to WAL
    then answers "database is locked" at once, outside SQLite's busy wait, unless opening retries."""
    context = multiprocessing.get_context("fork")
    for round_ in range(12):
        path = str(tmp_path / f"s{round_}.sqlite")
        barrier = context.Barrier(4)
        procs = [context.Process(target=_open_together, args=(path, barrier)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0, 0, 0], f"round {round_}"


def test_a_file_that_is_not_a_store_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="s.sqlite"):
        ResponseStore(path)


def test_a_store_of_another_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    ResponseStore(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="schema 99"):
        ResponseStore(path)


def test_merge_stores_copies_new_answers(tmp_path: Path) -> None:
    a, b = ResponseStore(tmp_path / "a.sqlite"), ResponseStore(tmp_path / "b.sqlite")
    a.put("k1", "m", Response(text="1"))
    b.put("k1", "m", Response(text="1"))
    b.put("k2", "m", Response(text="2"))
    a.close()
    b.close()
    assert merge_stores(tmp_path / "all.sqlite", [tmp_path / "a.sqlite", tmp_path / "b.sqlite"]) == 2
    assert set(ResponseStore(tmp_path / "all.sqlite").get_many(["k1", "k2"])) == {"k1", "k2"}


def test_merging_from_the_command_line_and_a_missing_source(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pytest_mmtrust.store import main

    host = ResponseStore(tmp_path / "host-a.sqlite")
    host.put("k1", "m", Response(text="1"))
    host.close()
    assert main(["merge", str(tmp_path / "all.sqlite"), str(tmp_path / "host-a.sqlite")]) == 0
    assert "1 new answer(s) from 1 store(s)" in capsys.readouterr().out
    assert main(["merge", str(tmp_path / "all.sqlite"), str(tmp_path / "host-a.sqlite"), str(tmp_path / "typo.sqlite")]) == 2
    assert f"{tmp_path / 'typo.sqlite'}: no such store file to merge" in capsys.readouterr().err
    assert not (tmp_path / "typo.sqlite").exists()  # not created as an empty store
    assert ResponseStore(tmp_path / "all.sqlite").count() == 1


def test_memory_store_has_the_same_contract() -> None:
    store = MemoryStore()
    store.put("k", "m", Response(text="x"))
    store.put("e", "m", Response(text=None, error="no"))
    assert set(store.get_many(["k", "e"])) == {"k"}
    assert store.claim(["k", "z"]) == {"k", "z"}


# ---------------------------------------------------------------- invalid answers and read-only stores


@pytest.mark.parametrize("kind", ["file", "memory"])
def test_discarded_answers_are_asked_again_and_the_others_kept(tmp_path: Path, kind: str) -> None:
    store = ResponseStore(tmp_path / "s.sqlite") if kind == "file" else MemoryStore()
    for key in ("good", "bad"):
        store.put(key, "m", Response(text=f"{key} answer"))
    store.discard(["bad", "never-stored"])
    assert set(store.get_many(["good", "bad"])) == {"good"}
    store.close()
    if kind == "file":
        assert set(ResponseStore(tmp_path / "s.sqlite").get_many(["good", "bad"])) == {"good"}


def filled_store(folder: Path) -> Path:
    folder.mkdir()
    path = folder / "s.sqlite"
    store = ResponseStore(path)
    store.put("k1", "m", Response(text="hello"))
    store.close()
    assert sorted(p.name for p in folder.iterdir()) == ["s.sqlite"]  # the last close folds the WAL in
    return path


def test_a_read_only_store_is_opened_for_reading(tmp_path: Path, read_only) -> None:
    path = filled_store(tmp_path / "ro")
    before = path.read_bytes()
    with read_only(path.parent):
        store = ResponseStore(path)
        assert store.read_only
        assert store.get_many(["k1", "k2"])["k1"].text == "hello"
        store.release(["k1"])  # nothing of ours to release: no error
        for write in (lambda: store.put("k2", "m", Response(text="new")), lambda: store.claim(["k2"]),
                      lambda: store.discard(["k1"])):
            with pytest.raises(StoreError) as info:
                write()
            message = str(info.value)
            assert f"{path}: the store is read-only" in message and "writable" in message
            assert "delete" not in message and "corrupt" not in message
        assert store.claim([]) == set()
        store.close()
    assert path.read_bytes() == before


def test_store_locations_are_checked_without_creating_anything(tmp_path: Path, read_only) -> None:
    from pytest_mmtrust.store import check_store_location

    check_store_location(tmp_path / "new" / "deeper" / "s.sqlite")
    assert not (tmp_path / "new").exists()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(StoreError, match=r"--mmtrust-store .*a-file/sub/s.sqlite: cannot create the store's folder .*"
                                         r"a-file is a file, not a folder"):
        check_store_location(tmp_path / "a-file" / "sub" / "s.sqlite")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "keep").write_text("x")
    with read_only(locked):
        with pytest.raises(StoreError, match="is not writable"):
            check_store_location(locked / "s.sqlite")
    good = filled_store(tmp_path / "existing")
    check_store_location(good)
    good.write_bytes(b"garbage" * 200)
    with pytest.raises(StoreError, match="delete it"):
        check_store_location(good)  # real damage keeps its advice


def test_a_store_that_cannot_be_created_in_a_read_only_folder_is_not_called_damaged(tmp_path: Path, read_only) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "keep").write_text("x")
    with read_only(folder):
        with pytest.raises(StoreError) as info:
            ResponseStore(folder / "s.sqlite")
    message = str(info.value)
    assert "cannot create the response store" in message and "writable" in message and "delete" not in message


@pytest.mark.parametrize("make", [lambda path, run: ResponseStore(path, run=run), lambda path, run: MemoryStore(run=run)])
def test_each_answer_remembers_when_and_by_which_run_it_was_stored(tmp_path: Path, make) -> None:
    store = make(tmp_path / "s.sqlite", "run-1")
    before = time.time()
    store.put("k", "m", Response(text="x", fingerprint="fp_abc"))
    found = store.get_many(["k"])["k"]
    assert found.cached and found.stored_run == "run-1" and found.fingerprint == "fp_abc"
    assert before - 1 <= (found.stored_at or 0) <= time.time() + 1
    store.close()


def test_a_store_of_schema_2_gains_runs_and_keeps_its_answers(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    ResponseStore(path).close()
    db = sqlite3.connect(path)  # make it look like a schema-2 store with one answer
    db.executescript(
        """
        DROP TABLE responses;
        CREATE TABLE responses (key TEXT PRIMARY KEY, model TEXT NOT NULL, text TEXT NOT NULL,
                                usage TEXT, latency REAL, created REAL NOT NULL, checksum TEXT);
        UPDATE meta SET value = '2' WHERE key = 'schema';
        """
    )
    db.execute("INSERT INTO responses VALUES ('k1', 'm', 'old', NULL, 0.1, 12.0, ?)", (answer_checksum("k1", "old", None),))
    db.commit()
    db.close()
    store = ResponseStore(path, run="new-run")
    old = store.get_many(["k1"])["k1"]
    assert old.text == "old" and old.stored_at == 12.0 and old.stored_run is None
    store.put("k2", "m", Response(text="new"))
    assert store.get_many(["k2"])["k2"].stored_run == "new-run"
    store.close()
    merged = tmp_path / "all.sqlite"
    merge_stores(merged, [path])
    again = ResponseStore(merged)
    assert again.get_many(["k2"])["k2"].stored_run == "new-run"  # merging keeps where answers came from
    again.close()
