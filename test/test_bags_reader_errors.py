# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The bag reader fails with one clear sentence, and resolves types it was not given."""

from __future__ import annotations

import numpy as np
import pytest
from bag_samples import sample
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.typesys import get_types_from_msg

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.reader import FROM_BAG, MISMATCH, UNKNOWN, open_bag
from hri_emo_ros.bags.typestore import hri_typestore
from hri_emo_ros.bags.writer import write_bag

STORE = hri_typestore()


def _raises(reason: str, path, *fragments: str) -> BagError:
    with pytest.raises(BagError) as err:
        open_bag(path).close()
    assert err.value.reason == reason
    for fragment in (str(path), *fragments):
        assert fragment in str(err.value)
    return err.value


def _small_bag(path, storage="mcap"):
    msg = sample(STORE, "std_msgs/msg/String", np.random.default_rng(0))
    records = [("/chatter", "std_msgs/msg/String", t, msg) for t in range(1, 400)]
    write_bag(path, records, storage=storage, compress=False)
    return path


def test_missing_paths_and_things_that_are_not_bags(tmp_path):
    _raises("not_found", tmp_path / "nothing", "does not exist", "metadata.yaml")
    (tmp_path / "notes.txt").write_text("hello")
    _raises("not_a_bag", tmp_path / "notes.txt", "not a rosbag2 bag", ".mcap")
    (tmp_path / "empty_dir").mkdir()
    _raises("not_a_bag", tmp_path / "empty_dir", "without metadata.yaml")


@pytest.mark.parametrize("storage", ["mcap", "sqlite3"])
def test_damaged_bags_are_reported_as_corrupt(tmp_path, storage):
    bag = _small_bag(tmp_path / "bag", storage)
    suffix = ".mcap" if storage == "mcap" else ".db3"
    storage_file = bag / f"bag{suffix}"
    data = storage_file.read_bytes()
    storage_file.write_bytes(data[: len(data) // 2])  # truncated, e.g. a killed recorder
    error = None
    try:
        with open_bag(bag) as reader:
            list(reader.records())
    except BagError as err:
        error = err
    assert error is not None and error.reason == "corrupt" and str(bag) in str(error)

    garbage = tmp_path / f"garbage{suffix}"
    garbage.write_bytes(b"\x89this is not a bag at all" * 50)
    _raises("corrupt", garbage, "could not be read")

    (bag / "metadata.yaml").write_text("rosbag2_bagfile_information: [unbalanced")
    _raises("corrupt", bag, "could not be read")


def test_unknown_topics_name_what_the_bag_has(tmp_path):
    bag = _small_bag(tmp_path / "bag")
    with open_bag(bag) as reader:
        with pytest.raises(BagError) as err:
            list(reader.records(["/chatter", "/camera/image_raw"]))
        assert err.value.reason == "unknown_topics"
        assert "/camera/image_raw" in str(err.value)
        assert "/chatter (std_msgs/msg/String)" in str(err.value)
        with pytest.raises(BagError):
            list(reader.messages("/nope"))
        assert len(list(reader.records("/chatter"))) == 399


def test_foreign_types_are_read_from_the_bag_definition(tmp_path):
    store = hri_typestore()
    store.register(get_types_from_msg("float64 x\nstring[] names\nstd_msgs/Header header",
                                      "robot_msgs/msg/Pose2"))
    pose = store.types["robot_msgs/msg/Pose2"](
        x=2.5, names=["a", "b"], header=sample(STORE, "std_msgs/msg/Header",
                                               np.random.default_rng(1)))
    write_bag(tmp_path / "bag", [("/pose", "robot_msgs/msg/Pose2", 3, pose)], store=store)
    with pytest.raises(BagError) as err:
        write_bag(tmp_path / "other", [("/pose", "robot_msgs/msg/Pose2", 3, pose)])
    assert err.value.reason == "unknown_type"
    with open_bag(tmp_path / "bag") as reader:
        assert reader.topics["/pose"].definition == FROM_BAG
        (_, read), = reader.messages()
        assert (read.x, read.names, read.header.frame_id) == (2.5, ["a", "b"],
                                                              pose.header.frame_id)


def test_changed_own_definition_is_a_type_mismatch(tmp_path):
    old = hri_typestore()
    changed = "std_msgs/Header header\nstring text\nfloat32 confidence"  # an older Transcript
    store = old.__class__()
    store.register({k: v for k, v in old.fielddefs.items()
                    if k != "hri_emo_msgs/msg/Transcript"})
    store.register(get_types_from_msg(changed, "hri_emo_msgs/msg/Transcript"))
    msg = store.types["hri_emo_msgs/msg/Transcript"](
        header=sample(STORE, "std_msgs/msg/Header", np.random.default_rng(2)),
        text="hi", confidence=0.5)
    write_bag(tmp_path / "bag", [("/speech/transcript", "hri_emo_msgs/msg/Transcript", 1, msg)],
              store=store)
    with open_bag(tmp_path / "bag") as reader:
        assert reader.topics["/speech/transcript"].definition == MISMATCH
        assert len(list(reader.records())) == 1  # raw bytes are still readable
        with pytest.raises(BagError) as err:
            list(reader.messages())
        assert err.value.reason == "type_mismatch" and "differs" in str(err.value)


def test_type_without_any_definition_is_unknown(tmp_path):
    path = tmp_path / "bag"
    with Writer(path, version=8, storage_plugin=StoragePlugin.SQLITE3) as writer:
        conn = writer.add_connection("/mystery", "vendor_msgs/msg/Blob", msgdef="",
                                     rihs01="RIHS01_" + "0" * 64)
        writer.write(conn, 7, b"\x00\x01\x00\x00\x01\x02\x03\x04")
    with open_bag(path) as reader:
        assert reader.topics["/mystery"].definition == UNKNOWN
        record = next(reader.records())
        assert record.data.endswith(b"\x01\x02\x03\x04")
        with pytest.raises(BagError) as err:
            reader.deserialize(record)
        assert err.value.reason == "unknown_type" and "vendor_msgs/msg/Blob" in str(err.value)
