"""Block trees rendered to markdown-like text, block by block type, and flattened into rows.

Blocks are built by the sample generator's BlockBuilder, whose shapes are checked against Notion's
recorded answers (tests/sample/test_notion_kb.py); the rarer types are written out by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from random import Random
from typing import Any

from brainops.sample.notion_blocks import Blk, BlockBuilder, rich_text
from pipelines.notion.blocks import BlockNode, block_rows, count_blocks
from pipelines.notion.render import block_text, render_blocks

AT = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)


def build(specs: list[Blk]) -> list[BlockNode]:
    builder = BlockBuilder(Random(1), created=AT, edited=AT, author="u1", editor="u2")
    blocks = builder.build_all(specs, {"type": "page_id", "page_id": "page-1"})

    def node(block: dict[str, Any]) -> BlockNode:
        bare = {k: v for k, v in block.items() if k != "_children"}  # what the API returns
        return BlockNode(bare, [node(c) for c in block.get("_children", [])])

    return [node(b) for b in blocks]


def render(*specs: Blk) -> str:
    return render_blocks(build(list(specs)))


def test_headings_are_kept_with_their_levels() -> None:
    assert render(Blk("h1", "Shingle SOP"), Blk("h2", "Crew"), Blk("h3", "Steps")) == (
        "# Shingle SOP\n\n## Crew\n\n### Steps"
    )


def test_a_toggleable_heading_shows_its_children_below_it() -> None:
    assert render(Blk("h2", "Crew checklist", children=[Blk("p", "Hidden until expanded.")])) == (
        "## Crew checklist\nHidden until expanded."
    )


def test_paragraphs_are_separated_and_inline_markup_is_plain_text() -> None:
    assert render(Blk("p", "Use **1-1/4 in** ring shank nails, `6` per shingle."), Blk("p", "Then inspect.")) == (
        "Use 1-1/4 in ring shank nails, 6 per shingle.\n\nThen inspect."
    )


def test_nested_bulleted_lists_indent_by_level() -> None:
    tree = Blk("ul", "Nails", children=[Blk("ul", "six in high-wind zones", children=[Blk("ul", "four elsewhere")])])
    assert render(tree, Blk("ul", "Starter strip")) == (
        "- Nails\n  - six in high-wind zones\n    - four elsewhere\n- Starter strip"
    )


def test_numbered_lists_count_runs_and_restart_after_other_blocks() -> None:
    text = render(
        Blk("ol", "Strip to the deck", children=[Blk("ul", "Check for soft spots")]),
        Blk("ol", "Ice and water shield"),
        Blk("ol", "Drip edge"),
        Blk("p", "Then:"),
        Blk("ol", "Starter strip"),
    )
    assert text == (
        "1. Strip to the deck\n   - Check for soft spots\n2. Ice and water shield\n3. Drip edge\n\n"
        "Then:\n\n1. Starter strip"
    )


def test_to_dos_show_their_state() -> None:
    assert render(Blk("todo", "Harnesses inspected", meta={"checked": True}), Blk("todo", "Dumpster ordered")) == (
        "- [x] Harnesses inspected\n- [ ] Dumpster ordered"
    )


def test_toggles_show_their_hidden_children() -> None:
    assert render(Blk("toggle", "Why six nails?", children=[Blk("p", "Wind warranty needs it.")])) == (
        "▸ Why six nails?\n  Wind warranty needs it."
    )


def test_callouts_and_quotes_are_quoted_with_their_children() -> None:
    assert render(Blk("callout", "Never shingle over wet felt.", meta={"emoji": "⚠️"})) == (
        "> ⚠️ Never shingle over wet felt."
    )
    assert render(Blk("quote", "Measure twice, cut once.", children=[Blk("p", "— every foreman")])) == (
        "> Measure twice, cut once.\n> — every foreman"
    )


def test_code_is_fenced_with_its_language() -> None:
    assert render(Blk("code", "SELECT 1;\nSELECT 2;", meta={"language": "sql"})) == "```sql\nSELECT 1;\nSELECT 2;\n```"
    assert render(Blk("code", "plain words")) == "```\nplain words\n```"


def test_tables_render_rows_with_a_header_rule_and_escaped_pipes() -> None:
    table = Blk("table", meta={"rows": [["Pitch", "Adder"], ["7/12", "$35"], ["a|b", "x"]]})
    assert render(table, Blk("divider")) == "| Pitch | Adder |\n| --- | --- |\n| 7/12 | $35 |\n| a\\|b | x |\n\n---"
    headless = Blk("table", meta={"rows": [["a", "b"]], "header": False})
    assert render(headless) == "| a | b |"


def test_child_pages_are_links_not_inlined() -> None:
    nodes = build([Blk("child_page", "Storm response")])
    page_id = nodes[0].block["id"]
    assert render_blocks(nodes) == f"[Storm response](https://www.notion.so/{page_id.replace('-', '')})"


def hand_made(kind: str, payload: dict[str, Any], children: list[BlockNode] | None = None) -> BlockNode:
    block = {"object": "block", "id": f"{kind}-1", "type": kind, kind: payload, "has_children": bool(children)}
    return BlockNode(block, children or [])


def test_rarer_block_types() -> None:
    nodes = [
        hand_made("bookmark", {"url": "https://gaf.com/warranty", "caption": rich_text("GAF warranty")}),
        hand_made("image", {"type": "external", "external": {"url": "https://x.test/roof.png"}, "caption": []}),
        hand_made("equation", {"expression": "A = l \\times w"}),
        hand_made(
            "column_list", {}, [hand_made("column", {}, [hand_made("paragraph", {"rich_text": rich_text("left")})])]
        ),
        hand_made("link_to_page", {"type": "page_id", "page_id": "1234abcd-0000-0000-0000-000000000000"}),
        hand_made("table_of_contents", {"color": "default"}),
        hand_made("mystery_type", {"rich_text": rich_text("future block")}),
    ]
    assert render_blocks(nodes).split("\n\n") == [
        "[GAF warranty](https://gaf.com/warranty)",
        "[image](https://x.test/roof.png)",
        "$$ A = l \\times w $$",
        "left",
        "[→ linked page](https://www.notion.so/1234abcd000000000000000000000000)",
        "future block",
    ]
    assert block_text(nodes[0].block) == "GAF warranty"
    assert block_text(nodes[5].block) == ""


def test_rows_keep_nesting_order_and_text() -> None:
    nodes = build(
        [
            Blk("h2", "Steps"),
            Blk("ul", "Nails", children=[Blk("ul", "six"), Blk("ul", "four")]),
            Blk("table", meta={"rows": [["Pitch", "Adder"], ["7/12", "$35"]]}),
        ]
    )
    rows = list(block_rows("page-1", nodes))
    assert count_blocks(nodes) == len(rows) == 7
    ids = [r[0] for r in rows]
    summary = [(r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
    assert summary == [
        (None, 0, 0, 0, "heading_2", "Steps", False),
        (None, 1, 1, 0, "bulleted_list_item", "Nails", True),
        (ids[1], 0, 2, 1, "bulleted_list_item", "six", False),
        (ids[1], 1, 3, 1, "bulleted_list_item", "four", False),
        (None, 2, 4, 0, "table", None, True),
        (ids[4], 0, 5, 1, "table_row", "Pitch | Adder", False),
        (ids[4], 1, 6, 1, "table_row", "7/12 | $35", False),
    ]
    assert all(r[1] == "page-1" for r in rows)
