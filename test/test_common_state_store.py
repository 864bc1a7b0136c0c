# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The state store never returns a torn or corrupt file, even after kill -9 mid-write."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from hri_emo_ros.common.state_store import StateStore, decode, encode, key_to_filename


def test_round_trip_json_and_bytes(tmp_path):
    store = StateStore(tmp_path)
    store.save("f3k9a", {"valence": 0.25, "seen": [1, 2]})
    store.save("raw", b"\x00\x01binary")
    assert store.load("f3k9a").json() == {"valence": 0.25, "seen": [1, 2]}
    assert store.load("raw").payload == b"\x00\x01binary"
    assert store.load("absent").payload is None
    assert store.load("absent").error is None


def test_distinct_unsafe_keys_do_not_collide():
    assert key_to_filename("a/b") != key_to_filename("a_b")
    assert key_to_filename("Ürsula") != key_to_filename("_rsula")


def test_truncated_and_tampered_files_are_quarantined(tmp_path):
    store = StateStore(tmp_path)
    path = store.save("p1", {"x": 1})
    blob = path.read_bytes()
    path.write_bytes(blob[:-3])
    result = store.load("p1")
    assert result.payload is None
    assert "truncated" in result.error
    assert result.quarantined_to is not None and result.quarantined_to.exists()
    assert not path.exists()

    path = store.save("p2", {"x": 1})
    path.write_bytes(path.read_bytes().replace(b'"x":1', b'"x":2'))
    result = store.load("p2")
    assert result.payload is None and "checksum" in result.error


def test_decode_rejects_foreign_files():
    for blob, reason in [(b"", "truncated"), (b"hello\nworld", "bad header"),
                         (b"HRIEMO1 abc notanumber\n", "bad length")]:
        try:
            decode(blob)
        except ValueError as err:
            assert reason in str(err)
        else:
            raise AssertionError(f"{blob!r} was accepted")
    assert decode(encode(b"ok")) == b"ok"


def test_retention_deletes_people_not_seen(tmp_path):
    store = StateStore(tmp_path, retention_days=7)
    old = store.save("old", {"a": 1})
    store.save("new", {"a": 2})
    ten_days_ago = time.time() - 10 * 86400
    os.utime(old, (ten_days_ago, ten_days_ago))
    removed = store.purge_expired()
    assert removed == [old]
    assert store.load("new").json() == {"a": 2}


def test_kill_9_during_writes_leaves_a_valid_file(tmp_path):
    """A writer saving large states in a loop is killed; the file is old or new, never torn."""
    writer = textwrap.dedent(f"""
        import sys
        from hri_emo_ros.common.state_store import StateStore
        store = StateStore({str(tmp_path)!r})
        i = 0
        print("ready", flush=True)
        while True:
            store.save("person", {{"i": i, "pad": "x" * 2_000_000}})
            i += 1
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, env=env)
    assert proc.stdout.readline().strip() == b"ready"
    deadline = time.time() + 20
    store = StateStore(tmp_path)
    while not store.path_for("person").exists() and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    result = store.load("person")
    assert result.error is None, result.error
    assert result.json()["i"] >= 0
    store.clean_temporaries()
    assert not list(tmp_path.glob(".tmp-*"))
