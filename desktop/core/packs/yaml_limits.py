"""YAML loading with a bound on what aliases expand to ("billion laughs").

The document is first composed into its node graph, where an alias is a second
reference to the same node and costs nothing. Its size with every alias expanded
is counted (each distinct node once, memoised) before any value is built, so a
467-byte file that would expand to billions of nodes is refused in milliseconds.
"""

from __future__ import annotations

from typing import Any

import yaml

# At most this many values once every alias is expanded (the largest built-in pack has about 250).
MAX_EXPANDED_NODES = 50_000
# At most this many characters of scalar text once every alias is expanded.
MAX_EXPANDED_CHARS = 5_000_000


class YamlTooLarge(Exception):
    """The document expands beyond the limits; ``line`` is 1-based."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def expanded_size(root: yaml.Node) -> tuple[int, int]:
    """(nodes, scalar characters) of ``root`` with every alias expanded.

    Raises ``YamlTooLarge`` as soon as a limit is passed, or for an alias that
    contains itself.
    """
    sizes: dict[int, tuple[int, int]] = {}
    in_progress: set[int] = set()
    # Iterative post-order walk: deep nesting cannot exhaust the Python stack.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes and not children_done:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = (1, len(node.value))
            continue
        children = _children(node)
        if not children_done:
            if key in in_progress:
                raise YamlTooLarge(node.start_mark.line + 1, "an alias refers to the node that contains it")
            in_progress.add(key)
            stack.append((node, True))
            for child in children:
                if id(child) in in_progress:
                    raise YamlTooLarge(child.start_mark.line + 1, "an alias refers to the node that contains it")
                if id(child) not in sizes:
                    stack.append((child, False))
            continue
        in_progress.discard(key)
        nodes, chars = 1, 0
        for child in children:
            child_nodes, child_chars = sizes[id(child)]
            nodes += child_nodes
            chars += child_chars
        if nodes > MAX_EXPANDED_NODES or chars > MAX_EXPANDED_CHARS:
            raise YamlTooLarge(
                node.start_mark.line + 1,
                f"the YAML expands to too much (over {MAX_EXPANDED_NODES:,} values or "
                f"{MAX_EXPANDED_CHARS // 1_000_000} million characters once aliases are expanded): "
                "remove the '*' aliases",
            )
        sizes[key] = (nodes, chars)
    return sizes[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return list(node.value)


def load_bounded(text: str, loader_class: type) -> Any:
    """``yaml.load(text, Loader=loader_class)`` for one document, refusing documents
    whose expanded size passes the limits (``YamlTooLarge``) before building values."""
    # First a streaming pass over the parser's events: a file of too many distinct
    # nodes is refused before its node graph is held in memory. Every value takes at
    # least one character of the text (an empty one, as in "?" or "-", its indicator),
    # so a text this short cannot hold that many and the pass is left out: its node
    # graph is small, and the size check below still counts it.
    if len(text) > MAX_EXPANDED_NODES // 2:
        values = 0
        for event in yaml.parse(text, Loader=loader_class):
            values += isinstance(event, yaml.NodeEvent)
            if values > MAX_EXPANDED_NODES:
                line = (event.start_mark.line if event.start_mark else 0) + 1
                raise YamlTooLarge(line, f"the YAML has too many values (over {MAX_EXPANDED_NODES:,})")
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()
