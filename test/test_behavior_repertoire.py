# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The repertoire schema: the shipped default loads, malformed YAML names line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from hri_emo_ros.behavior.agent import BehaviorAgent
from hri_emo_ros.behavior.errors import RepertoireError
from hri_emo_ros.behavior.repertoire import load_repertoire, parse_repertoire

DEFAULT = Path(__file__).resolve().parents[1] / "config" / "behaviors.yaml"

MINIMAL = """\
version: 1
idle_action: idle
actions:
  - name: greet
    utterances: ["Hello {name}!"]
    cooldown_s: 60
  - name: idle
"""


def test_default_repertoire_has_a_sensible_social_set():
    repertoire = load_repertoire(DEFAULT)
    for name in ("greet", "mirror_positive", "empathise", "encourage", "calm_down",
                 "ask_open_question", "give_space", "idle"):
        assert name in repertoire.names
    assert repertoire.idle_action == "idle"
    assert not repertoire.action("idle").is_expressive
    assert repertoire.action("greet").max_per_session == 1
    assert "unpleasant_active" not in repertoire.action("mirror_positive").preconditions.quadrants
    assert {c.source for c in repertoire.outputs} == {"utterance", "expression"}


def _error(text: str) -> RepertoireError:
    with pytest.raises(RepertoireError) as info:
        parse_repertoire(text)
    return info.value


@pytest.mark.parametrize("old, new, line, field, reason", [
    ("    cooldown_s: 60", "    cooldown_s: soon", 6, "actions[0].cooldown_s", "bad_value"),
    ("    cooldown_s: 60", "    cooldown: 60", 6, "actions[0].cooldown", "unknown_field"),
    ("  - name: idle", "  - name: Idle Action", 7, "actions[1].name", "bad_value"),
    ("  - name: idle", "  - name: greet", 7, "actions[1].name", "duplicate_action"),
    ("idle_action: idle", "idle_action: nap", 2, "idle_action", "unknown_action"),
    ('["Hello {name}!"]', '["Hello {user}!"]', 5, "actions[0].utterances[0]", "bad_value"),
    ("    cooldown_s: 60", "    cooldown_s: 60\n    cooldown_s: 5", 7, "actions[0].cooldown_s",
     "duplicate_key"),
    ("    cooldown_s: 60", "    cooldown_s: 60\n    intensity: 3", 7, "actions[0].intensity",
     "bad_value"),
    ("    cooldown_s: 60", "    cooldown_s: 60\n    preconditions: {quadrants: [sad]}", 7,
     "actions[0].preconditions.quadrants[0]", "bad_value"),
])
def test_malformed_field_is_named_with_its_line(old, new, line, field, reason):
    error = _error(MINIMAL.replace(old, new))
    assert (error.line, error.field, error.reason) == (line, field, reason)
    assert f":{line}:" in str(error) and field in str(error)


def test_unknown_field_suggests_the_right_name():
    error = _error(MINIMAL.replace("cooldown_s: 60", "cooldown: 60"))
    assert "did you mean 'cooldown_s'" in str(error)


def test_safety_section_is_validated():
    text = MINIMAL + "safety:\n  never_do: [hug]\n"
    error = _error(text)
    assert (error.line, error.field, error.reason) == (9, "safety.never_do[0]", "unknown_action")
    error = _error(MINIMAL + "safety:\n  never_do: [idle]\n")
    assert "cannot be forbidden" in str(error)
    error = _error(MINIMAL + "safety:\n  rate_limit: {max_actions: 0}\n")
    assert error.field == "safety.rate_limit.max_actions"


def test_outputs_are_validated():
    text = MINIMAL + "outputs:\n  tts:\n    topic: /say\n    type: std_msgs/Int32\n" \
                     "    source: utterance\n"
    error = _error(text)
    assert (error.line, error.field) == (11, "outputs.tts.type")
    assert "std_msgs/String" in str(error)


def test_yaml_syntax_error_names_its_line():
    error = _error(MINIMAL.replace("    cooldown_s: 60", "    cooldown_s: [60"))
    assert error.reason == "yaml_syntax" and error.line >= 6


def test_empty_and_non_mapping_documents_are_rejected():
    assert _error("").reason == "empty"
    assert _error("- just\n- a list\n").reason == "wrong_type"
    assert _error("version: 1\nactions: []\n").field == "actions"


def test_set_repertoire_service_reports_failure_and_success():
    agent = BehaviorAgent(parse_repertoire(MINIMAL))
    ok, message = agent.set_repertoire_from_yaml(MINIMAL.replace("cooldown_s: 60",
                                                                 "cooldown_s: -1"))
    assert not ok and ":6:" in message and "actions[0].cooldown_s" in message
    assert agent.repertoire.action("greet").cooldown_s == 60
    ok, message = agent.set_repertoire_from_yaml(DEFAULT.read_text())
    assert ok and "8 actions" in message
    assert "empathise" in agent.repertoire.names
