# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Gaussian belief updates, their surprise and variational free energy (numpy, vectorised).

Every latent dimension i is treated independently (diagonal covariances).

Diagonal level (micro, state). Prior belief N(m^, P^), input u observed with precision Pi:
    prediction error      e = u - m^
    predictive variance   S = P^ + 1/Pi                 (precision of the error: 1/S)
    gain                  K = P^ / S
    posterior             m = m^ + K e,     P = (1 - K) P^
    surprise              -ln p(u) = 1/2 sum_i [ e_i^2 / S_i + ln(2 pi S_i) ]
    free energy           F = E_q[-ln p(u|s)] + KL[q(s) || p(s)]
                            = 1/2 sum_i [ Pi_i ((u_i - m_i)^2 + P_i) - ln Pi_i + ln 2 pi ]
                            + 1/2 sum_i [ (P_i + (m_i - m^_i)^2) / P^_i - 1 + ln(P^_i / P_i) ]
For the posterior above F equals the surprise exactly; any other belief q gives F > surprise.
Example solvable by hand: m^ = 0, P^ = 1, Pi = 1, u = 2 gives S = 2, K = 1/2, m = 1, P = 1/2
and F = surprise = 1 + 1/2 ln(4 pi).

Precision learning (an M-step on F): dF/d(1/Pi) = 0 at 1/Pi = (u - m)^2 + P; online, the
error variance moves a fraction kappa = 1 - exp(-dt / tau) towards that value per input.

Trend level (pattern): per dimension a baseline b and a damped slope r, observing b.
    predict over dt       phi = exp(-dt / tau),  b^ = b + r tau (1 - phi),  r^ = phi r,
                          P^ = A P A^T + diag(q_b dt, q_r dt),  A = [[1, tau (1 - phi)], [0, phi]]
                          (tau -> infinity gives the undamped b^ = b + r dt: a trend seen in
                          one session is not extrapolated without bound across a long gap)
    update with u, 1/Pi   S = P^_bb + 1/Pi,  K = (P^_bb, P^_br) / S,
                          (b, r) = (b^, r^) + K e,  P = P^ - K K^T S
    free energy           1/2 [ Pi ((u - b)^2 + P_bb) - ln Pi + ln 2 pi ]
                          + 1/2 [ tr(P^-1 P) + d^T P^-1 d - 2 + ln det P^ - ln det P ]
                          with d = (b, r) - (b^, r^); again equal to the surprise when exact.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

LOG_2PI = math.log(2.0 * math.pi)


class DiagonalPosterior(NamedTuple):
    mean: np.ndarray
    var: np.ndarray
    error: np.ndarray           # u - prior mean
    predictive_var: np.ndarray  # P^ + 1/Pi
    gain: np.ndarray


def diagonal_update(prior_mean: np.ndarray, prior_var: np.ndarray, obs: np.ndarray,
                    obs_var: np.ndarray) -> DiagonalPosterior:
    """Exact Bayesian update of independent Gaussians by one noisy observation each."""
    error = obs - prior_mean
    predictive_var = prior_var + obs_var
    gain = prior_var / predictive_var
    return DiagonalPosterior(prior_mean + gain * error, (1.0 - gain) * prior_var, error,
                             predictive_var, gain)


def surprise(error: np.ndarray, predictive_var: np.ndarray) -> float:
    """Negative log-likelihood [nats] of the error under N(0, predictive_var)."""
    return 0.5 * float(np.sum(error * error / predictive_var + np.log(predictive_var) + LOG_2PI))


def diagonal_free_energy(obs: np.ndarray, obs_var: np.ndarray, mean: np.ndarray,
                         var: np.ndarray, prior_mean: np.ndarray, prior_var: np.ndarray) -> float:
    """Variational free energy [nats] of the belief N(mean, var) (accuracy + complexity)."""
    residual = obs - mean
    accuracy = np.sum((residual * residual + var) / obs_var + np.log(obs_var) + LOG_2PI)
    shift = mean - prior_mean
    complexity = np.sum((var + shift * shift) / prior_var - 1.0 + np.log(prior_var / var))
    return 0.5 * float(accuracy + complexity)


def noise_variance_step(noise_var: np.ndarray, obs: np.ndarray, mean: np.ndarray,
                        var: np.ndarray, rate: float, weight: float = 1.0) -> np.ndarray:
    """One online M-step of the error variance towards weight * ((u - m)^2 + P).

    `weight` is the input's reliability when the likelihood variance is noise_var / weight.
    """
    residual = obs - mean
    return noise_var + rate * (weight * (residual * residual + var) - noise_var)


class TrendBelief(NamedTuple):
    """Per-dimension baseline b, slope r [per s] and their 2x2 covariance entries."""

    baseline: np.ndarray
    trend: np.ndarray
    var_bb: np.ndarray
    var_br: np.ndarray
    var_rr: np.ndarray


def trend_predict(belief: TrendBelief, dt: float, baseline_diffusion: float,
                  trend_diffusion: float, trend_time_constant: float) -> TrendBelief:
    """Extrapolate the baseline along its damped trend for dt seconds (diffusions per s)."""
    b, r, pbb, pbr, prr = belief
    phi = math.exp(-dt / trend_time_constant)
    reach = -trend_time_constant * math.expm1(-dt / trend_time_constant)   # tau (1 - phi)
    return TrendBelief(b + r * reach, r * phi,
                       pbb + 2.0 * reach * pbr + reach * reach * prr + baseline_diffusion * dt,
                       phi * (pbr + reach * prr), phi * phi * prr + trend_diffusion * dt)


class TrendUpdate(NamedTuple):
    belief: TrendBelief
    error: np.ndarray
    predictive_var: np.ndarray
    gain: np.ndarray            # gain on the baseline


def trend_update(prior: TrendBelief, obs: np.ndarray, obs_var: np.ndarray) -> TrendUpdate:
    b, r, pbb, pbr, prr = prior
    error = obs - b
    predictive_var = pbb + obs_var
    gain_b = pbb / predictive_var
    gain_r = pbr / predictive_var
    posterior = TrendBelief(b + gain_b * error, r + gain_r * error, pbb - gain_b * pbb,
                            pbr - gain_b * pbr, prr - gain_r * pbr)
    return TrendUpdate(posterior, error, predictive_var, gain_b)


def trend_free_energy(obs: np.ndarray, obs_var: np.ndarray, posterior: TrendBelief,
                      prior: TrendBelief) -> float:
    """Free energy [nats] of a trend posterior: accuracy on b plus KL to the 2-d prior."""
    b, r, pbb, pbr, prr = posterior
    b0, r0, qbb, qbr, qrr = prior
    residual = obs - b
    accuracy = np.sum((residual * residual + pbb) / obs_var + np.log(obs_var) + LOG_2PI)
    det_prior = _determinant(qbb, qbr, qrr)
    det_post = _determinant(pbb, pbr, prr)
    inv_bb, inv_br, inv_rr = qrr / det_prior, -qbr / det_prior, qbb / det_prior
    trace = inv_bb * pbb + 2.0 * inv_br * pbr + inv_rr * prr
    db, dr = b - b0, r - r0
    mahalanobis = inv_bb * db * db + 2.0 * inv_br * db * dr + inv_rr * dr * dr
    complexity = np.sum(trace + mahalanobis - 2.0 + np.log(det_prior / det_post))
    return 0.5 * float(accuracy + complexity)


def _determinant(var_bb: np.ndarray, var_br: np.ndarray, var_rr: np.ndarray) -> np.ndarray:
    """det of [[bb, br], [br, rr]] as bb rr (1 - rho^2): no cancellation when rho is near 1."""
    rho2 = np.minimum(var_br * var_br / (var_bb * var_rr), 1.0 - 1e-12)
    return var_bb * var_rr * (1.0 - rho2)
