# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Parse YAML and remember on which line every field sits, for error messages."""

from __future__ import annotations

from typing import Any, NoReturn

import yaml

from hri_emo_ros.behavior.errors import RepertoireError

Path = tuple  # of str (mapping keys) and int (sequence indices)


def format_path(path: Path) -> str:
    """("actions", 2, "cooldown_s") -> "actions[2].cooldown_s"."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "<document>"


class LocatedYaml:
    """The loaded data plus a map from field path to 1-based line number."""

    def __init__(self, text: str, source: str) -> None:
        self.source = source
        self.lines: dict[Path, int] = {}
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data: Any = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else 0
            raise RepertoireError("yaml_syntax", f"{source}:{line}: field '<document>': "
                                  f"YAML syntax error: {exc.problem}", line,
                                  "<document>") from None
        except yaml.YAMLError as exc:
            raise RepertoireError("yaml_syntax", f"{source}: YAML error: {exc}", 0,
                                  "<document>") from None
        if root is not None:
            self._index(root, ())

    def _index(self, node: yaml.Node, path: Path) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                child = path + (key,)
                if key in seen:
                    self.lines[child] = key_node.start_mark.line + 1
                    self.fail(child, "duplicate_key", f"key '{key}' appears twice")
                seen.add(key)
                self.lines[child] = key_node.start_mark.line + 1
                self._index(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._index(item, path + (index,))

    def line_of(self, path: Path) -> int:
        """Line of the field, or of its nearest ancestor that exists in the document."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 0

    def fail(self, path: Path, reason: str, problem: str) -> NoReturn:
        """Raise a RepertoireError naming the source, line and field (never returns)."""
        line = self.line_of(path)
        field = format_path(path)
        raise RepertoireError(reason, f"{self.source}:{line}: field '{field}': {problem}",
                              line, field)
