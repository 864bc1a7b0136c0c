# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The labels CSV loader accepts the documented format and names every problem."""

from __future__ import annotations

import pytest

from hri_emo_ros.bags.labels import (
    LabelError,
    LabelSpan,
    format_labels,
    labels_at,
    load_labels,
    parse_labels,
)
from hri_emo_ros.common.feature_spec import EMOTIONS

GOOD = """# a comment line
person_id,start,end,emotion,valence,arousal,notes
*,10,30,Happy,0.8,0.6,smiling
/humans/faces/ab12,0,10,neutral,0,-0.2,
*,30.5,50,sad,-0.7,-0.5,
"""


def test_good_file_parses_sorted_and_normalized(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text(GOOD)
    spans = load_labels(path)
    assert [s.start for s in spans] == [0.0, 10.0, 30.5]
    assert spans[1] == LabelSpan("*", 10.0, 30.0, "happy", 0.8, 0.6)
    assert [s.emotion for s in labels_at(spans, 29.99)] == ["happy"]
    assert labels_at(spans, 30.2) == []  # gaps are unlabelled
    assert [s.person_id for s in labels_at(spans, 5, "/humans/faces/ab12")] == [
        "/humans/faces/ab12"]
    assert [s.emotion for s in labels_at(spans, 12, "/humans/faces/zz")] == ["happy"]  # '*'
    assert parse_labels(format_labels(spans, ["round trip"])) == spans


@pytest.mark.parametrize("row, reason, fragment", [
    ("*,1,2,happy,0.5", "missing_columns", "5 values"),
    ("*,one,2,happy,0.5,0.1", "bad_number", "start 'one'"),
    ("*,1,nan,happy,0.5,0.1", "bad_number", "finite"),
    ("*,1,2,happy,inf,0.1", "bad_number", "valence"),
    ("*,5,2,happy,0.5,0.1", "end_before_start", "end 2.0 is not after start 5.0"),
    ("*,2,2,happy,0.5,0.1", "end_before_start", "not after"),
    ("*,-1,2,happy,0.5,0.1", "out_of_range", "start -1.0"),
    ("*,1,2,happy,1.5,0.1", "out_of_range", "valence 1.5"),
    ("*,1,2,joyful,0.5,0.1", "unknown_emotion", "'joyful'"),
    (" ,1,2,happy,0.5,0.1", "empty_person", "person_id is empty"),
])
def test_bad_rows_name_line_and_problem(row, reason, fragment):
    text = "person_id,start,end,emotion,valence,arousal\n*,0,1,neutral,0,0\n" + row + "\n"
    with pytest.raises(LabelError) as err:
        parse_labels(text, "session.csv")
    assert err.value.reason == reason and err.value.line == 3
    assert "session.csv line 3" in str(err.value) and fragment in str(err.value)
    if reason == "unknown_emotion":
        assert all(name in str(err.value) for name in EMOTIONS)


def test_file_level_problems(tmp_path):
    with pytest.raises(LabelError) as err:
        load_labels(tmp_path / "missing.csv")
    assert err.value.reason == "not_found" and "missing.csv" in str(err.value)
    cases = [
        ("person,start,end,emotion,valence\n*,0,1,happy,0", "missing_columns",
         "person_id, arousal"),
        ("# only comments\n", "empty", "no header"),
        ("person_id,start,end,emotion,valence,arousal\n", "empty", "no label rows"),
        ("person_id,start,end,emotion,valence,arousal\n*,0,10,happy,1,1\n*,5,12,sad,-1,0\n",
         "overlap", "spans of * overlap"),
    ]
    for text, reason, fragment in cases:
        with pytest.raises(LabelError) as err:
            parse_labels(text)
        assert err.value.reason == reason and fragment in str(err.value), text
    # the same times for different people are fine
    parse_labels("person_id,start,end,emotion,valence,arousal\na,0,10,happy,1,1\n"
                 "b,5,12,sad,-1,0\n")
