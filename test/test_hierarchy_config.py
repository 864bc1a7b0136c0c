# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The hierarchy's configuration loads from plain (YAML) dicts and refuses bad values."""

from __future__ import annotations

import pytest
import yaml

from hri_emo_ros.hierarchy import ConfigError, HierarchyConfig, PretrainConfig

YAML = """
filter:
  micro_time_constant_s: 0.1
  state_diffusion_per_s: 1.0e-4
learning:
  enabled: false
  learn_every: 64
persistence:
  directory: /tmp/somewhere
  retention_days: 7
max_persons: 8
"""


def test_yaml_overrides_only_the_named_fields_and_round_trips():
    config = HierarchyConfig.from_dict(yaml.safe_load(YAML))
    assert config.filter.micro_time_constant_s == 0.1
    assert config.filter.state_reversion_s == HierarchyConfig().filter.state_reversion_s
    assert config.learning.enabled is False and config.learning.learn_every == 64
    assert config.persistence.directory == "/tmp/somewhere" and config.max_persons == 8
    assert HierarchyConfig.from_dict(config.to_dict()) == config
    assert HierarchyConfig.from_dict(None) == HierarchyConfig()


@pytest.mark.parametrize("data, reason, key", [
    ({"filter": {"micro_time_constant": 0.1}}, "unknown_key", "filter.micro_time_constant"),
    ({"learning": {"enabled": "yes"}}, "wrong_type", "learning.enabled"),
    ({"learning": {"learn_every": 2.5}}, "wrong_type", "learning.learn_every"),
    ({"filter": {"micro_time_constant_s": -1}}, "bad_value", "filter.micro_time_constant_s"),
    ({"filter": {"state_reversion_s": float("nan")}}, "bad_value", "filter.state_reversion_s"),
    ({"learning": {"learning_rate": 1.0}}, "bad_value", "learning.learning_rate"),
    ({"events": {"micro_release_sigma": 5.0}}, "bad_value", "events.micro_release_sigma"),
    ({"stamps": []}, "wrong_type", "stamps"),
])
def test_bad_configuration_names_the_key(data, reason, key):
    with pytest.raises(ConfigError) as caught:
        HierarchyConfig.from_dict(data)
    assert caught.value.reason == reason
    assert key in str(caught.value)


def test_pretrain_config_nests_the_hierarchy_config():
    config = PretrainConfig.from_dict({"epochs": 2, "hierarchy": {"max_persons": 3}})
    assert config.epochs == 2 and config.hierarchy.max_persons == 3
    with pytest.raises(ConfigError):
        PretrainConfig.from_dict({"learning_rate": 0.1})
