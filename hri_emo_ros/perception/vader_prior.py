# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""VADER (Hutto & Gilbert 2014, MIT) as a valence prior: sentence compound and word lexicon."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

LEXICON_SCALE = 4.0  # lexicon ratings are on -4 .. +4


class VaderPrior:
    def __init__(self) -> None:
        self._analyzer = SentimentIntensityAnalyzer()
        self._lexicon: dict[str, float] = self._analyzer.lexicon

    def compound(self, text: str) -> float:
        """VADER's normalised compound score of a text, in [-1, 1]."""
        return float(self._analyzer.polarity_scores(text)["compound"])

    def word_valence(self, word: str) -> float:
        """Context-free lexicon valence of a word (case-insensitive) in [-1, 1]; 0 if unrated."""
        rating = self._lexicon.get(word.lower(), self._lexicon.get(word, 0.0))
        return max(-1.0, min(1.0, float(rating) / LEXICON_SCALE))

    def rates(self, token: str) -> bool:
        """Whether the lexicon rates this exact token (e.g. emoticons such as ":)")."""
        return token in self._lexicon or token.lower() in self._lexicon
