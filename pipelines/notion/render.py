"""Notion blocks as markdown-like text: headings kept (`#`, `##`, `###`), bullets, numbered lists,
to-dos (`[ ]`/`[x]`), toggles, quotes and callouts (`>`), code fences, table rows (`| a | b |`), child
pages as links, nesting as indentation.

Inline annotations (bold, italic, code spans) are rendered as plain text on purpose: search and chat
quote the text verbatim, and markup inside a sentence would split the phrases people look for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipelines.notion.blocks import BlockNode

INDENT = "  "
LIST_TYPES = {"bulleted_list_item", "numbered_list_item", "to_do"}
HEADINGS = {"heading_1": "#", "heading_2": "##", "heading_3": "###"}
MEDIA_TYPES = {"image", "video", "file", "pdf", "audio"}
LINK_TYPES = {"bookmark", "embed", "link_preview"}
TRANSPARENT_TYPES = {"column_list", "column", "synced_block", "template"}  # only their children show


def plain(items: list[dict[str, Any]] | None) -> str:
    return "".join(item.get("plain_text", "") for item in items or [])


def notion_url(object_id: str) -> str:
    return f"https://www.notion.so/{object_id.replace('-', '')}"


def block_text(block: dict[str, Any]) -> str:
    """The visible text of one block, without its children."""
    kind = block.get("type", "")
    payload = block.get(kind) or {}
    if "rich_text" in payload:
        return plain(payload["rich_text"])
    if kind == "table_row":
        return " | ".join(plain(cell) for cell in payload.get("cells", []))
    if kind in ("child_page", "child_database"):
        return payload.get("title", "")
    if kind in LINK_TYPES:
        return plain(payload.get("caption")) or payload.get("url", "")
    if kind in MEDIA_TYPES:
        source = payload.get(payload.get("type", ""), {}) or {}
        return plain(payload.get("caption")) or payload.get("name") or source.get("url", "")
    if kind == "equation":
        return payload.get("expression", "")
    return ""


def render_blocks(nodes: list[BlockNode]) -> str:
    """A page's block tree as text: blocks separated by a blank line, list items kept together."""
    return "\n".join(_render_siblings(nodes, "", top=True)).strip("\n")


def _render_siblings(nodes: list[BlockNode], indent: str, *, top: bool = False) -> list[str]:
    lines: list[str] = []
    number = 0
    previous = None
    for node in nodes:
        kind = node.block.get("type")
        # Notion numbers a run of numbered items and starts again after anything else.
        number = number + 1 if kind == "numbered_list_item" else 0
        own = _render_one(node, indent, number)
        if top and lines and own and not (kind in LIST_TYPES and previous in LIST_TYPES):
            lines.append("")
        lines.extend(own)
        previous = kind
    return lines


def _prefixed(text: str, first: str, rest: str) -> list[str]:
    lines = text.split("\n") if text else []
    return [(first if i == 0 else rest) + line for i, line in enumerate(lines)]


def _render_one(node: BlockNode, indent: str, number: int) -> list[str]:
    block, children = node.block, node.children
    kind = block.get("type", "")
    payload = block.get(kind) or {}
    text = block_text(block)
    nested = indent + INDENT

    if kind in HEADINGS:
        # A toggleable heading's children follow it at the same level.
        return _prefixed(text, f"{indent}{HEADINGS[kind]} ", indent) + _render_siblings(children, indent)
    if kind in LIST_TYPES or kind == "toggle":
        if kind == "numbered_list_item":
            marker = f"{number}. "
        elif kind == "to_do":
            marker = "- [x] " if payload.get("checked") else "- [ ] "
        elif kind == "toggle":
            marker = "▸ "
        else:
            marker = "- "
        head = _prefixed(text, indent + marker, indent + " " * len(marker)) or [indent + marker.rstrip()]
        # Markdown nests under "1. " at three spaces; under bullets, to-dos and toggles at two.
        under = indent + " " * len(marker) if kind == "numbered_list_item" else nested
        return head + _render_siblings(children, under)
    if kind in ("quote", "callout"):
        icon = payload.get("icon") or {}
        lead = f"{icon['emoji']} " if kind == "callout" and icon.get("type") == "emoji" else ""
        inner = _prefixed(lead + text, "", "") + _render_siblings(children, "")
        return [f"{indent}> {line}".rstrip() for line in inner]
    if kind == "code":
        language = payload.get("language", "")
        fence = f"{indent}```{'' if language == 'plain text' else language}"
        return [fence, *_prefixed(text, indent, indent), f"{indent}```"]
    if kind == "divider":
        return [f"{indent}---"]
    if kind == "table":
        row_blocks = [child.block for child in children if child.block.get("type") == "table_row"]
        rows = [_table_row(row) for row in row_blocks]
        if rows and payload.get("has_column_header"):
            width = payload.get("table_width") or len(row_blocks[0]["table_row"].get("cells", []))
            rows.insert(1, "| " + " | ".join(["---"] * width) + " |")
        return [indent + row for row in rows]
    if kind == "table_row":
        return [indent + _table_row(block)]
    if kind in ("child_page", "child_database"):
        return [f"{indent}[{text or 'Untitled'}]({notion_url(block['id'])})"]
    if kind == "link_to_page":
        target = payload.get(payload.get("type", ""), "")
        return [f"{indent}[→ linked page]({notion_url(target)})"] if isinstance(target, str) and target else []
    if kind in LINK_TYPES or kind in MEDIA_TYPES:
        source = payload.get("url") or (payload.get(payload.get("type", ""), {}) or {}).get("url", "")
        label = plain(payload.get("caption")) or payload.get("name") or kind
        return [f"{indent}[{label}]({source})"] if source else []
    if kind == "equation":
        return [f"{indent}$$ {text} $$"] if text else []
    if kind in TRANSPARENT_TYPES:
        return _render_siblings(children, indent)
    # paragraph, and any type we do not know yet: its text, its children indented below.
    return _prefixed(text, indent, indent) + _render_siblings(children, nested)


def _table_row(block: dict[str, Any]) -> str:
    cells = [plain(cell).replace("|", "\\|").replace("\n", " ") for cell in block.get("table_row", {}).get("cells", [])]
    return "| " + " | ".join(cells) + " |"
