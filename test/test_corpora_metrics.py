# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Protocol metrics against values worked out by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hri_emo_ros.corpora.protocol_metrics import (
    MetricsInputError,
    affect_agreement,
    classification,
    mosei_emotions,
    mosei_sentiment,
    one_vs_rest,
    pearson_r,
    positive_f1,
    protocol_metrics,
    sentiment_from_valence,
    weighted_accuracy,
    weighted_binary_f1,
)

NAN = float("nan")
FOUR = ("neutral", "happy", "sad", "angry")


def test_binary_building_blocks():
    truth = np.array([1, 1, 0, 0, 0, 0], bool)
    predicted = np.array([1, 0, 1, 0, 0, 0], bool)
    # TP=1 FN=1 FP=1 TN=3, P=2 N=4: WA = (1*4/2 + 3) / (2*4) = 5/8
    assert weighted_accuracy(predicted, truth) == pytest.approx(0.625)
    # F1 = 2*1 / (2*1 + 1 + 1) = 0.5
    assert positive_f1(predicted, truth) == pytest.approx(0.5)
    # negative class: TP'=TN=3, FP'=FN=1, FN'=FP=1 -> 6/8 = 0.75; weighted by support 2 and 4:
    # (2*0.5 + 4*0.75) / 6 = 4/6
    assert weighted_binary_f1(predicted, truth) == pytest.approx(4 / 6)
    # no positive in the truth: WA undefined; nothing present nor predicted: F1 undefined
    nothing = np.zeros(3, bool)
    assert math.isnan(weighted_accuracy(nothing, nothing))
    assert math.isnan(positive_f1(nothing, nothing))
    # but the weighted F1 is the negative class's: TP'=3 -> 6/6 = 1
    assert weighted_binary_f1(nothing, nothing) == 1.0


def test_mosei_emotions_presence_threshold_and_unlabelled_rows():
    emotions = ("happy", "sad")
    labels = np.array([[0.33, 0.0], [0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [0.0, 0.0],
                       [NAN, NAN],        # a sample without emotion labels
                       [2.0, NAN]])       # a sample labelled for happy only
    scores = np.array([[0.7, 0.2], [0.5, 0.5], [0.49, 0.1], [0.1, 0.0], [0.0, 0.3],
                       [0.9, 0.9], [0.8, 0.9]])
    m = mosei_emotions(scores, labels, emotions)
    assert m["samples"] == 6
    happy, sad = m["per_emotion"]["happy"], m["per_emotion"]["sad"]
    # happy (rows 1-5 and 7): present (> 0) [1,0,1,0,0,1]; predicted (>= 0.5) [1,1,0,0,0,1]
    # TP=2 FP=1 FN=1 TN=2, P=3 N=3: WA = (2*3/3 + 2) / 6 = 4/6
    assert happy["weighted_accuracy"] == pytest.approx(4 / 6)
    assert happy["f1"] == pytest.approx(4 / 6)             # 2*2 / (2*2 + 1 + 1)
    # negative class: TP'=2 FP'=1 FN'=1 -> 4/6; (3*4/6 + 3*4/6) / 6 = 4/6
    assert happy["weighted_f1"] == pytest.approx(4 / 6)
    assert happy["accuracy"] == pytest.approx(4 / 6)
    assert (happy["positives"], happy["negatives"]) == (3, 3)
    # sad (rows 1-5) is never present: WA undefined; predicted once: TP=0 FP=1 -> F1 = 0
    assert math.isnan(sad["weighted_accuracy"])
    assert sad["f1"] == 0.0
    # weighted F1 = negative class only: TP'=4 FP'=0 FN'=1 -> 8/9
    assert sad["weighted_f1"] == pytest.approx(8 / 9)
    assert m["mean_weighted_accuracy"] == pytest.approx(4 / 6)  # NaN left out
    assert m["mean_f1"] == pytest.approx(1 / 3)                  # (4/6 + 0) / 2


def test_mosei_sentiment_both_acc2_conventions():
    truth = np.array([-2.0, 0.0, 1.4, 2.6, -0.4, 0.0])
    pred = np.array([-1.2, 0.3, 0.0, 3.8, 0.4, -0.2])
    m = mosei_sentiment(pred, truth)
    # has-0: truth >= 0 [F,T,T,T,F,T], pred >= 0 [F,T,T,T,T,F] -> 4 of 6 agree
    assert m["acc2_has0"] == pytest.approx(4 / 6)
    # TP=3 FP=1 FN=1 TN=1: F1+ = 6/8, F1- = 2/4; (4*0.75 + 2*0.5) / 6 = 4/6
    assert m["f1_has0"] == pytest.approx(4 / 6)
    # non-0: drop the true zeros -> truth [-2, 1.4, 2.6, -0.4], pred [-1.2, 0.0, 3.8, 0.4];
    # truth > 0 [F,T,T,F], pred > 0 [F,F,T,T] (a prediction of exactly 0 is negative here)
    assert m["acc2_non0"] == pytest.approx(0.5)
    assert m["f1_non0"] == pytest.approx(0.5)              # TP=FP=FN=TN=1: both F1 = 0.5
    assert m["samples_non0"] == 4 and m["samples"] == 6
    # Acc7: truth rounds to [-2, 0, 1, 3, -0, 0], pred (clipped to 3) to [-1, 0, 0, 3, 0, -0]
    assert m["acc7"] == pytest.approx(4 / 6)
    # MAE: (0.8 + 0.3 + 1.4 + 1.2 + 0.8 + 0.2) / 6 = 4.7 / 6
    assert m["mae"] == pytest.approx(4.7 / 6)
    assert m["pearson_r"] == pytest.approx(np.corrcoef(pred, truth)[0, 1])


def test_acc7_rounds_half_to_even_like_the_reference_code():
    # np.round: 2.5 -> 2, -0.5 -> -0, 0.5 -> 0 and 1.6 -> 2, 0.4 -> 0, -0.4 -> -0: all agree
    # (rounding half away from zero would give 3, -1, 1 and no agreement)
    m = mosei_sentiment(np.array([1.6, 0.4, -0.4]), np.array([2.5, -0.5, 0.5]))
    assert m["acc7"] == 1.0


def test_pearson_and_unlabelled_sentiment():
    # a=[1,2,3] b=[1,3,2]: deviations [-1,0,1] and [-1,1,0]; r = 1 / sqrt(2*2) = 0.5
    assert pearson_r(np.array([1.0, 2, 3]), np.array([1.0, 3, 2])) == pytest.approx(0.5)
    assert math.isnan(pearson_r(np.array([1.0, 1.0]), np.array([0.0, 2.0])))  # constant
    m = mosei_sentiment(np.array([0.1, 0.2]), np.array([NAN, NAN]))
    assert m["samples"] == 0 and all(math.isnan(m[k]) for k in (
        "acc2_has0", "f1_has0", "acc2_non0", "acc7", "mae", "pearson_r"))


def test_sentiment_from_float32_valence_lands_on_the_label():
    valence = np.array([0.0, 1 / 3, -2 / 3, 0.5 / 3], dtype=np.float32)
    assert sentiment_from_valence(valence).tolist() == [0.0, 1.0, -2.0, 0.5]


def _four_class_case() -> tuple[np.ndarray, np.ndarray]:
    n, h, s = [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]
    labels = np.array([n, n, h, h, h, s, [0, 0, 0, 0], [NAN] * 4, [0, 1, 1, 0]], float)
    scores = np.array([[0.9, 0.2, 0.1, 0.0],    # true n, argmax n
                       [0.4, 0.6, 0.1, 0.0],    # true n, argmax h
                       [0.1, 0.8, 0.2, 0.1],    # true h, argmax h
                       [0.3, 0.45, 0.2, 0.1],   # true h, argmax h (below the threshold)
                       [0.1, 0.3, 0.6, 0.0],    # true h, argmax s
                       [0.2, 0.7, 0.5, 0.1],    # true s, argmax h
                       [0.1, 0.1, 0.1, 0.6],    # nothing present: unlabelled
                       [0.5, 0.5, 0.5, 0.5],    # NaN labels: unlabelled
                       [0.2, 0.6, 0.55, 0.1]])  # happy and sad: multi-label
    return scores, labels


def test_classification_wa_ua_f1_confusion_and_a_class_never_present():
    scores, labels = _four_class_case()
    m = classification(scores, labels, FOUR)
    assert m["samples"] == 6
    assert m["excluded"] == {"unlabelled": 2, "multi_label": 1}
    # rows true, columns predicted (neutral, happy, sad, angry)
    assert m["confusion"] == [[1, 1, 0, 0], [0, 2, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    assert m["wa"] == pytest.approx(3 / 6)
    # recall n 1/2, h 2/3, s 0/1, angry undefined: UA = (1/2 + 2/3 + 0) / 3
    assert m["ua"] == pytest.approx((1 / 2 + 2 / 3) / 3)
    pc = m["per_class"]
    # precision n 1/1, h 2/4, s 0/1; F1 n 2/(2+0+1), h 4/(4+2+1), s 0/(0+1+1)
    assert pc["neutral"]["precision"] == 1.0 and pc["happy"]["precision"] == 0.5
    assert pc["neutral"]["f1"] == pytest.approx(2 / 3)
    assert pc["happy"]["f1"] == pytest.approx(4 / 7)
    assert pc["sad"]["f1"] == 0.0
    assert math.isnan(pc["angry"]["f1"]) and math.isnan(pc["angry"]["recall"])
    assert pc["angry"]["support"] == 0
    assert m["macro_f1"] == pytest.approx((2 / 3 + 4 / 7 + 0) / 3)


def test_mult_one_vs_rest_binary_tasks():
    scores, labels = _four_class_case()
    b = one_vs_rest(scores, labels, FOUR)       # the 8 rows with finite labels
    # neutral: truth [1,1,0,0,0,0,0,0], pred [1,0,0,0,0,0,0,0]: TP=1 FN=1 TN=6 -> acc 7/8;
    # F1+ = 2/3 (support 2), F1- = 12/13 (support 6)
    assert b["neutral"]["accuracy"] == pytest.approx(7 / 8)
    assert b["neutral"]["weighted_f1"] == pytest.approx((2 * 2 / 3 + 6 * 12 / 13) / 8)
    # happy: truth [0,0,1,1,1,0,0,1], pred [0,1,1,0,0,1,0,1]: TP=FP=FN=TN=2
    assert b["happy"]["accuracy"] == 0.5 and b["happy"]["weighted_f1"] == pytest.approx(0.5)
    # sad: truth [0,0,0,0,0,1,0,1], pred [0,0,0,0,1,1,0,1] (0.5 counts): TP=2 FP=1 TN=5;
    # F1+ = 4/5, F1- = 10/11
    assert b["sad"]["accuracy"] == pytest.approx(7 / 8)
    assert b["sad"]["weighted_f1"] == pytest.approx((2 * 0.8 + 6 * 10 / 11) / 8)
    # angry never present, predicted once: only the negative class, TP'=7 FN'=1 -> 14/15
    assert b["angry"]["positives"] == 0
    assert b["angry"]["weighted_f1"] == pytest.approx(14 / 15)


def test_ccc_masks_nan_targets_and_all_nan_is_nan():
    predicted = np.array([[1.0, 0.0], [5.0, 0.0], [3.0, 0.0]])
    target = np.array([[0.0, NAN], [NAN, NAN], [2.0, NAN]])
    m = affect_agreement(predicted, target)
    # pairs (1, 0) and (3, 2): means 2 and 1, cov = 1, variances 1 and 1, (2-1)^2 = 1:
    # CCC = 2*1 / (1 + 1 + 1)
    assert m["ccc_valence"] == pytest.approx(2 / 3)
    assert m["labelled_valence"] == 2
    assert math.isnan(m["ccc_arousal"]) and m["labelled_arousal"] == 0


def test_protocol_dispatch_uses_three_times_valence_for_mosei():
    va = np.array([[0.1, 0.0], [-0.2, 0.0]])
    target = np.array([[0.2, NAN], [-0.2, NAN]])
    scores, labels = np.array([[0.6], [0.1]]), np.array([[1.0], [0.0]])
    m = protocol_metrics("mosei", scores, labels, va, target, ("happy",))
    # sentiment [0.3, -0.6] vs [0.6, -0.6]: MAE = 0.3 / 2
    assert m["sentiment"]["mae"] == pytest.approx(0.15)
    assert m["emotions"]["per_emotion"]["happy"]["weighted_accuracy"] == 1.0
    four = protocol_metrics("iemocap", *_four_class_case(), np.zeros((9, 2)),
                            np.full((9, 2), NAN), FOUR)
    assert set(four) == {"kind", "classification", "binary", "affect"}
    assert "binary" not in protocol_metrics("categorical", *_four_class_case(),
                                            np.zeros((9, 2)), np.full((9, 2), NAN), FOUR)


def test_bad_input_is_refused_with_a_reason():
    scores, labels = _four_class_case()
    bad = scores.copy()
    bad[0, 0] = NAN
    with pytest.raises(MetricsInputError) as error:
        classification(bad, labels, FOUR)
    assert error.value.reason == "nan_values"
    with pytest.raises(MetricsInputError) as error:
        classification(scores[:, :3], labels, FOUR)
    assert error.value.reason == "shape_mismatch"
    with pytest.raises(MetricsInputError) as error:
        protocol_metrics("msp", scores, labels, np.zeros((9, 2)), np.zeros((9, 2)), FOUR)
    assert error.value.reason == "unknown_kind"
