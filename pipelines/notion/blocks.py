"""A page's content as a block tree, fetched recursively (`blocks.children.list` per block with children),
and flattened into raw.notion_blocks rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from pipelines.notion.render import block_text

# Their children are other pages or databases, synced as pages of their own: link, do not descend.
NO_DESCENT = {"child_page", "child_database"}

BLOCK_COLUMNS = [
    "block_id",
    "page_id",
    "parent_block_id",
    "position",
    "ordinal",
    "depth",
    "type",
    "text",
    "has_children",
    "last_edited_time",
    "block",
]


class ChildLister(Protocol):
    def block_children(self, block_id: str) -> Iterator[dict[str, Any]]: ...


@dataclass
class BlockNode:
    block: dict[str, Any]
    children: list[BlockNode] = field(default_factory=list)


def fetch_tree(client: ChildLister, parent_id: str) -> list[BlockNode]:
    """Every block under a page (or block), children nested, in page order."""
    nodes = []
    for block in client.block_children(parent_id):
        descend = block.get("has_children") and block.get("type") not in NO_DESCENT
        nodes.append(BlockNode(block, fetch_tree(client, block["id"]) if descend else []))
    return nodes


def count_blocks(nodes: list[BlockNode]) -> int:
    return sum(1 + count_blocks(node.children) for node in nodes)


def block_rows(page_id: str, nodes: list[BlockNode]) -> Iterator[tuple[Any, ...]]:
    """Rows in BLOCK_COLUMNS order, depth first (parents before children); `ordinal` is reading order."""
    ordinal = 0

    def walk(siblings: list[BlockNode], parent_block_id: str | None, depth: int) -> Iterator[tuple[Any, ...]]:
        nonlocal ordinal
        for position, node in enumerate(siblings):
            block = node.block
            yield (
                block["id"],
                page_id,
                parent_block_id,
                position,
                ordinal,
                depth,
                block.get("type", "unsupported"),
                block_text(block) or None,
                bool(block.get("has_children")),
                block.get("last_edited_time"),
                orjson.dumps(block).decode(),
            )
            ordinal += 1
            yield from walk(node.children, block["id"], depth + 1)

    yield from walk(nodes, None, 0)
