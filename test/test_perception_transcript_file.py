# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Timed transcripts: SubRip, WebVTT and `start end text` lines give the same cues; every
refusal names its reason and the line."""

from __future__ import annotations

import pytest

from hri_emo_ros.perception import transcript_file
from hri_emo_ros.perception.transcript_file import (
    InvalidTranscript,
    TranscriptCue,
    parse_transcript,
    read_transcript,
)

EXPECTED = [(0.82, 3.06, "Hi! It is so good to see you again!"),
            (4.11, 6.91, "Guess what? I got the job! I am so happy!"),
            (3723.5, 3725.0, "Fish & chips, an hour later.")]

SRT = """\ufeff1
00:00:00,820 --> 00:00:03,060
<i>Hi!</i> It is so good
to see you again!

2
00:00:04,110 --> 00:00:06,910
{\\an8}Guess what? I got the job! I am so happy!

3
01:02:03,500 --> 01:02:05,000
Fish &amp; chips, an hour later.
"""

VTT = """WEBVTT Kind: captions

NOTE written by hand,
over two lines

STYLE
::cue { color: yellow }

greeting
00:00.820 --> 00:03.060 align:start position:10%
<v Speaker 1>Hi! It is <00:00:01.500><c>so good</c> to see you again!</v>

00:00:04.110 --> 00:00:06.910
Guess what? I got the job! I am so happy!

01:02:03.500 --> 01:02:05.000
Fish &amp; chips, an hour later.
"""

PLAIN = """# start end text (seconds)
0.82 3.06 Hi! It is so good to see you again!

4.11\t6.91\tGuess what? I got the job! I am so happy!
3723.5 3725 Fish & chips, an hour later.
"""


def _triples(cues: list[TranscriptCue]) -> list[tuple[float, float, str]]:
    return [(round(c.start, 3), round(c.end, 3), c.text) for c in cues]


@pytest.mark.parametrize("text", [SRT, VTT, PLAIN, SRT.replace("\n", "\r\n")],
                         ids=["srt", "vtt", "plain", "srt-crlf"])
def test_the_three_formats_give_the_same_cues(text):
    assert _triples(parse_transcript(text)) == EXPECTED


def test_cues_remember_the_line_of_their_times():
    assert [c.line for c in parse_transcript(SRT)] == [2, 7, 11]
    assert [c.line for c in parse_transcript(PLAIN)] == [2, 4, 5]


def test_cues_left_empty_by_markup_are_skipped():
    text = "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\nyes\n"
    assert _triples(parse_transcript(text)) == [(3.0, 4.0, "yes")]
    assert _triples(parse_transcript("0 1\n2 3 yes\n")) == [(2.0, 3.0, "yes")]


@pytest.mark.parametrize("text, reason, where", [
    ("0 1 hello\nhello there\n", "no_times", "line 2"),
    ("start\tend\ttext\n0\t820\thi\n", "no_times", "Whisper"),
    ("1 nan hello\n", "no_times", "line 1"),
    ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\nno times here\n", "no_times", "line 5"),
    ("WEBVTT\n\n00:01.000 -> 00:02.000\nhi\n", "no_times", "line 3"),
    ("WEBVTT\n\n00:02.000 --> 00:01.000\nhi\n", "bad_times", "line 3"),
    ("-1 2 hello\n", "bad_times", "line 1"),
    ("0 2 first\n1 3 second\n", "overlapping_cues", "line 2"),
    ("5 6 later\n1 2 earlier\n", "overlapping_cues", "line 2"),
    ("\n# only a comment\n", "empty", "no timed text"),
    ("WEBVTT\n\nNOTE nothing else\n", "empty", "no timed text"),
])
def test_refusals_name_the_reason_and_the_line(text, reason, where):
    with pytest.raises(InvalidTranscript) as caught:
        parse_transcript(text)
    assert caught.value.reason == reason
    assert str(caught.value).startswith(f"{reason}: ") and where in str(caught.value)


def test_files_that_are_not_utf8_or_too_large_are_refused(tmp_path, monkeypatch):
    latin1 = tmp_path / "latin1.srt"
    latin1.write_bytes("1\n00:00:01,000 --> 00:00:02,000\nça va très bien\n".encode("latin-1"))
    with pytest.raises(InvalidTranscript, match="^invalid_utf8: "):
        read_transcript(latin1)
    plain = tmp_path / "words.txt"
    plain.write_text(PLAIN, encoding="utf-8")
    assert _triples(read_transcript(plain)) == EXPECTED
    monkeypatch.setattr(transcript_file, "MAX_TRANSCRIPT_BYTES", 100)
    with pytest.raises(InvalidTranscript, match="^too_large: "):
        read_transcript(plain)
