# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Hierarchical predictive model of each person's affect on three time scales.

Consumes EmotionState-like observations (`EmotionObservation`) and publishes
`AffectiveStateResult` (fields of hri_emo_msgs/AffectiveState) through `HierarchyTracker`.
No ROS here: the node is a thin adapter.

Observation and latent spaces
    x = (valence, arousal, score per EMOTIONS) with confidence c in [0, 1].
    z_micro = T_m(x), z_state = T_s(z_micro), z_pattern = T_p(z_state): the target encoders
    of the levels' JEPAs, affine and invertible, identity on valence/arousal (so every
    level's belief reads directly as valence/arousal). Variances are diagonal.

Generative model, per latent dimension (rho = exp(-dt / tau), dt since the last frame)
    pattern  b' = b + r tau_r (1 - phi), r' = phi r, phi = exp(-dt / tau_r), plus diffusion:
             a damped local-linear trend: the person's baseline b and its slope r
    state    s' = pi_s + rho_s (s - pi_s) + (1 - rho_g) g_s + w,  w ~ N(0, q_s dt)
             pi_s = T_p^-1(b'): the pattern level's prediction, sent down as prior
    micro    m' = pi_m + rho_m (m - pi_m) + (1 - rho_m) g_m + d,  Var d = (1 - rho_m^2) V_s
             pi_m = T_s^-1(s'): the state level's prediction, sent down as prior
    input    T_m(x) = m' + v,  v ~ N(0, sigma_m^2 / c)
    g_l = a tanh(MLP(E_ctx(T_l^-1 mu_l), pi_l)): the JEPA predictor's learned, bounded shift
    of the level's attractor (zero before any learning, so the model is then linear).

Inference per frame (gaussian.py has the update and free-energy formulas)
    micro    prior N(m^, P^) from the line above; input T_m(x) with variance sigma_m^2 / c
    state    input u_s = T_s(mu_m) (errors go up: e_s = u_s - s^), variance V_s + T_s P_m
    pattern  every `pattern_tick_s`: input T_p(mean of mu_s over the tick, c-weighted),
             variance V_p; exact Kalman update of (b, r)
    Each level publishes ||e|| (prediction_error), 1/mean(S) (precision of the error, with
    S = P^ + 1/Pi the predictive variance), its free energy F (accuracy + complexity) and
    its surprise -ln N(e; 0, S). F equals the surprise for the exact posterior and exceeds it
    otherwise; total_free_energy is the sum over levels.
    Precisions 1/sigma_m^2, 1/V_s, 1/V_p are learned by online M-steps on F:
    1/Pi <- 1/Pi + kappa ((u - mu)^2 + P - 1/Pi), kappa = 1 - exp(-dt / tau_Pi).
    A burst moves the state little (its gain is about sqrt(q_s dt / V_s) per frame), a
    sustained change moves it fully within a few seconds: a Kalman posterior, not a fixed
    moving average (the gain follows the confidence, the learned precisions and gaps).

Events (events.py)
    micro_expression: sum_i (T_m(x) - pi_m)_i^2 / (Var pi_m + V_s + sigma_m^2 / c)_i, as a
    chi-square sigma, rises above 4 and falls back below 2 within 0.5 s; the emotion is the
    one whose score rose most above the micro level's prediction.
    state_change: the state's valence or arousal moved by 0.3 since the last such event.

Learning (jepa.py, learner.py, shared_model.py): per level a context encoder, an EMA
target encoder and a narrow predictor g; loss = precision-weighted smooth-L1 in latent space
between the prediction (the relaxation above, through the stop-gradient target encoding,
plus g of the context encoding) and the target encoding of the next input. One guarded
step every `learn_every` updates, round robin over levels, from fixed-size replay buffers
shared by everyone (memory per person stays fixed); `pretrain` does the same offline.
Persistence (persistence.py): per-person records and learned parameters, atomic and
checksummed, through common/state_store.py. Not thread-safe: call from one thread.
"""

from hri_emo_ros.hierarchy.config import HierarchyConfig
from hri_emo_ros.hierarchy.errors import (
    ConfigError,
    CorruptParameters,
    HierarchyError,
    InvalidObservation,
)
from hri_emo_ros.hierarchy.model import HierarchyModel
from hri_emo_ros.hierarchy.observation import EmotionObservation
from hri_emo_ros.hierarchy.pretrain import PretrainConfig, pretrain
from hri_emo_ros.hierarchy.results import (
    AffectiveEventResult,
    AffectiveStateResult,
    LevelStateResult,
)
from hri_emo_ros.hierarchy.tracker import HierarchyTracker

__all__ = [
    "AffectiveEventResult", "AffectiveStateResult", "ConfigError", "CorruptParameters",
    "EmotionObservation", "HierarchyConfig", "HierarchyError", "HierarchyModel",
    "HierarchyTracker", "InvalidObservation", "LevelStateResult", "PretrainConfig", "pretrain",
]
