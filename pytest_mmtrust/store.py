"""The response store: every answer a model gave, keyed by model identity + request hash.

Why SQLite: one file, atomic transactions, many readers and writers across processes (WAL
mode) and no server. A rerun asks the model nothing it already answered, and a run killed
halfway resumes by asking only what is missing, because each answer is committed the moment
it arrives.

Only successful answers are stored. A failed call is not an answer: the next run tries again.

Each answer records when it was stored and by which run (``run``: the id the plugin gives every
pytest session), and the server's fingerprint of the model when it sent one. A report can then
say how many answers it reused and from when, and a baseline comparison can tell that it is
reading the baseline run's own answers.

Several pytest-xdist workers share one store. ``claim`` makes sure no request is sent twice:
a worker claims the keys it is about to ask for; the others wait for those answers to appear
(or for the claim to be released or go stale, if its owner died) instead of asking too.

SQLite must not live on a network filesystem (its locks are unreliable there): give each host
its own store and merge them with :func:`merge_stores`.

Crashes and corruption. Every answer is one committed transaction, so a process killed at any
moment (SIGKILL included) leaves every answer either wholly stored or absent; the next run asks
for the absent ones only. A claim names its process (``label@host:pid``): a claim left by a dead
process on this host is taken over at once, not after :data:`STALE_CLAIM_S`. Damage SQLite
itself cannot see is caught too: each answer carries a sha256 of its key, text and usage, checked
whenever it is read. A truncated, corrupt or foreign file fails with one :class:`StoreError` line
naming it — never silently used, and never silently replaced (the answers in it may be worth
rescuing; the message says to move it away).

Read-only stores. A store the run may not write (a read-only file, folder or file system, a
store shared from a cache) is opened for reading: a fully cached rerun works, and only a write
(a new answer, a claim before asking the model, :meth:`ResponseStore.discard`) raises one
:class:`StoreError` saying the store is read-only — before anything is sent. Only real damage
is answered with "move it away or delete it"; a permission problem never is.

Invalid answers. An answer the run later finds unusable (a judge's reply that is not the
required JSON, an answer that misses the format its request demanded) is removed with
:meth:`ResponseStore.discard`, so the next run asks again instead of failing the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import socket
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

from .errors import StoreError
from .redaction import redact
from .safe_text import valid_unicode
from .values import Request, Response

SCHEMA_VERSION = "3"
#: Schema 1 lacked the per-answer checksum, schema 2 the run and fingerprint of each answer;
#: such a store is upgraded in place when opened (older answers have no run: NULL).
UPGRADABLE_SCHEMAS = ("1", "2")
STALE_CLAIM_S = 120.0
HOST = socket.gethostname()

#: How long opening a store keeps trying while another process holds it busy (seconds).
_OPEN_PATIENCE_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    usage TEXT,
    latency REAL,
    created REAL NOT NULL,
    checksum TEXT,
    run TEXT,
    fingerprint TEXT
);
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, owner TEXT NOT NULL, at REAL NOT NULL);
"""


def cache_key(model_identity: str, request: Request) -> str:
    """The store key of one request to one model."""
    return hashlib.sha256(f"{model_identity}\n{request.digest()}".encode("utf-8")).hexdigest()


class ResponseStore:
    """A SQLite response store at ``path``; thread-safe within a process, safe across processes."""

    def __init__(self, path: Path | str, owner: str | None = None, run: str | None = None):
        self.path = Path(path)
        self.owner = f"{owner or 'pid'}@{HOST}:{os.getpid()}"
        #: The id of the run whose answers this connection stores.
        self.run = run
        self._lock = threading.Lock()
        #: Why the store is open for reading only (None: it is writable).
        self.read_only: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot create the store's folder ({exc.strerror or exc})") from None
        deadline = time.monotonic() + _OPEN_PATIENCE_S
        while True:
            try:
                self._open()
                if not os.access(self.path, os.W_OK):  # SQLite fell back to reading: say so now, not at a write
                    self._close_quietly()
                    self._open_read_only(PermissionError("the file is not writable"))
                return
            except sqlite3.DatabaseError as exc:
                self._close_quietly()
                # Switching a fresh file to WAL, and WAL recovery, report SQLITE_BUSY at once rather
                # than waiting in the busy handler: xdist workers opening one new store together
                # meet this. Waiting and opening again is the whole cure.
                if _is_busy(exc) and time.monotonic() < deadline:
                    time.sleep(random.uniform(0.02, 0.2))
                    continue
                if _is_permission(exc) and self.path.is_file():
                    self._open_read_only(exc)
                    return
                if _is_permission(exc) and not self.path.exists():
                    raise StoreError(
                        f"{self.path}: cannot create the response store ({_one_line(exc)}); make its folder writable, "
                        "or pass --mmtrust-store with a writable path"
                    ) from None
                raise StoreError(f"{self.path}: {_damage(exc)}; move it away or delete it (the next run asks again)") from None
            except StoreError:
                self._close_quietly()
                raise

    def _open(self) -> None:
        """Connect, switch to WAL, check integrity and create or upgrade the schema."""
        self._db = sqlite3.connect(str(self.path), timeout=60.0, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout = 60000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = NORMAL")
        self._check_integrity()
        with self._transaction():
            for statement in _SCHEMA.strip().split(";"):
                if statement.strip():
                    self._db.execute(statement)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] in UPGRADABLE_SCHEMAS:
                self._upgrade(row[0])
            elif row[0] != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: response store of schema {row[0]}, this version reads schema {SCHEMA_VERSION}; "
                    "move it away or pass --mmtrust-store with another path"
                )

    def _open_read_only(self, cause: Exception) -> None:
        """Open a store this process may not write, for reading (see the module docstring).

        ``mode=ro`` reads a WAL store whose ``-wal`` and ``-shm`` files exist or can be made;
        in a folder where they can be neither, ``immutable=1`` reads the file alone — allowed
        only when no ``-wal`` file holds answers not yet copied into it, which it would miss.
        """
        uri = self.path.resolve().as_uri()
        wal = Path(f"{self.path}-wal")
        attempts = [f"{uri}?mode=ro"]
        if not wal.exists() or wal.stat().st_size == 0:
            attempts.append(f"{uri}?mode=ro&immutable=1")
        failure: Exception = cause
        for attempt in attempts:
            try:
                self._db = sqlite3.connect(attempt, uri=True, timeout=60.0, check_same_thread=False, isolation_level=None)
                self._db.execute("PRAGMA busy_timeout = 60000")
                self._check_integrity()
                row = self._db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            except sqlite3.DatabaseError as exc:
                self._close_quietly()
                failure = exc
                if "no such table" in str(exc):
                    raise StoreError(
                        f"{self.path}: the store is read-only ({_one_line(cause)}) and has no answers table yet; "
                        "make it writable, or pass --mmtrust-store with a writable path"
                    ) from None
                continue
            except StoreError:
                self._close_quietly()
                raise
            if row is None or row[0] != SCHEMA_VERSION:
                self._close_quietly()
                raise StoreError(
                    f"{self.path}: the store is read-only ({_one_line(cause)}) and of schema {row[0] if row else '?'}; "
                    f"this version reads schema {SCHEMA_VERSION} and upgrades older ones in place, which needs "
                    "writing: make it writable once"
                )
            self.read_only = _one_line(cause)
            return
        raise StoreError(
            f"{self.path}: cannot open the response store, not even for reading ({_one_line(failure)}); "
            "check that its file and folder can be read (and written, for new answers)"
        )

    def _writable(self, doing: str) -> None:
        """Raise the one read-only message when a write is needed on a read-only store."""
        if self.read_only is not None:
            raise StoreError(
                f"{self.path}: the store is read-only ({self.read_only}), so {doing} is impossible; "
                "make the file and its folder writable, or pass --mmtrust-store with a writable path"
            )

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:
                pass

    def _check_integrity(self) -> None:
        row = self._db.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            found = _one_line(row[0]) if row else "no answer"
            raise StoreError(f"{self.path}: response store is corrupt ({found}); move it away or delete it (the next run asks again)")

    def _upgrade(self, schema: str) -> None:
        """Bring a store of an older schema up to date (inside the open transaction).

        1 → 2 adds the checksum column and fills it for the answers already there; 2 → 3 adds
        the run and fingerprint columns, left empty for older answers.
        """
        columns = {info[1] for info in self._db.execute("PRAGMA table_info(responses)")}
        if schema == "1":
            if "checksum" not in columns:
                self._db.execute("ALTER TABLE responses ADD COLUMN checksum TEXT")
            rows = self._db.execute("SELECT key, text, usage FROM responses").fetchall()
            for key, text, usage in rows:
                self._db.execute("UPDATE responses SET checksum = ? WHERE key = ?", (answer_checksum(key, text, usage), key))
        for column in ("run", "fingerprint"):
            if column not in columns:
                self._db.execute(f"ALTER TABLE responses ADD COLUMN {column} TEXT")
        self._db.execute("DELETE FROM claims")  # written by processes of the old version, all gone by now
        self._db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION,))

    def _transaction(self) -> "_Transaction":
        return _Transaction(self._db, self._lock)

    # ------------------------------------------------------------ answers

    def get_many(self, keys: Iterable[str]) -> dict[str, Response]:
        """The stored answers among ``keys`` (as cached responses); a damaged one is a StoreError."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Response] = {}
        with self._lock, self._errors("reading answers"):
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, text, usage, latency, checksum, created, run, fingerprint in self._db.execute(
                    "SELECT key, text, usage, latency, checksum, created, run, fingerprint "
                    f"FROM responses WHERE key IN ({marks})", chunk
                ):
                    if checksum != answer_checksum(key, text, usage):
                        raise StoreError(
                            f"{self.path}: the stored answer {key[:16]}… fails its checksum, so the store is corrupt; "
                            "move it away or delete it (the next run asks again)"
                        )
                    try:
                        parsed_usage = json.loads(usage) if usage else None
                    except ValueError:
                        parsed_usage = None  # cannot happen with a matching checksum; be safe anyway
                    # redacted again: a store written before a secret was known must not leak it into reports
                    found[key] = Response(text=redact(text), usage=parsed_usage, latency_s=latency, cached=True,
                                          fingerprint=fingerprint, stored_at=created, stored_run=run)
        return found

    def put(self, key: str, model_identity: str, response: Response) -> None:
        """Store one successful answer (failed ones are never stored) and release its claim."""
        self.put_many([(key, response)], model_identity)

    def put_many(self, answers: Sequence[tuple[str, Response]], model_identity: str) -> None:
        """Store several answers of one model in one transaction (a group commit).

        What the run-wide stream does with the answers that arrived while the previous commit
        was being written: one transaction per answer, each taking the store's lock, was the
        largest cost of a request against a fast server.
        """
        rows = []
        now = time.time()
        for key, response in answers:
            if not response.ok:
                continue
            usage = json.dumps(dict(response.usage), sort_keys=True) if response.usage else None
            text = valid_unicode(response.text or "")  # UTF-8 cannot hold them; SQLite would refuse
            text = redact(text)  # no secret the run knows is ever written (pytest_mmtrust.redaction)
            rows.append((key, model_identity, text, usage, response.latency_s, now, answer_checksum(key, text, usage),
                         self.run, response.fingerprint))
        if not rows:
            return
        self._writable("storing a new answer")
        with self._errors("storing an answer"), self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO responses (key, model, text, usage, latency, created, checksum, run, fingerprint) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
            )
            self._db.executemany("DELETE FROM claims WHERE key = ?", [(row[0],) for row in rows])

    def discard(self, keys: Iterable[str]) -> None:
        """Remove the answers under ``keys`` (found invalid): the next run asks for them again."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return
        self._writable(f"removing {len(wanted)} invalid answer(s) so that the next run asks again")
        with self._errors("removing invalid answers"), self._transaction():
            for key in wanted:
                self._db.execute("DELETE FROM responses WHERE key = ?", (key,))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    # ------------------------------------------------------------ claims

    def claim(self, keys: Iterable[str]) -> set[str]:
        """Claim the keys nobody else is asking for; return those now ours.

        A claim older than ``STALE_CLAIM_S``, or left by a process of this host that is gone,
        belongs to nobody and is taken over.
        """
        now = time.time()
        mine: set[str] = set()
        keys = list(keys)
        if keys:
            self._writable(f"asking the model for {len(keys)} answer(s) missing from it")
        with self._errors("claiming requests"), self._transaction():
            for key in keys:
                row = self._db.execute("SELECT owner, at FROM claims WHERE key = ?", (key,)).fetchone()
                if row is None or row[0] == self.owner or _abandoned(row[0], row[1], now):
                    self._db.execute("INSERT OR REPLACE INTO claims VALUES (?, ?, ?)", (key, self.owner, now))
                    mine.add(key)
        return mine

    def release(self, keys: Iterable[str]) -> None:
        if self.read_only is not None:
            return  # a read-only store holds no claims of ours
        with self._errors("releasing claims"), self._transaction():
            for key in keys:
                self._db.execute("DELETE FROM claims WHERE key = ? AND owner = ?", (key, self.owner))

    def claimed_by_others(self, keys: Iterable[str]) -> set[str]:
        now = time.time()
        out = set()
        with self._lock, self._errors("reading claims"):
            for key in keys:
                row = self._db.execute("SELECT owner, at FROM claims WHERE key = ?", (key,)).fetchone()
                if row is not None and row[0] != self.owner and not _abandoned(row[0], row[1], now):
                    out.add(key)
        return out

    def _errors(self, doing: str) -> "_StoreErrors":
        return _StoreErrors(self.path, doing, self)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def answer_checksum(key: str, text: str, usage: str | None) -> str:
    """sha256 of what a stored answer says, to catch damage SQLite's own checks cannot see."""
    digest = hashlib.sha256()
    for part in (key, text, usage if usage is not None else "\x00none"):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "big"))
        digest.update(encoded)
    return digest.hexdigest()


def _abandoned(owner: str, at: float, now: float) -> bool:
    """A claim nobody is working on: too old, or its process (on this host) no longer exists."""
    if now - at > STALE_CLAIM_S:
        return True
    label, at_sign, place = owner.rpartition("@")
    host, colon, pid_text = place.rpartition(":")
    if not (at_sign and colon and host == HOST and pid_text.isdigit()):
        return False  # another host, or a claim written by an older version: wait for it to go stale
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (perhaps as another user's process): leave its claim alone
    return False


def _one_line(text: Any) -> str:
    return " ".join(str(text).split())


def _is_permission(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite refused for lack of permission (read-only file, folder or file system)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    return (name.startswith("SQLITE_READONLY") or name in ("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")
            or "readonly database" in text or "unable to open database file" in text)


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite refused because another connection holds the file (worth waiting for)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _damage(exc: sqlite3.DatabaseError) -> str:
    """What SQLite's complaint means for a user, in a few words."""
    text = _one_line(exc)
    if "not a database" in text:
        return f"not a response store ({text})"
    if "malformed" in text or "corrupt" in text:
        return f"response store is corrupt or truncated ({text})"
    if "Could not decode" in text:  # sqlite3 reading text that is not UTF-8: a damaged answer
        return "response store is corrupt (a stored answer is not valid UTF-8)"
    return f"response store cannot be used ({text})"


class _StoreErrors:
    """Turn a SQLite failure during use (disk full, I/O error, damage) into one StoreError line."""

    def __init__(self, path: Path, doing: str, store: "ResponseStore | None" = None):
        self.path, self.doing, self.store = path, doing, store

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None and issubclass(exc_type, sqlite3.DatabaseError):
            if _is_permission(exc) and self.store is not None and not self.doing.startswith("reading"):
                # a write refused while in use (the file or its folder became read-only)
                self.store.read_only = _one_line(exc)
                self.store._writable(self.doing)
            what = _damage(exc)
            advice = "; move it away or delete it (the next run asks again)" if "corrupt" in what or "not a" in what else ""
            raise StoreError(f"{self.path}: {self.doing} failed: {what}{advice}") from None


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` under the connection lock: one writer at a time."""

    def __init__(self, db: sqlite3.Connection, lock: threading.Lock):
        self._db, self._lock = db, lock

    def __enter__(self) -> None:
        self._lock.acquire()
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()


class MemoryStore:
    """The store used with ``--mmtrust-no-store`` in a single process: answers live for one run."""

    def __init__(self, run: str | None = None) -> None:
        self._answers: dict[str, Response] = {}
        self._lock = threading.Lock()
        self.path = None
        self.run = run

    def get_many(self, keys: Iterable[str]) -> dict[str, Response]:
        with self._lock:
            return {k: Response(text=r.text, usage=r.usage, latency_s=r.latency_s, cached=True, fingerprint=r.fingerprint,
                                stored_at=r.stored_at, stored_run=r.stored_run)
                    for k in keys if (r := self._answers.get(k)) is not None}

    def put(self, key: str, model_identity: str, response: Response) -> None:
        self.put_many([(key, response)], model_identity)

    def put_many(self, answers: Sequence[tuple[str, Response]], model_identity: str) -> None:
        now = time.time()
        with self._lock:
            for key, response in answers:
                if response.ok:
                    self._answers[key] = Response(text=response.text, usage=response.usage, latency_s=response.latency_s,
                                                  fingerprint=response.fingerprint, stored_at=now, stored_run=self.run)

    def discard(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._answers.pop(key, None)

    def count(self) -> int:
        return len(self._answers)

    def claim(self, keys: Iterable[str]) -> set[str]:
        return set(keys)

    def release(self, keys: Iterable[str]) -> None:
        return None

    def claimed_by_others(self, keys: Iterable[str]) -> set[str]:
        return set()

    def close(self) -> None:
        return None


def check_store_location(path: Path, option: str = "--mmtrust-store") -> None:
    """Raise :class:`StoreError` now if the store at ``path`` can be neither opened nor created.

    Called before a run's first request. An existing store is opened once (integrity, schema,
    read-only fallback: nothing is written). For a new one nothing is created: the nearest
    existing folder on the way must be a folder this process may write into, so the store's
    folder and file can be made when the first answer arrives.
    """
    path = Path(path)
    if path.exists():
        ResponseStore(path).close()
        return
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    folder = path.parent
    where = f"{option} {path}: cannot create the store's folder {folder}" if existing != folder else \
        f"{option} {path}: cannot create the store in {folder}"
    if not existing.is_dir():
        raise StoreError(f"{where} ({existing} is a file, not a folder)")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise StoreError(f"{where} ({existing} is not writable; pass --mmtrust-store with a writable path)")


def merge_stores(target: Path, sources: Iterable[Path]) -> int:
    """Copy every answer from ``sources`` into ``target``; return how many were new.

    For a run spread over hosts, each with a local store: merge them afterwards into one (also
    from the command line: ``python -m pytest_mmtrust.store merge TARGET SOURCE...``). A source
    that does not exist is an error, not an empty store: a mistyped path must not pass for
    "nothing to merge". Every source is checked before the target is written.
    """
    sources = [Path(source) for source in sources]
    for source in sources:
        if not source.is_file():
            raise StoreError(f"{source}: no such store file to merge")
    store = ResponseStore(target)
    added = 0
    columns = "key, model, text, usage, latency, created, checksum, run, fingerprint"
    try:
        for source in sources:
            other = ResponseStore(source)
            try:
                keys = [row[0] for row in other._db.execute("SELECT key FROM responses").fetchall()]
                other.get_many(keys)  # verifies every checksum before anything is copied
                rows = other._db.execute(f"SELECT {columns} FROM responses").fetchall()
            finally:
                other.close()
            with store._transaction():
                for row in rows:
                    cursor = store._db.execute(f"INSERT OR IGNORE INTO responses ({columns}) VALUES ({', '.join('?' * len(row))})", row)
                    added += cursor.rowcount
    finally:
        store.close()
    return added


StoreLike = ResponseStore | MemoryStore
__all__ = ["ResponseStore", "MemoryStore", "StoreLike", "cache_key", "check_store_location", "merge_stores"]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pytest_mmtrust.store merge TARGET SOURCE...``: one store from several hosts' stores."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pytest_mmtrust.store", description=main.__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    merge = commands.add_parser("merge", help="copy every answer of SOURCE stores into TARGET (created if missing)")
    merge.add_argument("target", type=Path)
    merge.add_argument("sources", type=Path, nargs="+")
    args = parser.parse_args(argv)
    try:
        added = merge_stores(args.target, args.sources)
    except StoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{args.target}: {added} new answer(s) from {len(args.sources)} store(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
