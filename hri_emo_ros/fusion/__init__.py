# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Multimodal fusion and emotion decoding (pure torch/numpy, no rclpy).

Run time: sync.FeatureSynchroniser (per-person windows) -> runtime.FusionRuntime.fuse
(FusionEncoder: projections, intra/cross-modal attention, vector-wise gate; CUDA graphs on
a GPU) -> decoder_runtime.DecoderRuntime.decode (EmotionDecoder: emotion queries, scores,
valence/arousal, calibrated confidence, explanation); FusionRuntime.process does both.
Records in records.py map onto hri_emo_msgs. scheduler.py holds the fusion node's timing and
attribution rules and perception_steps.py what the perception nodes publish; media_streams.py
and offline.py run both over media files (`hri-emo analyze --transcript/--fuse`).
Training: trainer.train(config, overrides) on a dataset.FusionDataset adapter (the
bootstrap corpus by default, or a public corpus of hri_emo_ros.corpora: train_args.py);
distributed.py shards it across torchrun processes; feature_space.py records which features
a model reads, and the live runtimes refuse one trained on a corpus's own features;
model_card.py documents the shipped checkpoint; bench.py times it.
"""
