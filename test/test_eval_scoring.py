# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Scoring replay outputs against labelled spans, and choosing a bag's input topics."""

from __future__ import annotations

import math

import pytest

from hri_emo_ros.bags.labels import parse_labels
from hri_emo_ros.bags.reader import OURS, TopicInfo
from hri_emo_ros.evaluation.input_topics import (
    TopicChoiceError,
    choose_routes,
    input_parameters,
)
from hri_emo_ros.evaluation.scoring import EmotionPoint, latency_summary, score_emotions

EMOTIONS = ("neutral", "happy", "sad")
LABELS = parse_labels("person_id,start,end,emotion,valence,arousal\n"
                      "*,0,10,happy,0.8,0.6\n"
                      "bob,10,20,sad,-0.6,-0.4\n")


def point(t, dominant, person="anna", valence=0.5, arousal=0.0):
    scores = tuple(0.9 if e == dominant else 0.1 for e in EMOTIONS)
    return EmotionPoint(t, person, EMOTIONS, scores, dominant, valence, arousal, 0.7)


def test_scores_count_only_labelled_states_of_the_right_person():
    points = [point(1, "happy", valence=0.8, arousal=0.6), point(2, "happy", valence=0.6),
              point(3, "sad", valence=-0.2),      # wrong
              point(12, "sad", person="bob", valence=-0.6, arousal=-0.4),
              point(13, "neutral", person="bob", valence=0.0, arousal=-0.2),   # wrong
              point(14, "happy", person="anna"),  # anna has no label at 14 s
              point(25, "sad", person="bob")]     # after every span
    result = score_emotions(points, LABELS)
    assert result["states"] == 7 and result["labelled_states"] == 5
    # truth: happy happy happy sad sad; dominant: happy happy sad sad neutral
    assert result["weighted_accuracy"] == pytest.approx(3 / 5)
    assert result["unweighted_accuracy"] == pytest.approx((2 / 3 + 1 / 2) / 2)
    # happy: tp 2, fp 0, fn 1 -> F1 = 4/5; sad: tp 1, fp 1, fn 1 -> 1/2; neutral: tp 0, fp 1
    per_class = result["per_class"]
    assert per_class["happy"]["f1"] == pytest.approx(0.8)
    assert per_class["sad"]["f1"] == pytest.approx(0.5)
    assert per_class["neutral"]["f1"] == 0.0 and per_class["neutral"]["support"] == 0
    # happy weighted accuracy: P = 3, N = 2, TP = 2, TN = 2 -> (2*2/3 + 2) / 4
    assert per_class["happy"]["weighted_accuracy"] == pytest.approx((4 / 3 + 2) / 4)
    assert result["confusion"]["matrix"] == [[0, 0, 0], [0, 2, 1], [1, 0, 1]]
    assert -1.0 <= result["ccc_valence"] <= 1.0 and result["ccc_valence"] > 0.5


def test_perfect_outputs_score_one_and_unknown_labels_are_refused():
    points = [point(t, "happy", valence=0.8 - 0.01 * t, arousal=0.6 + 0.01 * t)
              for t in range(10)]
    spans = parse_labels("person_id,start,end,emotion,valence,arousal\n"
                         + "".join(f"*,{t},{t + 1},happy,{0.8 - 0.01 * t},{0.6 + 0.01 * t}\n"
                                   for t in range(10)))
    result = score_emotions(points, spans)
    assert result["weighted_accuracy"] == 1.0
    assert result["ccc_valence"] == pytest.approx(1.0) and result["ccc_arousal"] == \
        pytest.approx(1.0)
    angry = parse_labels("person_id,start,end,emotion,valence,arousal\n*,0,5,angry,-0.5,0.7\n")
    with pytest.raises(ValueError, match="angry"):
        score_emotions(points, angry)


def test_no_labelled_state_gives_a_note_not_numbers():
    result = score_emotions([point(50, "happy")], LABELS)
    assert result["labelled_states"] == 0 and "note" in result and "per_class" not in result


def test_latency_summary_in_milliseconds():
    summary = latency_summary({"camera -> /x": [0.001 * i for i in range(1, 101)], "none": []})
    assert set(summary) == {"camera -> /x"}
    row = summary["camera -> /x"]
    assert row["count"] == 100 and row["max_ms"] == pytest.approx(100.0)
    assert row["p50_ms"] == pytest.approx(50.5) and math.isclose(row["p99_ms"], 99.01)


def topics(*pairs):
    return {name: TopicInfo(name, msgtype, 10, OURS) for name, msgtype in pairs}


BAG_TOPICS = topics(("/cam/compressed", "sensor_msgs/msg/CompressedImage"),
                    ("/mic", "hri_emo_msgs/msg/AudioFrame"),
                    ("/tf", "tf2_msgs/msg/TFMessage"))


def test_inputs_are_found_by_type_and_routed_to_the_graph():
    routes = choose_routes(BAG_TOPICS, {})
    assert [(r.bag_topic, r.input.role) for r in routes] == [("/cam/compressed", "camera"),
                                                             ("/mic", "audio")]
    parameters = input_parameters(routes)
    assert parameters["hri_emo_face"] == {"compressed_topic": "/hri_emo/replay/camera",
                                          "image_topic": ""}
    assert parameters["hri_emo_text"] == {"transcript_topic": "", "string_topic": ""}


def test_topic_choice_errors_say_what_the_bag_has():
    with pytest.raises(TopicChoiceError, match="no topic /camera/image_raw.*/mic"):
        choose_routes(BAG_TOPICS, {"camera": "/camera/image_raw"})
    with pytest.raises(TopicChoiceError, match="/mic carries hri_emo_msgs/msg/AudioFrame"):
        choose_routes(BAG_TOPICS, {"camera": "/mic"})
    two = topics(("/a", "sensor_msgs/msg/Image"), ("/b", "sensor_msgs/msg/CompressedImage"))
    with pytest.raises(TopicChoiceError, match="several topics could be the camera"):
        choose_routes(two, {})
    assert choose_routes(two, {"camera": "/a"})[0].input.parameter == "image_topic"
    with pytest.raises(TopicChoiceError, match="no camera, audio or transcript"):
        choose_routes(topics(("/tf", "tf2_msgs/msg/TFMessage")), {})
