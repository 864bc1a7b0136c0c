# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The behaviour repertoire (config/behaviors.yaml): schema, validation, loading.

Every error names the source, the 1-based line and the field path, e.g.
"behaviors.yaml:41: field 'actions[3].cooldown_s': expected a number >= 0, got 'soon'".
"""

from __future__ import annotations

import difflib
import re
import string
from dataclasses import dataclass, field
from pathlib import Path

from hri_emo_ros.behavior.state_encoding import QUADRANTS, TRENDS
from hri_emo_ros.behavior.yaml_lines import LocatedYaml

TEMPLATE_FIELDS = ("name",)
OUTPUT_SOURCES = ("utterance", "expression", "gesture", "action")
OUTPUT_TYPES = ("std_msgs/String",)
_ACTION_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Preconditions:
    """When an action may be chosen; empty tuples mean "any"."""

    quadrants: tuple[str, ...] = ()
    trends: tuple[str, ...] = ()
    min_engagement: float = 0.0
    max_engagement: float = 1.0
    requires_recent_event: bool = False


@dataclass(frozen=True)
class Action:
    name: str
    description: str = ""
    utterances: tuple[str, ...] = ()
    gesture: str = ""
    expression: str = ""
    intensity: float = 0.5
    cooldown_s: float = 0.0
    max_per_session: int | None = None
    preconditions: Preconditions = field(default_factory=Preconditions)

    @property
    def is_expressive(self) -> bool:
        """True when the robot visibly or audibly does something (counts for the rate limit)."""
        return bool(self.utterances or self.gesture or self.expression)


@dataclass(frozen=True)
class OutputChannel:
    """An extra std_msgs/String output a robot already understands (TTS, face, gestures)."""

    name: str
    topic: str
    source: str
    msg_type: str = "std_msgs/String"
    enabled: bool = True


@dataclass(frozen=True)
class Repertoire:
    actions: tuple[Action, ...]
    idle_action: str
    max_actions_per_window: int = 6
    rate_window_s: float = 60.0
    never_do: tuple[str, ...] = ()
    session_gap_s: float = 600.0
    outputs: tuple[OutputChannel, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(action.name for action in self.actions)

    def action(self, name: str) -> Action:
        return self.actions[self.names.index(name)]

    def summary(self) -> str:
        return (f"{len(self.actions)} actions ({', '.join(self.names)}); idle '{self.idle_action}'"
                f"; at most {self.max_actions_per_window} per {self.rate_window_s:g} s"
                f"; never do: {', '.join(self.never_do) or 'none'}")


class _Reader:
    """Typed access to the located YAML data; every failure names line and field."""

    def __init__(self, doc: LocatedYaml) -> None:
        self.doc = doc

    def mapping(self, value: object, path: tuple, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            self.doc.fail(path, "wrong_type", f"expected a mapping, got {_kind(value)}")
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.doc.fail(path + (key,), "unknown_field",
                              f"unknown field '{key}'{extra}; allowed: {', '.join(allowed)}")
        return value

    def text(self, data: dict, key: str, path: tuple, default: str | None = None) -> str:
        if key not in data:
            if default is None:
                self.doc.fail(path + (key,), "missing_field", f"required field '{key}' missing")
            return default
        value = data[key]
        if not isinstance(value, str):
            self.doc.fail(path + (key,), "wrong_type", f"expected a string, got {_kind(value)}")
        return value

    def number(self, data: dict, key: str, path: tuple, default: float, low: float,
               high: float = float("inf")) -> float:
        value = data.get(key, default)
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not low <= value <= high:
            bound = f"in [{low:g}, {high:g}]" if high != float("inf") else f">= {low:g}"
            self.doc.fail(path + (key,), "bad_value", f"expected a number {bound}, got {value!r}")
        return float(value)

    def flag(self, data: dict, key: str, path: tuple, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.doc.fail(path + (key,), "wrong_type", f"expected true or false, got {value!r}")
        return value

    def text_list(self, data: dict, key: str, path: tuple,
                  choices: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.doc.fail(path + (key,), "wrong_type", f"expected a list, got {_kind(value)}")
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item:
                self.doc.fail(path + (key, index), "wrong_type",
                              f"expected a non-empty string, got {item!r}")
            if choices is not None and item not in choices:
                self.doc.fail(path + (key, index), "bad_value",
                              f"'{item}' is not one of {', '.join(choices)}")
        return tuple(value)


def _kind(value: object) -> str:
    return "nothing" if value is None else type(value).__name__


def _check_template(reader: _Reader, template: str, path: tuple) -> None:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        reader.doc.fail(path, "bad_value", f"malformed template {template!r}: {exc}")
    for name in fields:
        if name not in TEMPLATE_FIELDS:
            reader.doc.fail(path, "bad_value", f"unknown placeholder '{{{name}}}'; "
                            f"allowed: {', '.join('{' + f + '}' for f in TEMPLATE_FIELDS)}")


def _read_preconditions(reader: _Reader, value: object, path: tuple) -> Preconditions:
    data = reader.mapping(value, path, ("quadrants", "trends", "min_engagement",
                                        "max_engagement", "requires_recent_event"))
    low = reader.number(data, "min_engagement", path, 0.0, 0.0, 1.0)
    high = reader.number(data, "max_engagement", path, 1.0, 0.0, 1.0)
    if low > high:
        reader.doc.fail(path + ("min_engagement",), "bad_value",
                        f"min_engagement {low:g} is above max_engagement {high:g}")
    return Preconditions(reader.text_list(data, "quadrants", path, QUADRANTS),
                         reader.text_list(data, "trends", path, TRENDS), low, high,
                         reader.flag(data, "requires_recent_event", path, False))


def _read_action(reader: _Reader, value: object, path: tuple) -> Action:
    data = reader.mapping(value, path, ("name", "description", "utterances", "gesture",
                                        "expression", "intensity", "cooldown_s",
                                        "max_per_session", "preconditions"))
    name = reader.text(data, "name", path)
    if not _ACTION_NAME.match(name):
        reader.doc.fail(path + ("name",), "bad_value",
                        f"action name {name!r} must be lower_snake_case (a-z, 0-9, _)")
    utterances = reader.text_list(data, "utterances", path)
    for index, template in enumerate(utterances):
        _check_template(reader, template, path + ("utterances", index))
    max_uses = data.get("max_per_session")
    if max_uses is not None and (not isinstance(max_uses, int) or isinstance(max_uses, bool)
                                 or max_uses < 1):
        reader.doc.fail(path + ("max_per_session",), "bad_value",
                        f"expected an integer >= 1 or nothing, got {max_uses!r}")
    return Action(
        name=name, description=reader.text(data, "description", path, ""),
        utterances=utterances, gesture=reader.text(data, "gesture", path, ""),
        expression=reader.text(data, "expression", path, ""),
        intensity=reader.number(data, "intensity", path, 0.5, 0.0, 1.0),
        cooldown_s=reader.number(data, "cooldown_s", path, 0.0, 0.0),
        max_per_session=max_uses,
        preconditions=_read_preconditions(reader, data.get("preconditions", {}),
                                          path + ("preconditions",)))


def _read_outputs(reader: _Reader, value: object) -> tuple[OutputChannel, ...]:
    if not isinstance(value, dict):
        reader.doc.fail(("outputs",), "wrong_type", f"expected a mapping, got {_kind(value)}")
    channels = []
    for name, spec in value.items():
        path = ("outputs", name)
        data = reader.mapping(spec, path, ("topic", "type", "source", "enabled"))
        topic = reader.text(data, "topic", path)
        if not topic or any(ch.isspace() for ch in topic):
            reader.doc.fail(path + ("topic",), "bad_value", f"invalid topic name {topic!r}")
        msg_type = reader.text(data, "type", path, "std_msgs/String")
        if msg_type not in OUTPUT_TYPES:
            reader.doc.fail(path + ("type",), "bad_value",
                            f"unsupported type '{msg_type}'; supported: {', '.join(OUTPUT_TYPES)}")
        source = reader.text(data, "source", path)
        if source not in OUTPUT_SOURCES:
            reader.doc.fail(path + ("source",), "bad_value",
                            f"'{source}' is not one of {', '.join(OUTPUT_SOURCES)}")
        channels.append(OutputChannel(str(name), topic, source, msg_type,
                                      reader.flag(data, "enabled", path, True)))
    return tuple(channels)


def parse_repertoire(text: str, source: str = "behaviors.yaml") -> Repertoire:
    """Validate YAML text and build a Repertoire; raise RepertoireError naming line and field."""
    doc = LocatedYaml(text, source)
    reader = _Reader(doc)
    if doc.data is None:
        doc.fail((), "empty", "the repertoire is empty")
    top = reader.mapping(doc.data, (), ("version", "idle_action", "session_gap_s", "safety",
                                        "outputs", "actions"))
    if top.get("version", 1) != 1:
        doc.fail(("version",), "bad_value", f"unsupported version {top['version']!r}; expected 1")
    raw_actions = top.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        doc.fail(("actions",), "missing_field" if raw_actions is None else "wrong_type",
                 "expected a non-empty list of actions")
    actions = [_read_action(reader, item, ("actions", i)) for i, item in enumerate(raw_actions)]
    names = [action.name for action in actions]
    for index, name in enumerate(names):
        if name in names[:index]:
            doc.fail(("actions", index, "name"), "duplicate_action", f"action '{name}' repeated")
    idle = reader.text(top, "idle_action", (), "idle")
    if idle not in names:
        doc.fail(("idle_action",), "unknown_action", f"idle action '{idle}' is not in actions")
    safety = reader.mapping(top.get("safety", {}), ("safety",), ("rate_limit", "never_do"))
    rate = reader.mapping(safety.get("rate_limit", {}), ("safety", "rate_limit"),
                          ("max_actions", "window_s"))
    max_actions = rate.get("max_actions", 6)
    if not isinstance(max_actions, int) or isinstance(max_actions, bool) or max_actions < 1:
        doc.fail(("safety", "rate_limit", "max_actions"), "bad_value",
                 f"expected an integer >= 1, got {max_actions!r}")
    window = reader.number(rate, "window_s", ("safety", "rate_limit"), 60.0, 1e-3)
    never = reader.text_list(safety, "never_do", ("safety",))
    for index, name in enumerate(never):
        if name not in names:
            doc.fail(("safety", "never_do", index), "unknown_action",
                     f"'{name}' is not an action of this repertoire")
        if name == idle:
            doc.fail(("safety", "never_do", index), "bad_value",
                     f"the idle action '{idle}' is the safe fallback and cannot be forbidden")
    return Repertoire(
        actions=tuple(actions), idle_action=idle, max_actions_per_window=max_actions,
        rate_window_s=window, never_do=never,
        session_gap_s=reader.number(top, "session_gap_s", (), 600.0, 0.0),
        outputs=_read_outputs(reader, top.get("outputs", {})))


def load_repertoire(path: str | Path) -> Repertoire:
    """Read and validate a repertoire file (errors name the file, line and field)."""
    path = Path(path)
    return parse_repertoire(path.read_text(encoding="utf-8"), source=path.name)
