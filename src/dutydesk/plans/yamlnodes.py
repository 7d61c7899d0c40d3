"""Read YAML into plain Python while remembering the line of every key and item.

Uses libyaml (``CSafeLoader``) when PyYAML was built with it. One pass over the
composed node tree builds the values, so we never construct a document twice.
Hostile files are bounded: size, node count and nesting depth.
"""

from __future__ import annotations

from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40

Path_ = tuple[Any, ...]

_BOOL_TRUE = {"yes", "true", "on", "y"}
_NULLS = {"", "~", "null"}


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(message)


class _Walker:
    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}
        self.nodes = 0

    def value(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlProblem(node.start_mark.line + 1, "file has too many values to be a plan")
        if depth > MAX_DEPTH:
            raise YamlProblem(node.start_mark.line + 1, "values are nested too deeply")
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlProblem(key_node.start_mark.line + 1, "a key must be a plain word")
                key = key_node.value if key_node.tag.endswith(":str") else self.scalar(key_node)
                line = key_node.start_mark.line + 1
                if key in result:
                    first = self.lines.get(path + (key,), line)
                    raise YamlProblem(line, f"duplicate key '{key}' (first on line {first})")
                self.lines[path + (key,)] = line
                result[key] = self.value(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = item.start_mark.line + 1
                items.append(self.value(item, path + (index,), depth + 1))
            return items
        return self.scalar(node)

    @staticmethod
    def scalar(node: yaml.Node) -> Any:
        tag, text = node.tag, node.value
        if tag.endswith(":str"):
            return text
        if tag.endswith(":null"):
            return None if text.lower() in _NULLS else text
        if tag.endswith(":bool"):
            return text.lower() in _BOOL_TRUE
        if tag.endswith(":int"):
            try:
                return int(text.replace("_", ""), 0)
            except ValueError:
                return text
        if tag.endswith(":float"):
            try:
                return float(text.replace("_", ""))
            except ValueError:
                return text
        # timestamps, binary and custom tags: keep the text the author wrote
        return text


def load(text: str) -> tuple[Any, dict[Path_, int]]:
    """Parse one YAML document; return its value and a map of path -> line (1-based)."""
    if len(text) > MAX_BYTES:
        raise YamlProblem(1, f"file is larger than {MAX_BYTES // 1000} kB; a plan is much smaller")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        detail = exc.problem or exc.context or "cannot be read"
        raise YamlProblem(line, f"YAML syntax error: {detail}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        return None, {}
    walker = _Walker()
    walker.lines[()] = node.start_mark.line + 1
    return walker.value(node, (), 0), walker.lines


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path``, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)
