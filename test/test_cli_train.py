# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo train hierarchy` on small recorded streams: JSON lines and an EmotionState bag."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from cli_process import hri_emo, single_error_line

from hri_emo_ros.bags.typestore import hri_typestore
from hri_emo_ros.bags.writer import write_bag
from hri_emo_ros.common.feature_spec import EMOTIONS
from hri_emo_ros.hierarchy.model import HierarchyModel

RATE_HZ = 30.0
FRAMES = 150  # 5 s per person
SETTINGS = """\
epochs: 1
learn_every: 2
validation_fraction: 0.34
hierarchy:
  learning:
    batch_size: 16
"""


def emotion_states(person: str, seed: int) -> list[dict]:
    """A person whose surprise flashes are followed by a dip in valence."""
    rng = np.random.default_rng(seed)
    states, dip = [], 0.0
    for i in range(FRAMES):
        flash = i % 40 < 3
        dip = 0.6 if flash else dip * 0.9
        scores = np.clip(rng.normal(0.1, 0.02, len(EMOTIONS)), 0.0, 1.0)
        scores[EMOTIONS.index("surprised")] = 0.9 if flash else 0.1
        scores[EMOTIONS.index("sad")] = 0.1 + dip
        states.append({"person_id": person, "stamp": 1000.0 + i / RATE_HZ,
                       "labels": list(EMOTIONS), "scores": scores.tolist(),
                       "valence": float(np.clip(0.3 - dip + rng.normal(0, 0.02), -1, 1)),
                       "arousal": float(np.clip(0.4 * flash + rng.normal(0, 0.02), -1, 1)),
                       "confidence": 0.9})
    return states


def write_jsonl(path: Path, persons: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for index in range(persons):
            for state in emotion_states(f"/humans/faces/p{index}", index):
                out.write(json.dumps(state) + "\n")
    return path


def _train(*args: object) -> dict:
    result = hri_emo("train", "hierarchy", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _weights(path: Path) -> dict[str, torch.Tensor]:
    model, _ = HierarchyModel.load(path)
    return model.state_dict()


def test_training_on_json_lines_writes_a_checkpoint_and_is_seeded(tmp_path):
    streams = write_jsonl(tmp_path / "session.jsonl", persons=3)
    config = tmp_path / "pretrain.yaml"
    config.write_text(SETTINGS, encoding="utf-8")
    first, second = tmp_path / "out" / "hierarchy.pt", tmp_path / "again.pt"
    stats = _train("--streams", streams, "--output", first, "--config", config)
    assert stats["streams"] == 3  # one stream per person
    assert (stats["streams_train"], stats["streams_validation"]) == (2, 1)
    assert stats["frames_train"] == 2 * FRAMES and stats["dropped_frames"] == {}
    assert stats["steps"] > 10 and stats["checkpoint"] == str(first)
    _, extra = HierarchyModel.load(first)
    assert extra["pretrain"]["steps"] == stats["steps"]
    trained, untrained = _weights(first), HierarchyModel().state_dict()
    assert any(not torch.equal(trained[k], untrained[k]) for k in trained)

    again = _train("--streams", streams, "--output", second, "--config", config)
    assert again["validation_error_after"] == stats["validation_error_after"]
    assert all(torch.equal(trained[k], v) for k, v in _weights(second).items())


def test_training_reads_the_emotion_state_topics_of_a_bag(tmp_path):
    store = hri_typestore()
    types = store.types
    records = []
    for index in range(2):
        for state in emotion_states(f"/humans/faces/b{index}", 10 + index):
            sec, nanosec = divmod(round(state["stamp"] * 1e9), 10**9)
            header = types["std_msgs/msg/Header"](
                stamp=types["builtin_interfaces/msg/Time"](sec=sec, nanosec=nanosec),
                frame_id="")
            message = types["hri_emo_msgs/msg/EmotionState"](
                header=header, person_id=state["person_id"], labels=state["labels"],
                scores=np.array(state["scores"], np.float32),
                dominant=state["labels"][int(np.argmax(state["scores"]))],
                valence=state["valence"], arousal=state["arousal"],
                confidence=state["confidence"], modalities=["video"],
                modality_weights=np.array([1.0], np.float32), model_id="test")
            records.append(("/hri_emo/emotion", "hri_emo_msgs/msg/EmotionState",
                            sec * 10**9 + nanosec, message))
        records.append(("/speech/transcript", "hri_emo_msgs/msg/Transcript", 10**12,
                        types["hri_emo_msgs/msg/Transcript"](
                            header=header, person_id="", text="not an emotion", is_final=True,
                            confidence=1.0, language="en", utterance_start=header.stamp,
                            utterance_end=header.stamp)))
    write_bag(tmp_path / "bag", records)
    config = tmp_path / "pretrain.yaml"
    config.write_text(SETTINGS, encoding="utf-8")
    stats = _train("--streams", tmp_path / "bag", "--output", tmp_path / "h.pt",
                   "--config", config, "--seed", "3")
    assert stats["streams"] == 2 and stats["inputs"] == [f"{tmp_path / 'bag'}:/hri_emo/emotion"]
    assert stats["frames_train"] == FRAMES and stats["dropped_frames"] == {}
    assert stats["steps"] > 0 and (tmp_path / "h.pt").is_file()


def test_unreadable_streams_are_one_line_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(emotion_states("a", 0)[0]) + "\n{not json\n", encoding="utf-8")
    result = hri_emo("train", "hierarchy", "--streams", bad, "--output", tmp_path / "h.pt")
    assert ":2: not JSON" in single_error_line(result, f"hri-emo train hierarchy: {bad}:2")

    sample_bag = Path(__file__).resolve().parents[1] / "data" / "sample_session" / "bag"
    result = hri_emo("train", "hierarchy", "--streams", sample_bag, "--output", tmp_path / "h.pt")
    line = single_error_line(result, f"hri-emo train hierarchy: {sample_bag}: ")
    assert "no hri_emo_msgs/msg/EmotionState topic" in line
    assert not (tmp_path / "h.pt").exists()
