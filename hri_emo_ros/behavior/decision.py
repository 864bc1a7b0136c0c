# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""What the agent hands to the node: a Decision (one BehaviorCommand plus optional extra
std_msgs/String outputs) and an Outcome (what one action achieved)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from hri_emo_ros.behavior.repertoire import Action, Repertoire
from hri_emo_ros.behavior.state_encoding import EncodedState

STATUS_ACTED = "acted"
STATUS_NO_STATE = "idle_no_state"
STATUS_NOTHING_ALLOWED = "idle_nothing_allowed"


@dataclass(frozen=True)
class OutputMessage:
    """Publish `data` as `msg_type` (std_msgs/String) on `topic`."""

    channel: str
    topic: str
    msg_type: str
    data: str


@dataclass(frozen=True)
class Decision:
    """Fields up to `rationale` are BehaviorCommand's (stamp goes into the header)."""

    person_id: str
    stamp: float
    action: str
    intensity: float
    utterance: str
    gesture: str
    expression: str
    candidate_actions: tuple[str, ...]
    probabilities: tuple[float, ...]
    extrinsic_reward: float
    intrinsic_reward: float
    from_planning: bool
    rationale: str
    # One of the STATUS_* constants; "acted" when the learner chose the action.
    status: str
    outputs: tuple[OutputMessage, ...] = ()
    state: EncodedState | None = None


@dataclass(frozen=True)
class Outcome:
    """The person's response to one action, as learned from."""

    person_id: str
    action: str
    extrinsic_reward: float
    intrinsic_reward: float
    rpe: float
    before: EncodedState
    after: EncodedState


def render_utterance(template: str, name: str) -> str:
    """Fill {name}; without a name, remove it and tidy the spaces and punctuation left."""
    text = template.format(name=name)
    text = re.sub(r"\s+([!?.,;:])", r"\1", text)
    text = re.sub(r",([!?.])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def pick_utterance(templates: tuple[str, ...], last_used: dict[str, str], action: str,
                   name: str, rng: np.random.Generator) -> str:
    """A random template of the action, not the one used last time when there is a choice."""
    if not templates:
        return ""
    options = [t for t in templates if t != last_used.get(action)] or list(templates)
    template = options[int(rng.integers(len(options)))]
    last_used[action] = template
    return render_utterance(template, name)


def output_messages(repertoire: Repertoire, action: Action, utterance: str
                    ) -> tuple[OutputMessage, ...]:
    """The extra outputs configured in the repertoire that have something to say."""
    content = {"utterance": utterance, "expression": action.expression,
               "gesture": action.gesture, "action": action.name}
    return tuple(OutputMessage(channel.name, channel.topic, channel.msg_type,
                               content[channel.source])
                 for channel in repertoire.outputs if channel.enabled and content[channel.source])


def explain(action: str, state: EncodedState, value: float, experience: float,
            from_planning: bool, probability: float) -> str:
    """One line a person can read: what was seen, why this action."""
    if experience <= 0:
        why = "trying it: no experience yet in this situation"
    elif value > 0:
        why = f"it helped before (value {value:+.2f} from {experience:.0f} tries)"
    else:
        why = f"best remaining option (value {value:+.2f} from {experience:.0f} tries)"
    if from_planning:
        why += ", value refined while dreaming"
    return f"{action}: {state.describe()}; {why}; p={probability:.2f}"
