# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Bags written with hri_emo_ros.bags read back identically, in mcap and sqlite3."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from bag_samples import equal, sample

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import OURS, BagRecord, open_bag
from hri_emo_ros.bags.typestore import (
    REPO_MSG_DIR,
    hri_typestore,
    installed_msg_dir,
    msg_directory,
    normalize_type_name,
    own_types,
)
from hri_emo_ros.bags.writer import BagWriter, write_bag

STORE = hri_typestore()
OWN_TYPES = sorted(t for t in STORE.fielddefs if t.startswith("hri_emo_msgs/"))
SENSOR_TYPES = ["sensor_msgs/msg/Image", "sensor_msgs/msg/CompressedImage",
                "std_msgs/msg/String"]


def test_every_interface_file_is_registered():
    expected = sorted(f"hri_emo_msgs/msg/{p.stem}" for p in msg_directory().glob("*.msg"))
    assert OWN_TYPES == expected and len(expected) >= 11
    assert STORE.types["hri_emo_msgs/msg/AudioFrame"].SAMPLE_FORMAT_S16LE == "S16LE"


def test_type_hashes_equal_the_ones_rosidl_generated():
    share = installed_msg_dir()
    if share is None:
        pytest.skip("hri_emo_msgs is not built/sourced (make setup; source scripts/env.sh)")
    for path in sorted(share.glob("*.json")):
        generated = json.loads(path.read_text())["type_hashes"][0]
        assert STORE.hash_rihs01(generated["type_name"]) == generated["hash_string"]


def test_repository_definitions_parse_on_their_own():
    store = hri_typestore(REPO_MSG_DIR)
    names = {f"hri_emo_msgs/msg/{p.stem}" for p in REPO_MSG_DIR.glob("*.msg")}
    assert names == set(own_types(REPO_MSG_DIR)) and names <= set(store.fielddefs)


def _records(rng):
    """Two messages of every type, written out of time order."""
    records, objects = [], {}
    for index, type_name in enumerate(OWN_TYPES + SENSOR_TYPES):
        topic = "/t/" + type_name.split("/")[-1].lower()
        for copy in range(2):
            obj = sample(STORE, type_name, rng, index * 10 + copy)
            stamp = 1_700_000_000_000_000_000 + (50 - index) * 1_000_000 + copy * 77_000_000
            records.append((topic, type_name, stamp, obj if copy else
                            bytes(STORE.serialize_cdr(obj, type_name))))
            objects[(topic, stamp)] = obj
    return records, objects


@pytest.mark.parametrize("storage", ["mcap", "sqlite3"])
def test_every_type_round_trips_in_time_order(tmp_path, storage):
    records, objects = _records(np.random.default_rng(3))
    path = tmp_path / "bag"
    assert write_bag(path, records, storage=storage) == len(records)
    with open_bag(path) as bag:
        assert bag.storage == storage
        assert bag.message_count == len(records)
        assert {t.msgtype for t in bag.topics.values()} == set(OWN_TYPES + SENSOR_TYPES)
        assert all(t.count == 2 and t.definition == OURS for t in bag.topics.values())
        read = list(bag.messages())
        stamps = [r.stamp_ns for r, _ in read]
        assert stamps == sorted(stamps) and bag.start_ns == stamps[0] and bag.end_ns == stamps[-1]
        for record, obj in read:
            assert equal(obj, objects[(record.topic, record.stamp_ns)]), record.topic
            assert record.data == bytes(STORE.serialize_cdr(obj, record.msgtype))


@pytest.mark.parametrize("storage", ["mcap", "sqlite3"])
def test_topic_and_time_filters(tmp_path, storage):
    audio = sample(STORE, "hri_emo_msgs/msg/AudioFrame", np.random.default_rng(1))
    text = sample(STORE, "std_msgs/msg/String", np.random.default_rng(2))
    records = [("/audio", "hri_emo_msgs/AudioFrame", t, audio) for t in range(0, 100, 10)]
    records += [("/text", "std_msgs/String", t, text) for t in range(5, 100, 10)]
    write_bag(tmp_path / "bag", records, storage=storage)
    with open_bag(tmp_path / "bag") as bag:
        assert [r.stamp_ns for r in bag.records("/text")] == list(range(5, 100, 10))
        picked = list(bag.records(["/audio", "/text"], start_ns=20, stop_ns=40))
        assert [(r.topic, r.stamp_ns) for r in picked] == [
            ("/audio", 20), ("/text", 25), ("/audio", 30), ("/text", 35)]
        assert bag.duration_s == pytest.approx(95e-9)


def test_single_storage_files_open_without_metadata(tmp_path):
    msg = sample(STORE, "hri_emo_msgs/msg/Transcript", np.random.default_rng(4))
    for storage, suffix in (("mcap", ".mcap"), ("sqlite3", ".db3")):
        path = tmp_path / storage
        write_bag(path, [("/speech", "hri_emo_msgs/msg/Transcript", 5, msg)], storage=storage)
        storage_file = path / f"{storage}{suffix}"
        with open_bag(storage_file) as bag:
            assert bag.storage == storage
            assert [r.stamp_ns for r in bag.records()] == [5]
        (path / "metadata.yaml").unlink()  # a bag directory that lost its metadata
        with open_bag(path) as bag:
            assert equal(next(bag.messages())[1], msg)


def test_uncompressed_mcap_and_records_api(tmp_path):
    msg = sample(STORE, "sensor_msgs/msg/Image", np.random.default_rng(5))
    raw = bytes(STORE.serialize_cdr(msg, "sensor_msgs/msg/Image"))
    with BagWriter(tmp_path / "bag", compress=False) as writer:
        writer.write_record(BagRecord("/camera/image_raw", "sensor_msgs/msg/Image", 9, raw))
    assert raw in (tmp_path / "bag" / "bag.mcap").read_bytes()  # stored as is, not zstd
    with open_bag(tmp_path / "bag") as bag:
        assert list(bag.records()) == [BagRecord("/camera/image_raw",
                                                 "sensor_msgs/msg/Image", 9, raw)]


def test_writer_rejects_bad_input(tmp_path):
    audio = sample(STORE, "hri_emo_msgs/msg/AudioFrame", np.random.default_rng(6))
    raw = bytes(STORE.serialize_cdr(audio, "hri_emo_msgs/msg/AudioFrame"))
    cases = [
        (("/a", "hri_emo_msgs/msg/Nope", 1, raw), "unknown_type"),
        (("/a", "no_slashes", 1, raw), "unknown_type"),
        (("a", "hri_emo_msgs/msg/AudioFrame", 1, raw), "bad_record"),
        (("/a//b", "hri_emo_msgs/msg/AudioFrame", 1, raw), "bad_record"),
        (("/a", "hri_emo_msgs/msg/AudioFrame", -1, raw), "bad_record"),
        (("/a", "hri_emo_msgs/msg/AudioFrame", 1.5, raw), "bad_record"),
        (("/a", "hri_emo_msgs/msg/AudioFrame", 1, b"hello world"), "bad_record"),
        (("/a", "hri_emo_msgs/msg/AudioFrame", 1, raw[:12]), "bad_record"),
        (("/a", "hri_emo_msgs/msg/Transcript", 1, audio), "bad_record"),
        (("/a", "hri_emo_msgs/msg/AudioFrame", 1, "text"), "bad_record"),
    ]
    with BagWriter(tmp_path / "bag", "sqlite3") as writer:
        for args, reason in cases:
            with pytest.raises(BagError) as err:
                writer.write(*args)
            assert err.value.reason == reason, args
        writer.write("/a", "hri_emo_msgs/msg/AudioFrame", 1, raw)
        with pytest.raises(BagError, match="already carries") as err:
            writer.write("/a", "std_msgs/msg/String", 2, raw)
    with open_bag(tmp_path / "bag") as bag:
        assert bag.message_count == 1
    for kwargs, reason in [({}, "exists"), ({"storage": "rosbag1"}, "bad_storage"),
                           ({"storage": "sqlite3", "compress": True}, "bad_storage")]:
        target = tmp_path / "bag" if reason == "exists" else tmp_path / "other"
        with pytest.raises(BagError) as err:
            BagWriter(target, **kwargs)
        assert err.value.reason == reason and str(target) in str(err.value)


def test_type_names_are_normalized():
    assert normalize_type_name("sensor_msgs/Image") == "sensor_msgs/msg/Image"
    assert normalize_type_name("sensor_msgs/msg/Image") == "sensor_msgs/msg/Image"
    for bad in ("Image", "a/b/c/d", "a/srv/B", "/Image"):
        with pytest.raises(BagError):
            normalize_type_name(bad)


def test_empty_bag_reads_as_empty(tmp_path):
    with BagWriter(tmp_path / "bag"):
        pass
    with open_bag(Path(tmp_path / "bag")) as bag:
        assert (bag.message_count, bag.start_ns, bag.end_ns, bag.duration_s) == (0, None, None, 0)
        assert bag.topics == {} and list(bag.records()) == []
