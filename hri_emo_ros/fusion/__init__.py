# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Multimodal fusion and emotion decoding (pure torch/numpy, no rclpy).

Run time: sync.FeatureSynchroniser (per-person windows) -> runtime.FusionRuntime.fuse
(FusionEncoder: projections, intra/cross-modal attention, vector-wise gate; CUDA graphs on
a GPU) -> decoder_runtime.DecoderRuntime.decode (EmotionDecoder: emotion queries, scores,
valence/arousal, calibrated confidence, explanation); FusionRuntime.process does both.
Records in records.py map onto hri_emo_msgs.
Training: trainer.train(config, overrides) on a dataset.FusionDataset adapter (the
bootstrap corpus by default); model_card.py documents the shipped checkpoint; bench.py
times it.
"""
