# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""From each corpus's label codes to our emotion names and to valence/arousal in [-1, 1].

IEMOCAP (Busso et al. 2008) rates every utterance on a categorical code and on three 1-5
dimensions (valence 1 = very negative .. 5 = very positive; activation 1 = calm .. 5 =
excited; dominance), averaged over evaluators. A rating x maps to (x - 3) / 2.

CREMA-D (Cao et al. 2014) and RAVDESS (Livingstone & Russo 2018) carry categories only.
Their valence/arousal target is the category's place on the circumplex (CIRCUMPLEX) times
the utterance's acted intensity (INTENSITY): a category prior, not a rating, the same
convention as the bootstrap corpus (fusion/sim_affect.py). The circumplex places are the
project's rounded approximations of Russell (1980) "A circumplex model of affect", JPSP
39(6) 1161-1178 and Russell & Mehrabian (1977) "Evidence for a three-factor theory of
emotions", J. Research in Personality 11, 273-294 (the values of fusion.sim_affect.CENTROIDS,
imported, so there is one table); "calm", which Russell (1980) places in the pleasant,
low-arousal quadrant next to "relaxed" and "serene", is our approximation (0.35, -0.55).
The intensity factors are our choice (a weaker portrayal is nearer the centre), not norms.

`markdown_tables()` renders every table below for the README.
"""

from __future__ import annotations

import math

from hri_emo_ros.fusion.sim_affect import CENTROIDS

CIRCUMPLEX: dict[str, tuple[float, float]] = {**CENTROIDS, "calm": (0.35, -0.55)}

# code -> (what the corpus calls it, our emotion or None when we have no such emotion)
IEMOCAP_CODES: dict[str, tuple[str, str | None]] = {
    "neu": ("neutral state", "neutral"),
    "hap": ("happiness", "happy"),
    "exc": ("excitement", "happy"),     # merged into happy by the 4-class protocol
    "sad": ("sadness", "sad"),
    "ang": ("anger", "angry"),
    "fru": ("frustration", None),
    "sur": ("surprise", "surprised"),
    "fea": ("fear", "fearful"),
    "dis": ("disgust", "disgusted"),
    "oth": ("other", None),
    "xxx": ("no majority among evaluators", None),
}
# The standard 4-class protocol: neu, hap + exc, ang, sad (5531 utterances).
IEMOCAP_FOUR_CLASS: dict[str, str] = {
    "neu": "neutral", "hap": "happy", "exc": "happy", "ang": "angry", "sad": "sad",
}

CREMAD_EMOTIONS: dict[str, str] = {
    "ANG": "angry", "DIS": "disgusted", "FEA": "fearful",
    "HAP": "happy", "NEU": "neutral", "SAD": "sad",
}
# Letters of the perceived-emotion votes in processedResults/summaryTable.csv.
CREMAD_VOTES: dict[str, str] = {
    "A": "angry", "D": "disgusted", "F": "fearful", "H": "happy", "N": "neutral", "S": "sad",
}
CREMAD_INTENSITY: dict[str, float] = {"LO": 0.5, "MD": 0.75, "HI": 1.0, "XX": 0.75}

RAVDESS_EMOTIONS: dict[str, str] = {
    "01": "neutral", "02": "calm", "03": "happy", "04": "sad",
    "05": "angry", "06": "fearful", "07": "disgusted", "08": "surprised",
}
RAVDESS_INTENSITY: dict[str, float] = {"01": 0.75, "02": 1.0}   # normal, strong


def rating_to_unit(rating: float) -> float:
    """An IEMOCAP 1-5 dimensional rating on [-1, 1]; NaN stays NaN, out of range raises."""
    if math.isnan(rating):
        return rating
    if not 1.0 <= rating <= 5.0:
        raise ValueError(f"dimensional rating {rating} is outside IEMOCAP's 1-5 scale")
    return (rating - 3.0) / 2.0


def circumplex(emotion: str, intensity: float = 1.0) -> tuple[float, float]:
    """(valence, arousal) prior of a category portrayed at `intensity` in [0, 1]."""
    if emotion not in CIRCUMPLEX:
        raise ValueError(f"no circumplex place for '{emotion}'; known: {sorted(CIRCUMPLEX)}")
    if not 0.0 <= intensity <= 1.0:
        raise ValueError(f"intensity {intensity} is outside [0, 1]")
    valence, arousal = CIRCUMPLEX[emotion]
    return valence * intensity, arousal * intensity


def markdown_tables() -> str:
    """Every label table of this module as Markdown, for the README."""
    lines = ["| emotion | valence | arousal |", "|---|---|---|"]
    lines += [f"| {name} | {v:+.2f} | {a:+.2f} |" for name, (v, a) in CIRCUMPLEX.items()]
    lines += ["", "| IEMOCAP code | meaning | our emotion | 4-class protocol |",
              "|---|---|---|---|"]
    lines += [f"| {code} | {meaning} | {ours or '-'} | {IEMOCAP_FOUR_CLASS.get(code, '-')} |"
              for code, (meaning, ours) in IEMOCAP_CODES.items()]
    lines += ["", "| CREMA-D code | vote letter | our emotion |", "|---|---|---|"]
    letters = {name: letter for letter, name in CREMAD_VOTES.items()}
    lines += [f"| {code} | {letters[name]} | {name} |" for code, name in CREMAD_EMOTIONS.items()]
    lines += ["", "| RAVDESS code | emotion |", "|---|---|"]
    lines += [f"| {code} | {name} |" for code, name in RAVDESS_EMOTIONS.items()]
    lines += ["", "| intensity | factor |", "|---|---|"]
    lines += [f"| CREMA-D {k} | {v} |" for k, v in CREMAD_INTENSITY.items()]
    lines += [f"| RAVDESS {k} ({'normal' if k == '01' else 'strong'}) | {v} |"
              for k, v in RAVDESS_INTENSITY.items()]
    return "\n".join(lines)
