# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The Gaussian update and free-energy equations, on cases solved by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hri_emo_ros.hierarchy import gaussian as g


def test_diagonal_update_matches_hand_solution():
    post = g.diagonal_update(np.array([0.0]), np.array([1.0]), np.array([2.0]), np.array([1.0]))
    assert post.gain[0] == pytest.approx(0.5)
    assert post.mean[0] == pytest.approx(1.0)
    assert post.var[0] == pytest.approx(0.5)
    assert post.predictive_var[0] == pytest.approx(2.0)
    expected = 1.0 + 0.5 * math.log(4.0 * math.pi)
    assert g.surprise(post.error, post.predictive_var) == pytest.approx(expected)
    free = g.diagonal_free_energy(np.array([2.0]), np.array([1.0]), post.mean, post.var,
                                  np.array([0.0]), np.array([1.0]))
    assert free == pytest.approx(expected)


def test_free_energy_exceeds_surprise_for_any_other_belief():
    rng = np.random.default_rng(1)
    prior_mean, prior_var = rng.normal(size=5), rng.uniform(0.1, 2.0, 5)
    obs, obs_var = rng.normal(size=5), rng.uniform(0.1, 2.0, 5)
    post = g.diagonal_update(prior_mean, prior_var, obs, obs_var)
    exact = g.diagonal_free_energy(obs, obs_var, post.mean, post.var, prior_mean, prior_var)
    assert exact == pytest.approx(g.surprise(post.error, post.predictive_var))
    for mean, var in ((post.mean + 0.1, post.var), (post.mean, post.var * 1.5),
                      (prior_mean, prior_var)):
        assert g.diagonal_free_energy(obs, obs_var, mean, var, prior_mean, prior_var) > exact


def test_precision_m_step_reaches_the_free_energy_minimum():
    obs, mean, var = np.array([1.0]), np.array([0.4]), np.array([0.14])
    target = (1.0 - 0.4) ** 2 + 0.14                     # = 0.5 by hand
    assert g.noise_variance_step(np.array([2.0]), obs, mean, var, rate=1.0)[0] == \
        pytest.approx(0.5)
    assert g.noise_variance_step(np.array([2.0]), obs, mean, var, rate=0.25)[0] == \
        pytest.approx(2.0 + 0.25 * (target - 2.0))
    prior_mean, prior_var = np.array([0.0]), np.array([1.0])

    def free(noise: float) -> float:
        return g.diagonal_free_energy(obs, np.array([noise]), mean, var, prior_mean, prior_var)
    assert free(target) < free(target * 0.9) and free(target) < free(target * 1.1)


def test_trend_predict_and_update_match_hand_solution():
    belief = g.TrendBelief(np.array([0.0]), np.array([0.5]), np.array([1.0]), np.array([0.0]),
                           np.array([1.0]))
    prior = g.trend_predict(belief, 1.0, 0.0, 0.0, trend_time_constant=1e15)
    assert prior.baseline[0] == pytest.approx(0.5)
    assert (prior.var_bb[0], prior.var_br[0], prior.var_rr[0]) == pytest.approx((2.0, 1.0, 1.0))
    update = g.trend_update(prior, np.array([2.5]), np.array([2.0]))
    post = update.belief
    assert update.predictive_var[0] == pytest.approx(4.0)
    assert (post.baseline[0], post.trend[0]) == pytest.approx((1.5, 1.0))
    assert (post.var_bb[0], post.var_br[0], post.var_rr[0]) == pytest.approx((1.0, 0.5, 0.75))
    expected = 0.5 + 0.5 * math.log(8.0 * math.pi)
    assert g.surprise(update.error, update.predictive_var) == pytest.approx(expected)
    assert g.trend_free_energy(np.array([2.5]), np.array([2.0]), post, prior) == \
        pytest.approx(expected)
    worse = post._replace(trend=post.trend + 0.2)
    assert g.trend_free_energy(np.array([2.5]), np.array([2.0]), worse, prior) > expected


def test_damped_trend_stops_extrapolating_after_its_time_constant():
    belief = g.TrendBelief(np.array([0.0]), np.array([1.0]), np.array([0.1]), np.array([0.0]),
                           np.array([0.1]))
    near = g.trend_predict(belief, 1.0, 0.0, 0.0, trend_time_constant=100.0)
    far = g.trend_predict(belief, 1e6, 0.0, 0.0, trend_time_constant=100.0)
    assert near.baseline[0] == pytest.approx(100.0 * (1.0 - math.exp(-0.01)))
    assert far.baseline[0] == pytest.approx(100.0)          # r * tau, not r * dt
    assert far.trend[0] == pytest.approx(0.0)
