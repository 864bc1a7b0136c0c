# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The shipped fusion checkpoint, fed by the real voice pipeline, hears calm speech as calm.

The checkpoint is trained on simulated voice features whose neutral baseline is measured on
real calm read speech (sim_voice.CALM, voice_calibration.py). Real recordings of that speech
(Debian pocketsphinx-testdata: the librivox readings and cards/002, 004; never the sample
session's cards/001, 003, 005) go through the real voice pipeline and the shipped model with
no face, alone and with a neutral transcript through the real text pipeline.
Criterion, per recording (mean over its 2 s windows): angry and fearful scores < 0.5; over
all windows: at most 10 % are dominantly angry or fearful with a confidence >= 0.5; arousal
< 0.3 per recording with the neutral transcript, and on average over the recordings with the
voice alone (then the short cards recordings, all onsets and offsets, come out near the
training prior of about +0.2 to +0.4). The checkpoint shipped before the calibration (issue
#4) fails both (angry 0.6-0.9 on 5 of the 7 recordings, arousal about +0.6).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hri_emo_ros.common.feature_spec import AUDIO_FEATURES
from hri_emo_ros.fusion.records import FusionWindow, ModalitySteps
from hri_emo_ros.fusion.runtime import FusionRuntime
from hri_emo_ros.fusion.sim_voice import CALM, COUPLINGS
from hri_emo_ros.fusion.voice_calibration import (
    CALM_READ_SPEECH,
    TESTDATA_DIR,
    calm_speech_files,
    measure,
    recording_samples,
    speech_steps,
    summarise,
)

RECORDINGS = sorted((TESTDATA_DIR / "librivox").glob("*.wav")) + [
    TESTDATA_DIR / "cards" / "002.wav", TESTDATA_DIR / "cards" / "004.wav"]
NEUTRAL_TRANSCRIPT = "four queen of clubs"   # cards/002's own transcript
WINDOW_STEPS, WINDOW_HOP = 8, 4              # 2 s windows of 0.25 s steps, as the synchroniser
AROUSED = ("angry", "fearful")

pytestmark = pytest.mark.skipif(
    not all(path.is_file() for path in RECORDINGS) or len(RECORDINGS) < 7,
    reason=f"real calm speech missing: install the Debian package pocketsphinx-testdata "
           f"({TESTDATA_DIR})")


def windows_of(path: Path, text: ModalitySteps | None) -> list[FusionWindow]:
    feats = speech_steps(recording_samples(path))
    times = np.arange(feats.shape[0]) * 0.25
    out = []
    for end in range(min(WINDOW_STEPS, feats.shape[0]), feats.shape[0] + 1, WINDOW_HOP):
        part = slice(max(0, end - WINDOW_STEPS), end)
        audio = ModalitySteps("audio", feats[part], times[part], feats[part, 0].copy())
        modalities = {"audio": audio}
        if text is not None:
            shift = audio.stamp - text.stamp
            modalities["text"] = ModalitySteps("text", text.features, text.step_times + shift,
                                               text.quality, text.step_labels)
        out.append(FusionWindow("anonymous", audio.stamp, modalities))
    return out


@pytest.fixture(scope="module")
def transcript() -> ModalitySteps:
    from hri_emo_ros.perception.text_pipeline import TextPipeline

    text = TextPipeline(device="cpu").process(NEUTRAL_TRANSCRIPT)
    times = -(len(text.words) - 1 - np.arange(len(text.words))) * 0.35
    return ModalitySteps("text", text.features, times, text.quality, text.words)


def calm_speech_report(runtime: FusionRuntime, transcript: ModalitySteps | None) -> dict:
    """Per recording: mean angry/fearful score, arousal; all windows: the aroused share."""
    per_recording, confident_aroused, windows = {}, 0, 0
    for path in RECORDINGS:
        results = runtime.process(windows_of(path, transcript))
        labels = results[0].emotion.labels
        scores = np.mean([r.emotion.scores for r in results], axis=0)
        per_recording[path.name] = {
            **{name: float(scores[labels.index(name)]) for name in AROUSED},
            "arousal": float(np.mean([r.emotion.arousal for r in results]))}
        confident_aroused += sum(r.emotion.dominant in AROUSED and r.emotion.confidence >= 0.5
                                 for r in results)
        windows += len(results)
    return {"recordings": per_recording, "confident_aroused_share": confident_aroused / windows}


def assert_calm(report: dict, arousal_per_recording: bool) -> None:
    for name, values in report["recordings"].items():
        assert values["angry"] < 0.5 and values["fearful"] < 0.5, (name, values)
        assert not arousal_per_recording or values["arousal"] < 0.3, (name, values)
    mean_arousal = np.mean([v["arousal"] for v in report["recordings"].values()])
    assert mean_arousal < 0.3, report
    assert report["confident_aroused_share"] <= 0.1, report


@pytest.mark.parametrize("with_text", [False, True], ids=["voice_only", "neutral_transcript"])
def test_real_calm_speech_is_not_heard_as_aroused(with_text, transcript):
    runtime = FusionRuntime.from_checkpoint(None, device="cpu")
    report = calm_speech_report(runtime, transcript if with_text else None)
    assert_calm(report, arousal_per_recording=with_text)


@pytest.mark.skipif(len(calm_speech_files()) < len(CALM_READ_SPEECH),
                    reason="part of pocketsphinx-testdata's calibration recordings is missing")
def test_simulated_neutral_voice_is_calibrated_on_this_speech():
    """sim_voice.CALM / COUPLINGS are what voice_calibration measures here, to 2 %."""
    stats = summarise(measure(TESTDATA_DIR))
    assert stats.steps >= 100 and stats.speakers == 7
    for i, name in enumerate(AUDIO_FEATURES):
        mean, between, within = CALM[name]
        scale = max(abs(stats.mean[i]), stats.within[i])
        assert abs(mean - stats.mean[i]) <= 0.02 * scale, name
        assert within == pytest.approx(stats.within[i], rel=0.02), name
        assert between == pytest.approx(stats.between[i], rel=0.02), name
    for target, (driver, slope) in COUPLINGS.items():
        assert slope == pytest.approx(stats.slopes[(target, driver)][0], rel=0.02), target
