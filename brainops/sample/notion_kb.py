"""The sample Notion knowledge base of a roofing contractor: pages (with their blocks) in three data
sources, as the Notion API (2025-09-03) returns them, plus search questions with known answers.

Outputs under out_dir:
- notion/pages.jsonl: one page object per line, with an extra `_blocks` key (the page's top-level
  blocks; a block with has_children carries `_children`, except child_page blocks, whose content is
  the page with the same id on its own line).
- notion/data_sources.jsonl: the data source objects (parent database, properties schema).
- truth/notion_questions.jsonl: {"question", "page_id", "answer_phrase"}; the phrase occurs verbatim
  in notion_blocks.page_text(page).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random
from typing import Any, TextIO

from brainops.sample.kb_content import BRANCHES, COMPANY, PageSpec
from brainops.sample.kb_field import FIELD_FAMILIES
from brainops.sample.kb_office import OFFICE_FAMILIES
from brainops.sample.notion_blocks import (
    Blk,
    BlockBuilder,
    new_id,
    notion_time,
    page_text,
    rich_text,
    user_ref,
)

FAMILIES = FIELD_FAMILIES + OFFICE_FAMILIES
DIVISIONS = ["North", "South", "East", "West", "Commercial Division", "Residential Division", "Storm Team",
             "Service Team", "Multifamily Team"]
SOURCES = {
    "sops": ("Standard Operating Procedures", "\U0001f6e0\ufe0f"),
    "policies": ("Company Policies", "\U0001f4dc"),
    "playbooks": ("Playbooks & Scripts", "\U0001f4d8"),
}
CATEGORY_ICONS = {
    "Installation": "\U0001f528", "Safety": "\U0001f9ba", "Materials": "\U0001f4e6", "Operations": "\u2705",
    "Onboarding": "\U0001f44b", "Warranty": "\U0001f6e1\ufe0f", "Pricing": "\U0001f4b2", "Permits": "\U0001f4cb",
    "Storm Response": "\u26c8\ufe0f", "Customer Service": "\u260e\ufe0f",
}
STATUSES = [("Published", "green"), ("Published", "green"), ("Published", "green"), ("In review", "yellow"),
            ("Draft", "gray")]
COLORS = ["gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red"]
PROPERTY_NAMES = ["Category", "Tags", "Owner", "Status", "Last reviewed", "Version"]


def dumps(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True)


def stable_id(*parts: str) -> str:
    """Option and property ids depend only on their names, so the schema can be written last."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-a{digest[17:20]}-{digest[20:32]}"


def property_id(name: str) -> str:
    """Notion property ids are short url-encoded strings such as `%3BdTq`."""
    alphabet = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "%3F", "%3A", "%3B", "%5E",
                "%60", "%7B", "%7D", "%40", "%5B", "%5D"]
    digest = hashlib.sha256(name.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:4])


def option(source: str, prop: str, name: str) -> dict[str, str]:
    color = COLORS[int(hashlib.sha256(name.encode()).hexdigest(), 16) % len(COLORS)]
    return {"id": stable_id(source, prop, name), "name": name, "color": color}


def slug(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")


class KnowledgeBase:
    """Streams pages to disk and remembers just enough to write the data source schemas at the end."""

    def __init__(self, *, seed: int, as_of: datetime) -> None:
        self.rng = Random(f"notion-{seed}")  # a stream of its own: no id can repeat another generator's
        self.as_of = as_of.replace(second=0, microsecond=0)
        self.users = [new_id(self.rng) for _ in range(7)]
        self.root_id = new_id(self.rng)
        self.databases = {key: (new_id(self.rng), new_id(self.rng)) for key in SOURCES}  # database, data source
        self.categories: dict[str, set[str]] = {key: set() for key in SOURCES}
        self.tags: dict[str, set[str]] = {key: set() for key in SOURCES}
        self.titles: set[str] = set()
        self.counts = {"notion/pages": 0, "notion/blocks": 0, "notion/data_sources": 0}

    # -- time and people -------------------------------------------------------------------------
    def _times(self, not_before: datetime | None = None) -> tuple[datetime, datetime]:
        created = self.as_of - timedelta(minutes=self.rng.randint(20 * 1440, 3 * 365 * 1440))
        if not_before and created < not_before:  # a sub-page is written after its parent
            created = not_before + (self.as_of - not_before) * self.rng.random() / 4
            created = created.replace(second=0, microsecond=0)
        edited = created + timedelta(minutes=self.rng.randint(0, int((self.as_of - created).total_seconds() // 60)))
        if self.rng.random() < 0.35:
            edited = created
        return created, edited

    # -- pages -----------------------------------------------------------------------------------
    def _page(self, *, title: str, parent: dict[str, str], properties: dict[str, Any], blocks: list[Blk],
              icon: str | None, archived: bool, page_id: str | None = None,
              not_before: datetime | None = None) -> tuple[dict[str, Any], BlockBuilder]:
        page_id = page_id or new_id(self.rng)
        created, edited = self._times(not_before)
        author, editor = self.rng.choice(self.users), self.rng.choice(self.users)
        builder = BlockBuilder(self.rng, created=created, edited=edited, author=author, editor=editor)
        built = builder.build_all(blocks, {"type": "page_id", "page_id": page_id})
        page = {
            "object": "page",
            "id": page_id,
            "created_time": notion_time(created),
            "last_edited_time": notion_time(edited),
            "created_by": user_ref(author),
            "last_edited_by": user_ref(editor if edited > created else author),
            "cover": None,
            "icon": {"type": "emoji", "emoji": icon} if icon else None,
            "parent": parent,
            "in_trash": archived,
            "is_archived": archived,
            "is_locked": False,
            "properties": properties,
            "url": f"https://www.notion.so/{slug(title)}-{page_id.replace('-', '')}",
            "public_url": None,
            "archived": archived,
            "_blocks": built,
        }
        return page, builder

    def _kb_properties(self, spec: PageSpec, created_hint: datetime) -> dict[str, Any]:
        source = spec.source
        self.categories[source].add(spec.category)
        self.tags[source].update(spec.tags)
        status, status_color = self.rng.choice(STATUSES)
        reviewed = (created_hint - timedelta(days=self.rng.randint(0, 400))).date().isoformat()
        return {
            "Name": {"id": "title", "type": "title", "title": rich_text(spec.title)},
            "Category": {"id": property_id("Category"), "type": "select",
                         "select": option(source, "Category", spec.category)},
            "Tags": {"id": property_id("Tags"), "type": "multi_select",
                     "multi_select": [option(source, "Tags", tag) for tag in spec.tags]},
            "Owner": {"id": property_id("Owner"), "type": "people", "people": [user_ref(self.rng.choice(self.users))]},
            "Status": {"id": property_id("Status"), "type": "status",
                       "status": {"id": stable_id(source, "Status", status), "name": status, "color": status_color}},
            "Last reviewed": {"id": property_id("Last reviewed"), "type": "date",
                              "date": {"start": reviewed, "end": None, "time_zone": None}},
            "Version": {"id": property_id("Version"), "type": "number", "number": self.rng.randint(1, 9)},
        }

    def _unique_spec(self) -> PageSpec:
        """A page whose title is new. Large scales run out of branch-level topics, so later pages belong to
        divisions of a branch ("Pueblo Storm Team"); only then does a title repeat, as "(rev. N)"."""
        for attempt in range(60):
            family = self.rng.choice(FAMILIES)
            branch = self.rng.choice(BRANCHES)
            if attempt >= 20:
                branch = f"{branch} {self.rng.choice(DIVISIONS)}"
            spec = family(self.rng, branch)
            if spec.title not in self.titles:
                break
        revision = 2
        base = spec.title
        while spec.title in self.titles:
            spec.title = f"{base} (rev. {revision})"
            spec.duplicate_title = True
            revision += 1
        self.titles.add(spec.title)
        return spec

    def write_root(self, pages: TextIO) -> None:
        blocks = [Blk("h1", f"{COMPANY} Knowledge Base"),
                  Blk("p", "SOPs, policies and playbooks for every branch. Search before you ask; "
                           "if it is not here, ask your branch manager and then write it down."),
                  Blk("divider")]
        blocks += [Blk("child_page", SOURCES[key][0], meta={"id": db_id}) for key, (db_id, _) in self.databases.items()]
        properties = {"title": {"id": "title", "type": "title", "title": rich_text(f"{COMPANY} Knowledge Base")}}
        page, builder = self._page(title=f"{COMPANY} Knowledge Base", parent={"type": "workspace", "workspace": True},
                                   properties=properties, blocks=blocks, icon="\U0001f3e0", archived=False,
                                   page_id=self.root_id)
        for block in page["_blocks"]:  # the databases show up as child_database blocks
            if block["type"] == "child_page":
                block["type"] = "child_database"
                block["child_database"] = block.pop("child_page")
                block["has_children"] = False
        pages.write(dumps(page) + "\n")
        self.counts["notion/pages"] += 1
        self.counts["notion/blocks"] += builder.count

    def write_kb_page(self, pages: TextIO, questions: TextIO, *, archived: bool, budget: int) -> int:
        """Write one knowledge base page (and its sub-page if it has one and the budget allows)."""
        spec = self._unique_spec()
        db_id, ds_id = self.databases[spec.source]
        parent = {"type": "data_source_id", "data_source_id": ds_id, "database_id": db_id}
        child = spec.child if spec.child and budget >= 2 and spec.child.title not in self.titles else None
        blocks = list(spec.blocks)
        if child:
            self.titles.add(child.title)
            blocks.append(Blk("child_page", child.title))
        properties = self._kb_properties(spec, self.as_of)
        page, builder = self._page(title=spec.title, parent=parent, properties=properties, blocks=blocks,
                                   icon=CATEGORY_ICONS.get(spec.category), archived=archived)
        self._emit(pages, questions, page, builder, spec, archived)
        written = 1
        if child:
            child_id, _ = builder.child_pages[0]
            child_properties = {"title": {"id": "title", "type": "title", "title": rich_text(child.title)}}
            sub, sub_builder = self._page(title=child.title, parent={"type": "page_id", "page_id": page["id"]},
                                          properties=child_properties, blocks=child.blocks, icon=None,
                                          archived=archived, page_id=child_id,
                                          not_before=datetime.fromisoformat(page["created_time"]))
            self._emit(pages, questions, sub, sub_builder, child, archived)
            written += 1
        return written

    def _emit(self, pages: TextIO, questions: TextIO, page: dict[str, Any], builder: BlockBuilder,
              spec: PageSpec, archived: bool) -> None:
        pages.write(dumps(page) + "\n")
        self.counts["notion/pages"] += 1
        self.counts["notion/blocks"] += builder.count
        if archived or not spec.questions or spec.duplicate_title:
            return  # questions about a page in the trash, or one of two pages with the same title, are unfair
        text = page_text(page)
        chosen = self.rng.sample(spec.questions, min(2, len(spec.questions)))
        for question, phrase in chosen:
            if phrase not in text:
                raise AssertionError(f"answer phrase {phrase!r} missing from page {spec.title!r}")
            questions.write(dumps({"question": question, "page_id": page["id"], "answer_phrase": phrase}) + "\n")

    def data_sources(self) -> list[dict[str, Any]]:
        created = notion_time(self.as_of - timedelta(days=3 * 365 + 30))
        edited = notion_time(self.as_of - timedelta(days=self.rng.randint(1, 20)))
        out = []
        for key, (title, icon) in SOURCES.items():
            db_id, ds_id = self.databases[key]

            def select(prop: str, names: set[str], source: str = key) -> dict[str, Any]:
                return {"options": [dict(option(source, prop, n), description=None) for n in sorted(names)]}

            statuses = sorted(set(STATUSES))
            schema = {
                "Name": {"id": "title", "name": "Name", "description": None, "type": "title", "title": {}},
                "Category": {"id": property_id("Category"), "name": "Category", "description": None,
                             "type": "select", "select": select("Category", self.categories[key])},
                "Tags": {"id": property_id("Tags"), "name": "Tags", "description": None,
                         "type": "multi_select", "multi_select": select("Tags", self.tags[key])},
                "Owner": {"id": property_id("Owner"), "name": "Owner", "description": None, "type": "people",
                          "people": {}},
                "Status": {"id": property_id("Status"), "name": "Status", "description": None, "type": "status",
                           "status": {"options": [{"id": stable_id(key, "Status", name), "name": name, "color": color,
                                                   "description": None} for name, color in statuses],
                                      "groups": []}},
                "Last reviewed": {"id": property_id("Last reviewed"), "name": "Last reviewed", "description": None,
                                  "type": "date", "date": {}},
                "Version": {"id": property_id("Version"), "name": "Version", "description": None, "type": "number",
                            "number": {"format": "number"}},
            }
            out.append({
                "object": "data_source",
                "id": ds_id,
                "cover": None,
                "icon": {"type": "emoji", "emoji": icon},
                "created_time": created,
                "created_by": user_ref(self.users[0]),
                "last_edited_by": user_ref(self.users[0]),
                "last_edited_time": edited,
                "title": rich_text(title),
                "description": rich_text(f"{title} for every {COMPANY} branch."),
                "is_inline": False,
                "properties": schema,
                "parent": {"type": "database_id", "database_id": db_id},
                "database_parent": {"type": "page_id", "page_id": self.root_id},
                "url": f"https://www.notion.so/{db_id.replace('-', '')}",
                "public_url": None,
                "in_trash": False,
                "archived": False,
            })
        return out


def generate_notion(out_dir: Path, *, scale: float, seed: int, as_of: datetime) -> dict[str, int]:
    """Write the knowledge base under out_dir (see the module docstring); returns record counts."""
    n_pages = max(10, round(200 * scale))
    as_of = as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    kb = KnowledgeBase(seed=seed, as_of=as_of)
    (out_dir / "notion").mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    # About 2% of pages sit in the trash (archived), never the root.
    archived = set(Random(f"notion-trash-{seed}").sample(range(1, n_pages), max(1, round(0.02 * n_pages))))
    with (out_dir / "notion" / "pages.jsonl").open("w", encoding="utf-8") as pages, \
            (out_dir / "truth" / "notion_questions.jsonl").open("w", encoding="utf-8") as questions:
        kb.write_root(pages)
        while kb.counts["notion/pages"] < n_pages:
            ordinal = kb.counts["notion/pages"]
            kb.write_kb_page(pages, questions, archived=ordinal in archived, budget=n_pages - ordinal)
    sources = kb.data_sources()
    with (out_dir / "notion" / "data_sources.jsonl").open("w", encoding="utf-8") as f:
        for source in sources:
            f.write(dumps(source) + "\n")
    kb.counts["notion/data_sources"] = len(sources)
    return dict(kb.counts)
