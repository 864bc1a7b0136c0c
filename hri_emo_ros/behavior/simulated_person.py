# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""A simulated person with hidden preferences, for tests and the behaviour benchmark.

Latent valence v, arousal a (in [-1, 1]) and engagement e (in [0, 1]) relax towards the
person's baseline; each robot action moves them by an effect that depends on the action
and on the person's current quadrant (empathy helps when sad, cheering along hurts then).
Effects on valence and arousal are scaled by engagement (a disengaged person hardly
reacts). Every person deviates from the social prototype: random offsets, one favourite
and one disliked action. Upsetting or cheering events happen at random. The agent only
sees noisy AffectiveObservations, never the latent state or the effects.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.behavior.observation import AffectiveObservation, EventSnapshot, simple_observation
from hri_emo_ros.behavior.state_encoding import QUADRANTS

# Prototype effects per quadrant (order of QUADRANTS: neutral, pleasant_active,
# pleasant_calm, unpleasant_active, unpleasant_calm) on valence and arousal, and on engagement.
PROTOTYPE: dict[str, tuple[tuple[float, ...], tuple[float, ...], float]] = {
    "greet": ((.05, .05, .05, -.02, .03), (.05, .05, .05, .0, .05), .15),
    "mirror_positive": ((.02, .12, .10, -.15, -.12), (.0, .05, .05, .0, .0), .03),
    "empathise": ((.0, -.04, -.02, .08, .14), (.0, .0, .0, -.05, .0), .05),
    "encourage": ((.06, .04, .06, -.06, .10), (.05, .05, .08, .05, .08), .04),
    "calm_down": ((-.02, -.04, -.06, .14, -.04), (-.10, -.15, -.05, -.20, -.05), .0),
    "ask_open_question": ((.05, .06, .05, -.08, .03), (.03, .0, .05, .05, .05), .10),
    "give_space": ((-.02, -.03, .0, .06, -.02), (-.05, -.05, -.03, -.10, -.03), -.10),
    "idle": ((.0, .0, .0, .0, .0), (.0, .0, .0, .0, .0), -.02),
}


@dataclass(frozen=True)
class SimulationConfig:
    relax: float = 0.15                 # fraction of the distance to baseline per step
    engagement_relax: float = 0.10
    process_noise: float = 0.05
    observation_noise: float = 0.05
    shock_probability: float = 0.08
    preference_spread: float = 0.06     # person-specific offsets of valence effects
    favourite_bonus: float = 0.08
    engagement_weight: float = 0.5      # of the well-being the benchmark scores
    neutral_radius: float = 0.15


@dataclass(frozen=True)
class PersonProfile:
    baseline: tuple[float, float, float]      # valence, arousal, engagement
    # (n_actions, n_quadrants, 3): effect on valence, arousal, engagement.
    effects: np.ndarray
    favourite: str
    disliked: str


def sample_profile(names: tuple[str, ...], rng: np.random.Generator,
                   config: SimulationConfig) -> PersonProfile:
    effects = np.zeros((len(names), len(QUADRANTS), 3))
    for i, name in enumerate(names):
        if name in PROTOTYPE:
            dv, da, de = PROTOTYPE[name]
            effects[i, :, 0], effects[i, :, 1], effects[i, :, 2] = dv, da, de
        else:
            effects[i] = rng.normal(0.0, 0.05, size=(len(QUADRANTS), 3))
        if name != "idle":
            effects[i, :, 0] += rng.normal(0.0, config.preference_spread, len(QUADRANTS))
    active = [i for i, name in enumerate(names) if name != "idle"]
    favourite, disliked = rng.choice(active, size=2, replace=False)
    effects[favourite, :, 0] += config.favourite_bonus
    effects[disliked, :, 0] -= config.favourite_bonus
    baseline = (float(rng.normal(-0.1, 0.2)), float(rng.normal(0.0, 0.2)), 0.4)
    return PersonProfile(baseline, effects, names[favourite], names[disliked])


class SimulatedPerson:
    def __init__(self, person_id: str, names: tuple[str, ...], seed: int,
                 config: SimulationConfig | None = None,
                 profile: PersonProfile | None = None) -> None:
        self.person_id = person_id
        self.names = tuple(names)
        self.config = config or SimulationConfig()
        self.rng = np.random.default_rng(seed)
        self.profile = profile or sample_profile(self.names, self.rng, self.config)
        self.latent = np.array(self.profile.baseline)

    def reseed(self, seed: int) -> None:
        """Reset the random stream (same profile): lets policies face the same sessions."""
        self.rng = np.random.default_rng(seed)

    def wellbeing(self, latent: np.ndarray | None = None) -> float:
        v, _, e = self.latent if latent is None else latent
        return float(v + self.config.engagement_weight * e)

    def start_session(self, now: float) -> AffectiveObservation:
        v0, a0, _ = self.profile.baseline
        self.latent = np.array([np.clip(v0 + self.rng.normal(0, 0.4), -1, 1),
                                np.clip(a0 + self.rng.normal(0, 0.4), -1, 1),
                                self.rng.uniform(0.2, 0.6)])
        return self.observe(now)

    def mean_step(self, latent: np.ndarray, action: int) -> np.ndarray:
        """Expected next latent state without noise or events (what the oracle plans with)."""
        return self.mean_steps(np.asarray(latent)[None, :], np.array([action]))[0]

    def mean_steps(self, latents: np.ndarray, actions: np.ndarray) -> np.ndarray:
        """Vectorised mean_step: latents (n, 3), actions (n,) -> (n, 3)."""
        cfg = self.config
        v, a, e = latents[:, 0], latents[:, 1], latents[:, 2]
        radius = np.hypot(v, a)
        context = np.where(radius < cfg.neutral_radius, 0,
                           1 + 2 * (v < 0) + (a < 0))    # QUADRANTS order
        effect = self.profile.effects[actions, context]
        gain = 0.3 + 0.7 * e
        base_v, base_a, base_e = self.profile.baseline
        return np.stack([np.clip(v + cfg.relax * (base_v - v) + gain * effect[:, 0], -1, 1),
                         np.clip(a + cfg.relax * (base_a - a) + gain * effect[:, 1], -1, 1),
                         np.clip(e + cfg.engagement_relax * (base_e - e) + effect[:, 2], 0, 1)],
                        axis=1)

    def respond(self, action_name: str, now: float) -> AffectiveObservation:
        """Advance one response window after the robot did `action_name`; observe at `now`."""
        cfg = self.config
        mean = self.mean_step(self.latent, self.names.index(action_name))
        noise = self.rng.normal(0.0, [cfg.process_noise, cfg.process_noise, 0.03])
        latent = mean + noise
        events: tuple[EventSnapshot, ...] = ()
        if self.rng.random() < cfg.shock_probability:
            upset = self.rng.random() < 0.7
            latent[0] += -self.rng.uniform(0.3, 0.6) if upset else self.rng.uniform(0.2, 0.4)
            latent[1] += self.rng.uniform(0.0, 0.4)
            events = (EventSnapshot("state_change", "sad" if upset else "happy", now, 1.0, 2.0),)
        self.latent = np.clip(latent, [-1, -1, 0], [1, 1, 1])
        return self.observe(now, events)

    def observe(self, now: float, events: tuple[EventSnapshot, ...] = ()) -> AffectiveObservation:
        noisy = self.latent + self.rng.normal(0.0, self.config.observation_noise, 3)
        v, a, e = np.clip(noisy, [-1, -1, 0], [1, 1, 1])
        return simple_observation(self.person_id, now, float(v), float(a), float(e), events)

    def oracle_action(self, allowed: list[str], depth: int = 2, discount: float = 0.8) -> str:
        """Best allowed action by exhaustive lookahead on the true mean dynamics (it knows the
        hidden model; later steps ignore cooldowns)."""
        first = np.array([self.names.index(name) for name in allowed])
        plans = np.array(list(itertools.product(first, *[range(len(self.names))] * (depth - 1))))
        latents = np.repeat(self.latent[None, :], len(plans), axis=0)
        value = np.zeros(len(plans))
        weights = np.array([1.0, 0.0, self.config.engagement_weight])
        for step in range(depth):
            latents = self.mean_steps(latents, plans[:, step])
            value += discount ** step * latents @ weights
        best_per_first = value.reshape(len(first), -1).max(axis=1)
        return allowed[int(np.argmax(best_per_first))]
