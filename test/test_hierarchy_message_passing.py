# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""One frame through the three levels, checked against the package docstring's equations
computed by hand (before any learning the encoders are the identity and g is zero)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hri_emo_ros.hierarchy import HierarchyConfig, HierarchyModel
from hri_emo_ros.hierarchy.person import PersonFilter


def test_one_frame_matches_the_equations_by_hand():
    config = HierarchyConfig()
    f = config.filter
    maps = HierarchyModel().snapshot()
    x0 = np.array([0.0, 0.0, 0.6, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05])
    person = PersonFilter.start("p", config, maps, x0, stamp=100.0)
    # Valence (dimension 0) beliefs, set by hand.
    b, var_bb = 0.2, 0.04
    s, p_s, v_s = 0.1, 0.01, 0.02
    m, p_m, sigma2 = 0.3, 0.005, 0.01
    person.pattern.belief.baseline[0], person.pattern.belief.var_bb[0] = b, var_bb
    person.pattern.belief.var_rr[0] = 1e-18
    person.state_mean[0], person.state_var[0], person.state_noise[0] = s, p_s, v_s
    person.micro_mean[0], person.micro_var[0], person.micro_noise[0] = m, p_m, sigma2
    dt, valence = 0.1, 0.8
    x = x0.copy()
    x[0] = valence
    result = person.step(x, 1.0, 100.0 + dt, dt)

    # Pattern -> state: the extrapolated baseline (no trend) is the state's prior.
    top_s = b
    top_s_var = var_bb + f.pattern_baseline_diffusion_per_h / 3600 * dt
    rho_s = math.exp(-dt / f.state_reversion_s)
    s_hat = top_s + rho_s * (s - top_s)
    p_s_hat = rho_s ** 2 * p_s + (1 - rho_s) ** 2 * top_s_var + f.state_diffusion_per_s * dt
    # State -> micro: the state's prediction is the micro level's prior.
    rho_m = math.exp(-dt / f.micro_time_constant_s)
    m_hat = s_hat + rho_m * (m - s_hat)
    p_m_hat = rho_m ** 2 * p_m + (1 - rho_m ** 2) * v_s + (1 - rho_m) ** 2 * p_s_hat
    # The frame updates the micro level (Kalman gain), whose posterior goes up to the state.
    k_m = p_m_hat / (p_m_hat + sigma2)
    m_post, p_m_post = m_hat + k_m * (valence - m_hat), (1 - k_m) * p_m_hat
    u_var = v_s + p_m_post
    k_s = p_s_hat / (p_s_hat + u_var)
    s_post = s_hat + k_s * (m_post - s_hat)

    assert result.level("micro").valence == pytest.approx(m_post, rel=1e-9)
    assert result.level("state").valence == pytest.approx(s_post, rel=1e-9)
    assert result.level("pattern").valence == pytest.approx(b, rel=1e-9)
    assert person.micro_var[0] == pytest.approx(p_m_post, rel=1e-9)
    # The micro level moved most of the way; the state barely (a single frame).
    assert m_post - m_hat > 0.5 * (valence - m_hat)
    assert abs(s_post - s_hat) < 0.2 * abs(valence - s_hat)
