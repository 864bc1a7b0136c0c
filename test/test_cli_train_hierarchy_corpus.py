# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo train hierarchy --dataset`: a corpus's samples, replayed through the fusion
node's logic and the shipped fusion model, pre-train the hierarchy without labels."""

from __future__ import annotations

import json

import numpy as np
import pytest
import tiny_four_class_corpus as tiny
import torch

from hri_emo_ros.cli import main
from hri_emo_ros.common.model_files import default_model_path
from hri_emo_ros.corpora.registry import CORPUS_MODULES
from hri_emo_ros.corpora.state_streams import ReplaySettings, emotion_streams
from hri_emo_ros.fusion.checkpoint import checkpoint_dict, save_checkpoint
from hri_emo_ros.fusion.dataset import build_datasets
from hri_emo_ros.fusion.feature_space import corpus_feature_spec
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.train_config import DEFAULT_CONFIG, deep_merge
from hri_emo_ros.fusion.trainer import build_models
from hri_emo_ros.hierarchy.model import HierarchyModel
from hri_emo_ros.hierarchy.observation import coerce_observation, observation_vector

PER_SESSION = 24        # fold s1 trains on session 2: 18 train samples, 9 per speaker
SETTINGS = """\
epochs: 1
learn_every: 2
validation_fraction: 0.5
hierarchy:
  learning:
    batch_size: 16
"""


@pytest.fixture(autouse=True)
def tiny_registered(monkeypatch):
    monkeypatch.setitem(CORPUS_MODULES, tiny.NAME, "tiny_four_class_corpus")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("hierarchy_corpus") / "data"
    tiny.write_manifest(path, PER_SESSION)
    return path


def _train_split(data_dir):
    return build_datasets({"adapter": tiny.NAME, "data_dir": str(data_dir), "fold": "s1"},
                          tiny.PROTOCOL.emotions)["train"]


def test_streams_follow_the_fusion_node_timing(data_dir):
    dataset = _train_split(data_dir)
    runtime = FusionRuntime.from_checkpoint(None, "cpu", cuda_graphs=False)
    streams, stats = emotion_streams(dataset, runtime, ReplaySettings(rate_hz=5.0),
                                     stream_keys=("speaker",), start_key="start", prefix="tiny4")
    assert [s.stream_id for s in streams] == ["s2-A", "s2-B"]
    assert [s.samples for s in streams] == [9, 9] and stats["refused_messages"] == 0
    for stream, first_start in zip(streams, (0.0, 3.0), strict=True):
        stamps = np.array([r["stamp"] for r in stream.records])
        # one state per 1/rate at most; the first when the first turn's first frame arrives
        assert stamps[0] == pytest.approx(first_start)
        assert np.diff(stamps).min() >= 0.2 - 1e-9
        # each 2 s turn starts every 6 s per speaker: no state more than 1 s (video/voice
        # stale_after) after a turn, so the pauses show as gaps of ~4 s
        assert np.sum(np.diff(stamps) > 3.0) == 8
        # the last turn's last frame (video: 29 frames at 15 Hz after its start) is fused
        # unless the previous fusion was less than 1/rate before it
        last_frame = 6.0 * 8 + first_start + 29 / 15
        assert last_frame - 0.2 < stamps[-1] <= last_frame + 1e-9
        for record in stream.records:
            vector, confidence, unknown = observation_vector(coerce_observation(record))
            assert unknown == 0 and np.isfinite(vector).all() and 0 <= confidence <= 1
        assert {r["person_id"] for r in stream.records} == {f"tiny4/{stream.stream_id}"}
    assert stats["windows"] == sum(len(s.records) for s in streams)


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(["train", "hierarchy", *[str(a) for a in args]])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_pretraining_on_a_corpus_writes_a_trained_checkpoint(data_dir, tmp_path, capsys):
    settings = tmp_path / "pretrain.yaml"
    settings.write_text(SETTINGS, encoding="utf-8")
    output = tmp_path / "hierarchy.pt"
    code, out, err = _run(capsys, "--dataset", tiny.NAME, "--data-dir", data_dir,
                          "--fusion-checkpoint", default_model_path("fusion_bootstrap.pt"),
                          "--stream-key", "session,speaker", "--start-key", "start", "--config",
                          settings, "--output", output, "--device", "cpu")
    assert code == 0, err
    stats = json.loads(out)
    assert stats["streams"] == 2 and stats["inputs"] == ["tiny4 (train split)"]
    assert (stats["streams_train"], stats["streams_validation"]) == (1, 1)
    corpus = stats["corpus"]
    assert corpus["samples"] == 18 and corpus["split"] == "train" and corpus["fold"] == "s1"
    assert stats["dropped_frames"] == {}
    assert 0 < stats["frames_train"] < corpus["windows"] and stats["steps"] > 10
    trained, _ = HierarchyModel.load(output)
    untrained = HierarchyModel().state_dict()
    assert any(not torch.equal(v, untrained[k]) for k, v in trained.state_dict().items())


def _one_error_line(capsys, *args) -> str:
    code, _, err = _run(capsys, *args)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hri-emo train hierarchy: "), err
    return lines[0]


def test_corpus_errors_are_one_line(data_dir, tmp_path, capsys):
    out = ("--output", tmp_path / "h.pt")
    assert "not both" in _one_error_line(capsys, "--dataset", tiny.NAME, "--streams",
                                         tmp_path, *out)
    assert "--data-dir need --dataset" in _one_error_line(
        capsys, "--streams", tmp_path, "--data-dir", data_dir, *out)
    line = _one_error_line(capsys, "--dataset", tiny.NAME, "--data-dir", data_dir,
                           "--stream-key", "dialog_id", "--max-samples", "3", *out)
    assert "has no 'dialog_id' in its info (it has: id, session, speaker, start)" in line
    # a fusion model trained on a corpus's own features cannot stand in for the live one
    config = deep_merge(DEFAULT_CONFIG, {"model": {"width": 16, "heads": 2}})
    models = build_models(config)
    spec = corpus_feature_spec("COVAREP/FACET/GloVe", {"audio": 39, "text": 386, "video": 18})
    save_checkpoint(tmp_path / "corpus.pt", checkpoint_dict(models.encoder,
                                                            {"emotion": models.decoder},
                                                            feature_spec=spec))
    line = _one_error_line(capsys, "--dataset", tiny.NAME, "--data-dir", data_dir,
                           "--fusion-checkpoint", tmp_path / "corpus.pt", *out)
    assert "was trained on COVAREP/FACET/GloVe features" in line
    line = _one_error_line(capsys, "--dataset", tiny.NAME, "--data-dir", data_dir,
                           "--fusion-checkpoint", tmp_path / "none.pt", *out)
    assert "none.pt: fusion checkpoint not found" in line
