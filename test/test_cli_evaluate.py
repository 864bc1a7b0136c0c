# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo evaluate` on a tiny IEMOCAP-style corpus: per-fold metrics equal the protocol
metrics recomputed from the models' predictions, the report and figures exist, errors are
one line."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import tiny_four_class_corpus as tiny

from hri_emo_ros.cli import main
from hri_emo_ros.corpora.protocol_metrics import protocol_metrics
from hri_emo_ros.corpora.registry import CORPUS_MODULES, protocol
from hri_emo_ros.fusion.checkpoint import checkpoint_dict, load_checkpoint, save_checkpoint
from hri_emo_ros.fusion.dataset import build_datasets
from hri_emo_ros.fusion.evaluate import EncoderDecoder, predict
from hri_emo_ros.fusion.feature_space import corpus_feature_spec
from hri_emo_ros.fusion.train_config import DEFAULT_CONFIG, deep_merge
from hri_emo_ros.fusion.trainer import build_models, train

PER_SESSION = 48


def tiny_config(run_dir: Path, data_dir: Path, fold: str, emotions=tiny.PROTOCOL.emotions):
    return {
        "seed": 3, "device": "cpu", "run_dir": str(run_dir), "ship_to": None,
        "data": {"adapter": tiny.NAME, "data_dir": str(data_dir), "fold": fold,
                 "max_steps": {"audio": 8, "video": 12}},
        "model": {"width": 16, "heads": 2, "emotions": list(emotions)},
        "train": {"epochs": 2, "batch_size": 8, "statistics_samples": 16,
                  "warmup_steps": 2, "num_workers": 0, "threads": 1},
    }


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Data folder and one model per fold, trained through the trainer API."""
    root = tmp_path_factory.mktemp("evaluate")
    data_dir = root / "data"
    tiny.write_manifest(data_dir, PER_SESSION)
    for fold in tiny.PROTOCOL.folds:
        train(tiny_config(root / f"fusion-tiny4-{fold}", data_dir, fold))
    return root, data_dir


@pytest.fixture(autouse=True)
def tiny_registered(monkeypatch):
    monkeypatch.setitem(CORPUS_MODULES, tiny.NAME, "tiny_four_class_corpus")


def _evaluate(capsys, *args: object) -> tuple[int, str, str]:
    code = main(["evaluate", *[str(a) for a in args]])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _recomputed(checkpoint: Path, data_dir: Path, fold: str) -> dict:
    models = load_checkpoint(checkpoint)
    splits = build_datasets({"adapter": tiny.NAME, "data_dir": str(data_dir), "fold": fold},
                            tiny.PROTOCOL.emotions)
    pred = predict(EncoderDecoder(models.encoder, models.decoders["emotion"]), splits["test"],
                   torch_cpu(), max_steps={"audio": 8, "video": 12})
    return protocol_metrics("iemocap", pred.scores, pred.labels, pred.valence_arousal,
                            pred.targets_va, tiny.PROTOCOL.emotions)


def torch_cpu():
    import torch

    return torch.device("cpu")


def _same(written, expected) -> None:
    """metrics.json (NaN written as null) against freshly computed metrics."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            _same(written[key], value)
    elif isinstance(expected, list):
        assert len(written) == len(expected)
        for w, e in zip(written, expected, strict=True):
            _same(w, e)
    elif isinstance(expected, float) and math.isnan(expected):
        assert written is None
    elif isinstance(expected, float):
        assert written == pytest.approx(expected, abs=1e-9)
    else:
        assert written == expected


def test_all_folds_metrics_equal_recomputed_and_report_is_written(trained, tmp_path, capsys):
    root, data_dir = trained
    out = tmp_path / "eval"
    code, stdout, stderr = _evaluate(
        capsys, "--dataset", tiny.NAME, "--data-dir", data_dir, "--checkpoint",
        root / "fusion-tiny4-{fold}" / "model.pt", "--fold", "all", "--out", out,
        "--device", "cpu")
    assert code == 0, stderr
    written = json.loads((out / "metrics.json").read_text())
    assert list(written["folds"]) == ["s1", "s2"]
    was = []
    for fold in ("s1", "s2"):
        expected = _recomputed(root / f"fusion-tiny4-{fold}" / "model.pt", data_dir, fold)
        metrics = written["folds"][fold]["metrics"]
        _same({k: metrics[k] for k in expected}, expected)
        assert metrics["classification"]["samples"] == PER_SESSION
        # every third sample has no arousal label
        assert metrics["affect"]["labelled_arousal"] == PER_SESSION - PER_SESSION // 3
        assert 0.0 <= metrics["calibration"]["ece_after"] <= 1.0
        assert sum(b["count"] for b in metrics["calibration"]["reliability"]) == PER_SESSION
        was.append(expected["classification"]["wa"])
        for stem in ("confusion", "per-emotion", "reliability"):
            assert (out / f"{stem}-{fold}.png").stat().st_size > 1000
    summary = written["summary"]["wa"]
    assert summary["mean"] == pytest.approx(np.mean(was))
    assert summary["std"] == pytest.approx(np.std(was, ddof=1))
    report = (out / "report.html").read_text()
    assert "confusion-s2.png" in report and "<th>mean</th><th>std</th>" in report
    assert "mean ± std" in stdout and f"report: {out / 'report.html'}" in stdout
    ua_line = next(line for line in stdout.splitlines() if line.startswith("ua "))
    assert f"{written['folds']['s1']['headline']['ua']:.3f}" in ua_line


def _one_error_line(capsys, *args: object) -> str:
    code, _, stderr = _evaluate(capsys, *args)
    assert code == 1
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("hri-emo evaluate: ")
    return lines[0]


def test_errors_are_one_clear_line(trained, tmp_path, capsys):
    root, data_dir = trained
    common = ("--dataset", tiny.NAME, "--data-dir", data_dir, "--out", tmp_path / "e",
              "--device", "cpu")
    line = _one_error_line(capsys, *common, "--checkpoint", tmp_path / "missing.pt")
    assert "missing.pt: checkpoint not found" in line
    line = _one_error_line(capsys, *common, "--checkpoint", tmp_path / "{fold}.pt",
                           "--fold", "all")
    assert f"{tmp_path / 's1.pt'}, {tmp_path / 's2.pt'}: checkpoint not found" in line
    (tmp_path / "garbage.pt").write_bytes(b"not a checkpoint")
    line = _one_error_line(capsys, *common, "--checkpoint", tmp_path / "garbage.pt")
    assert line.endswith("garbage.pt: not a readable fusion checkpoint")
    # a model whose decoder predicts the seven default emotions, not the protocol's four
    seven = build_models(deep_merge(DEFAULT_CONFIG, {"model": {"width": 16, "heads": 2}}))
    save_checkpoint(tmp_path / "seven.pt", checkpoint_dict(seven.encoder,
                                                           {"emotion": seven.decoder}))
    line = _one_error_line(capsys, *common, "--checkpoint", tmp_path / "seven.pt")
    assert "predicts neutral, happy, sad, angry, fearful" in line
    assert "protocol scores neutral, happy, sad, angry;" in line
    # the protocol's emotions, but trained on a corpus's own features
    four = build_models(deep_merge(DEFAULT_CONFIG, {"model": {
        "width": 16, "heads": 2, "emotions": list(tiny.PROTOCOL.emotions)}}))
    spec = corpus_feature_spec("COVAREP/FACET/GloVe", {"audio": 39, "text": 386, "video": 18})
    save_checkpoint(tmp_path / "corpus.pt", checkpoint_dict(
        four.encoder, {"emotion": four.decoder}, feature_spec=spec))
    line = _one_error_line(capsys, *common, "--checkpoint", tmp_path / "corpus.pt")
    assert "corpus.pt reads COVAREP/FACET/GloVe features" in line
    assert "but tiny4 gives hri_emo perception features" in line
    line = _one_error_line(capsys, *common, "--checkpoint", root / "fusion-tiny4-s1/model.pt",
                           "--fold", "all")
    assert "put {fold} in --checkpoint" in line
    line = _one_error_line(capsys, *common, "--checkpoint", root / "fusion-tiny4-s1/model.pt",
                           "--fold", "s9")
    assert "fold 's9' is not a fold of tiny4" in line
    model = root / "fusion-tiny4-s1/model.pt"
    line = _one_error_line(capsys, "--dataset", tiny.NAME, "--data-dir", tmp_path / "nowhere",
                           "--checkpoint", model, "--out", tmp_path / "e")
    assert "nowhere: no such directory; expected the tiny4 download there" in line
    (tmp_path / "empty").mkdir()
    line = _one_error_line(capsys, "--dataset", tiny.NAME, "--data-dir", tmp_path / "empty",
                           "--checkpoint", model, "--out", tmp_path / "e")
    assert "manifest.csv not found" in line
    line = _one_error_line(capsys, *common[:1], "msp-podcast", *common[2:], "--checkpoint",
                           root / "fusion-tiny4-s1/model.pt")
    assert "unknown dataset 'msp-podcast'" in line


def test_mosei_sdk_release_end_to_end(tmp_path, capsys):
    """A tiny CMU-MultimodalSDK release (mosei_test_data.py, the MOSEI adapter's own test
    data): a model trained on it, evaluated with the MOSEI protocol."""
    from mosei_test_data import EMOTIONS, write_sdk_release

    root = tmp_path / "CMU_MOSEI"
    write_sdk_release(root)
    protocol("mosei")  # imports the adapter, which registers it
    result = train({
        "seed": 3, "device": "cpu", "run_dir": str(tmp_path / "run"), "ship_to": None,
        "data": {"adapter": "mosei", "data_dir": str(root)},
        "model": {"width": 16, "heads": 2, "emotions": list(EMOTIONS)},
        "train": {"epochs": 2, "batch_size": 8, "statistics_samples": 32, "warmup_steps": 2,
                  "num_workers": 0, "threads": 1}})
    out = tmp_path / "eval"
    code, stdout, stderr = _evaluate(capsys, "--dataset", "mosei", "--data-dir", root,
                                     "--checkpoint", result.model_path, "--out", out,
                                     "--device", "cpu")
    assert code == 0, stderr
    written = json.loads((out / "metrics.json").read_text())["folds"]["standard"]["metrics"]
    models = load_checkpoint(result.model_path)
    config = models.metadata["config"]
    test = build_datasets({"seed": config["seed"], **config["data"]}, EMOTIONS)["test"]
    pred = predict(EncoderDecoder(models.encoder, models.decoders["emotion"]), test,
                   torch_cpu(), max_steps=config["data"]["max_steps"])
    expected = protocol_metrics("mosei", pred.scores, pred.labels, pred.valence_arousal,
                                pred.targets_va, EMOTIONS)
    _same({k: written[k] for k in expected}, expected)
    sentiment = written["sentiment"]
    assert sentiment["samples"] == written["emotions"]["samples"] == len(test) > 0
    assert written["affect"]["labelled_arousal"] == 0     # MOSEI rates sentiment only
    for stem in ("per-emotion", "reliability", "sentiment"):
        assert (out / f"{stem}-standard.png").stat().st_size > 1000
    assert "acc2_non0" in stdout and "mean ± std" not in stdout


def test_bootstrap_corpus_categorical_protocol(tmp_path, capsys):
    """The bootstrap corpus (real rated sentences, simulated face and voice), tiny."""
    sdist = Path.home() / ".cache" / "hri_emo" / "vaderSentiment-3.3.2.tar.gz"
    if not sdist.is_file():
        pytest.skip("vaderSentiment sdist not cached (pip download --no-binary :all: "
                    "--no-deps vaderSentiment==3.3.2 -d ~/.cache/hri_emo)")
    cache = tmp_path / "cache"
    cache.mkdir()
    shutil.copy(sdist, cache / sdist.name)
    emotions = protocol("bootstrap").emotions
    result = train({
        "seed": 3, "device": "cpu", "run_dir": str(tmp_path / "run"), "ship_to": None,
        "data": {"adapter": "bootstrap", "cache_dir": str(cache), "max_sentences": 120,
                 "text_source": "minilm+vader"},
        "model": {"width": 16, "heads": 2, "emotions": list(emotions)},
        "train": {"epochs": 1, "batch_size": 8, "statistics_samples": 32, "warmup_steps": 2,
                  "num_workers": 0, "threads": 1}})
    out = tmp_path / "eval"
    code, stdout, stderr = _evaluate(capsys, "--dataset", "bootstrap", "--data-dir", cache,
                                     "--checkpoint", result.model_path, "--out", out,
                                     "--device", "cpu")
    assert code == 0, stderr
    written = json.loads((out / "metrics.json").read_text())["folds"]["standard"]
    config = load_checkpoint(result.model_path).metadata["config"]
    test = build_datasets({"seed": config["seed"], **config["data"]}, emotions)["test"]
    models = load_checkpoint(result.model_path)
    pred = predict(EncoderDecoder(models.encoder, models.decoders["emotion"]), test,
                   torch_cpu(), max_steps=config["data"]["max_steps"])
    expected = protocol_metrics("categorical", pred.scores, pred.labels, pred.valence_arousal,
                                pred.targets_va, emotions)
    _same({k: written["metrics"][k] for k in expected}, expected)
    c = written["metrics"]["classification"]
    # blended samples (two labels) are left out of the single-label metrics, and counted
    blends = int(((pred.labels > 0).sum(axis=1) > 1).sum())
    assert c["excluded"] == {"unlabelled": 0, "multi_label": blends}
    assert c["samples"] + blends == len(test) == written["samples"]
    assert (out / "confusion-standard.png").is_file() and "macro_f1" in stdout
    if blends:
        assert f"left out: {blends} with several labels" in stdout
