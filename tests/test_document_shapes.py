"""Every shape teams write a checklist in (issue 21), one small document each, read as a person reads it.

The documents in tests/documents/shapes/ are ours. Expected values are written by hand. Where the contract
leaves the structure to the parser (a flat list of boxes: one deliverable each, or the heading's items),
the tests look at entries by line (tests.plan_entries): an item's owners and due date are its own, else its
deliverable's. Where the contract fixes the structure (a heading with boxes, a parent box with nested boxes,
numbered deliverables), the tests say so.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from bot.document.read import parse_file, plan_to_json
from tests.plan_entries import entries, entry_at, owner_key, reported_owners, scan_boxes, tickable, warning_lines

ROOT = Path(__file__).resolve().parent.parent
SHAPES = Path(__file__).parent / "documents" / "shapes"
SEED = ROOT / "seeds" / "ENTREGABLES_PENDIENTES.md"

# How many boxes a person can tick in each document, counted by hand.
TICKABLE = {
    "heading_items.md": 4,
    "nested_parent.md": 14,
    "flat_list.md": 4,
    "numbered_steps.md": 5,
    "bullet_markers.md": 4,
    "table_en.md": 3,
    "table_es.md": 3,
    "table_pt.md": 2,
    "owner_lines.md": 7,
    "owners_inline.md": 6,
    "role_headings.md": 8,
    "dates_en.md": 5,
    "dates_es.md": 7,
    "dates_pt.md": 3,
    "dated_headings.md": 3,
    "priorities.md": 32,
    "evidence.md": 8,  # 12 boxes, of which 4 are evidence lines: the evidence, not items
    "done_headings.md": 6,
    "fences_comments.md": 3,  # the boxes in fences and comments are text
    "setext.md": 3,
    "phases.md": 4,
    "multiline.md": 3,
    "repeated_numbers.md": 4,
    "front_matter.md": 2,
    "slack_text.md": 2,
}


@functools.cache
def plan(name: str) -> dict[str, Any]:
    return plan_to_json(parse_file(SHAPES / name))


def owners(name: str, line: int) -> set[str]:
    return set(entry_at(plan(name), line).owners)


def due(name: str, line: int) -> str | None:
    return entry_at(plan(name), line).due


def text(name: str, line: int) -> str:
    return entry_at(plan(name), line).text


def deliverables(name: str) -> list[tuple[str, int, list[int]]]:
    """Return each deliverable as (title, line, its items' lines)."""
    return [(d["title"], d["line"], [i["line"] for i in d["items"]]) for d in plan(name)["deliverables"]]


def test_every_shape_document_has_its_count() -> None:
    assert sorted(path.name for path in SHAPES.glob("*.md")) == sorted(TICKABLE)


# -- what holds for every shape ---------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(TICKABLE))
def test_every_box_a_person_can_tick_is_one_tickable_entry(name: str) -> None:
    box_lines = set(scan_boxes((SHAPES / name).read_text(encoding="utf-8")).lines)
    lines = [entry.line for entry in tickable(plan(name))]
    assert len(lines) == TICKABLE[name], f"tickable entries on lines {lines}"
    assert len(set(lines)) == len(lines)
    assert set(lines) <= box_lines


@pytest.mark.parametrize("name", sorted(TICKABLE))
def test_an_entry_is_done_only_when_its_box_is_ticked(name: str) -> None:
    ticked = set(scan_boxes((SHAPES / name).read_text(encoding="utf-8")).ticked)
    assert {entry.line for entry in tickable(plan(name)) if entry.done} == ticked


@pytest.mark.parametrize("name", sorted(TICKABLE))
def test_open_deliverables_have_unique_numbers(name: str) -> None:
    numbers = [d["number"] for d in plan(name)["deliverables"] if d["status"] == "open"]
    assert all(isinstance(number, int) for number in numbers), numbers
    assert len(set(numbers)) == len(numbers), numbers


@pytest.mark.parametrize("name", sorted(TICKABLE))
def test_the_json_has_the_contracts_keys(name: str) -> None:
    data = plan(name)
    assert "numbering" in data
    assert all(set(warning) >= {"line", "message"} for warning in data["warnings"])
    for deliverable in data["deliverables"]:
        assert deliverable["priority"] in ("blocker", "high", "normal")
        assert deliverable["status"] in ("open", "done")
        assert isinstance(deliverable["owners"], list) and isinstance(deliverable["checkbox"], bool)
        assert all(isinstance(item["checkbox"], bool) and item["line"] > 0 for item in deliverable["items"])


# -- structure ---------------------------------------------------------------------------------------


def test_a_heading_with_boxes_is_a_deliverable_with_items() -> None:
    assert deliverables("heading_items.md") == [("Copy review", 3, [4, 5]), ("Analytics", 7, [8, 9])]
    assert [(d["checkbox"], d["status"]) for d in plan("heading_items.md")["deliverables"]] == [(False, "open")] * 2
    assert {3, 7} <= warning_lines(plan("heading_items.md"))  # neither names an owner


def test_a_parent_box_is_a_deliverable_and_its_nested_boxes_its_items() -> None:
    assert deliverables("nested_parent.md") == [
        ("Freeze the old schema", 3, [4, 5, 6, 7, 8]),
        ("Move the reports", 9, [10, 11]),
        ("Rotate the keys", 12, [13, 14]),
        ("Write the rollback note", 15, [16]),
    ]
    first = plan("nested_parent.md")["deliverables"][0]
    assert [item["depth"] for item in first["items"]] == [0, 0, 1, 1, 2]


def test_a_parents_state_is_its_own_box_not_its_childrens() -> None:
    statuses = [(d["title"], d["status"]) for d in plan("nested_parent.md")["deliverables"]]
    assert statuses[2:] == [("Rotate the keys", "open"), ("Write the rollback note", "done")]


def test_a_flat_list_gives_one_entry_per_box() -> None:
    found = {entry.line: (entry.text, entry.done) for entry in tickable(plan("flat_list.md"))}
    assert found == {
        3: ("Book the movers", False),
        4: ("Order new desks", False),
        5: ("Cancel the old lease", True),
        6: ("Forward the mail", False),
    }


def test_numbered_steps_with_and_without_boxes() -> None:
    data = plan("numbered_steps.md")
    assert [entry.line for entry in tickable(data)] == [4, 5, 6, 9, 10]
    assert text("numbered_steps.md", 9) == "Publish the packages"
    # Steps without a box may be deliverables (like the seed's) or prose (like an objectives list): either
    # way nobody ticks them and nothing says they are done.
    assert not [entry for entry in entries(data) if entry.line in (13, 14) and (entry.checkbox or entry.done)]


def test_star_plus_and_capital_x_boxes() -> None:
    found = {entry.line: (entry.text, entry.done) for entry in tickable(plan("bullet_markers.md"))}
    assert found == {
        4: ("Descale the coffee machine", False),
        5: ("Replace the water filter", False),
        6: ("Order oat milk", True),
        7: ("Clean the fridge", True),
    }


@pytest.mark.parametrize(
    ("name", "line", "task", "owner", "due_date", "done"),
    [
        ("table_en.md", 8, "Sign the contract", {"maria"}, "2025-03-10", False),
        ("table_en.md", 9, "Create the vendor account", {"finance"}, "2025-03-05", True),
        ("table_en.md", 10, "Schedule the kickoff call", {"ana", "luis"}, "2025-03-20", False),
        ("table_es.md", 8, "Revisar el contrato", {"legal"}, "2025-03-14", False),
        ("table_es.md", 9, "Dar de alta al proveedor", {"finanzas"}, "2025-03-13", True),
        ("table_es.md", 10, "Preparar la reunión de arranque", {"lucia"}, "2025-03-31", False),
        ("table_pt.md", 8, "Traduzir o manual", {"joana"}, "2025-04-10", False),
        ("table_pt.md", 9, "Revisar o glossário", {"pedro"}, "2025-03-20", True),
    ],
)
def test_a_table_row_with_a_box_reads_its_columns_by_header(
    name: str, line: int, task: str, owner: set[str], due_date: str, done: bool
) -> None:
    entry = entry_at(plan(name), line)
    assert (entry.text, set(entry.owners), entry.due, entry.done, entry.checkbox) == (task, owner, due_date, done, True)


def test_boxes_in_fences_and_comments_are_text() -> None:
    data = plan("fences_comments.md")
    assert [entry.line for entry in tickable(data)] == [4, 21, 27]
    assert not {entry.line for entry in entries(data)} & {7, 10, 13, 14, 18, 24}


def test_setext_headings_are_headings() -> None:
    assert plan("setext.md")["title"] == "Release notes"
    assert deliverables("setext.md") == [("Packaging", 4, [6, 7]), ("Announcement", 9, [11])]


def test_one_top_heading_per_phase_reads_as_phases() -> None:
    data = plan("phases.md")
    titles = [s["title"] for s in data["sections"]] + [d["title"] for d in data["deliverables"]]
    for phase in ("Discovery", "Build", "Launch"):
        assert any(phase in title for title in titles), titles
    assert [entry.line for entry in tickable(data)] == [2, 3, 6, 9]


def test_a_multi_line_item_keeps_its_continuation_lines() -> None:
    first = text("multiline.md", 4)
    assert "terms of service" in first and "before the pricing page goes live" in first
    assert "signed copy in the shared drive" in first
    assert "lazily continued on the next line" in text("multiline.md", 7)
    assert text("multiline.md", 9) == "File the trademark"


# -- owners ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "owner"),
    [(6, {"billing team"}), (7, {"billing team"}), (12, {"kim"}), (17, {"marta"}), (22, {"rafael"}),
     (25, {"security team"}), (27, {"compliance"})],
)  # fmt: skip
def test_owner_lines(line: int, owner: set[str]) -> None:
    assert owners("owner_lines.md", line) == owner


def test_topic_headings_above_owner_lines_are_not_owners() -> None:
    named = {owner_key(name) for name in reported_owners(plan("owner_lines.md"))}
    assert named == {"billing team", "kim", "marta", "rafael", "security team", "compliance"}


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        (4, {"dev 1"}),  # (Dev 1)
        (5, {"maria"}),  # (owner: @maria)
        (6, {"release lead"}),  # [Release Lead] prefix
        (7, {"sam"}),  # a trailing @mention of the doer
    ],
)
def test_owners_written_on_the_item(line: int, owner: set[str]) -> None:
    assert owners("owners_inline.md", line) == owner


def test_a_condition_and_a_person_to_notify_are_not_owners() -> None:
    # The two items name no owner of their own; they may share their deliverable's (the heading's), if any.
    assert "if needed" not in owners("owners_inline.md", 8)
    assert "alex" not in owners("owners_inline.md", 9)  # @alex is to be notified, not the doer
    assert not {"if needed", "alex"} & {owner_key(name) for name in reported_owners(plan("owners_inline.md"))}


def test_an_owner_prefix_leaves_the_title() -> None:
    assert "Cut the release branch" in text("owners_inline.md", 6)
    assert text("owners_inline.md", 4).startswith("Draft the API changelog")


@pytest.mark.parametrize(
    ("line", "owner"),
    [(4, {"sre", "security"}), (7, {"backend team"}), (10, set()), (13, set()), (16, set()), (19, set()),
     (23, {"qa"}), (26, set())],
)  # fmt: skip
def test_a_heading_is_an_owner_only_when_it_reads_like_a_role(line: int, owner: set[str]) -> None:
    assert owners("role_headings.md", line) == owner


def test_steps_and_topics_never_become_owners() -> None:
    named = {owner_key(name) for name in reported_owners(plan("role_headings.md"))}
    assert named <= {"sre", "security", "backend team", "qa"}


@pytest.mark.parametrize(("heading", "line"), [(9, 10), (12, 13), (15, 16), (18, 19), (25, 26)])
def test_what_reaches_nobody_is_reported_with_its_line(heading: int, line: int) -> None:
    assert {heading, line} & warning_lines(plan("role_headings.md"))


# -- dates -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "line", "due_date"),
    [
        ("dates_en.md", 7, "2025-03-10"),  # (due 2025-03-10)
        ("dates_en.md", 8, "2025-03-28"),  # by March 28
        ("dates_en.md", 9, "2025-03-30"),  # 📅 2025-03-30
        ("dates_en.md", 11, None),
        ("dates_es.md", 7, "2025-03-15"),  # vence: 15/03
        ("dates_es.md", 8, "2025-03-31"),  # fecha límite: 31 de marzo
        ("dates_es.md", 9, "2025-03-15"),  # antes del 15 de marzo
        ("dates_es.md", 12, "2025-03-03"),  # ## Urgente (48h)
        ("dates_es.md", 15, "2025-03-06"),  # ## Auditoría (5 días)
        ("dates_es.md", 18, "2025-03-10"),  # ## Lunes 10 de marzo
        ("dates_es.md", 24, "2025-03-21"),  # **📅 17 - 21 de marzo de 2025** under the heading
        ("dates_pt.md", 7, "2025-04-10"),  # prazo: 10/04
        ("dates_pt.md", 8, "2025-03-25"),  # prazo: 25 de março
        ("dates_pt.md", 9, "2025-04-02"),  # 📅 2025-04-02
        ("dated_headings.md", 7, "2025-01-06"),  # ## Monday, Jan 6
        ("dated_headings.md", 8, "2025-01-06"),
        ("dated_headings.md", 11, "2025-01-07"),  # ## Tuesday, Jan 7
        ("front_matter.md", 9, "2025-03-10"),  # prazo: 10/03
    ],
)
def test_due_dates_as_teams_write_them(name: str, line: int, due_date: str | None) -> None:
    assert due(name, line) == due_date


def test_a_date_that_cannot_be_read_stays_in_the_text_and_is_reported() -> None:
    assert due("dates_en.md", 10) is None
    assert "2025-02-30" in text("dates_en.md", 10)
    assert 10 in warning_lines(plan("dates_en.md"))


# -- priorities --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "title", "priority"),
    [
        (5, "Patch the login bypass", "blocker"),  # `P0`
        (7, "Add rate limits", "high"),  # P1
        (9, "Tidy the log format", "normal"),  # P2
        (11, "Fix the checkout crash", "blocker"),  # (blocker)
        (13, "Restaurar el respaldo", "blocker"),  # (bloqueante)
        (15, "Revisar o contrato", "blocker"),  # (bloqueador)
        (17, "Rotate the leaked token", "blocker"),  # 🔴
        (19, "Upgrade the database", "high"),  # 🟠
        (21, "Update the dependencies", "high"),  # 🟡, high as in the seed's sections
        (23, "Refresh the screenshots", "normal"),  # 🟢
        (25, "Renew the TLS certificate", "blocker"),  # Critical
        (27, "Migrar los correos", "high"),  # prioridad Alta
        (31, "Sign-in works", "blocker"),  # ## Must have: what the release cannot ship without
        (35, "Export to CSV", "high"),  # ## Should have
        (39, "Dark mode", "normal"),  # ## Could have
        (43, "Keyboard shortcuts", "normal"),  # ## Nice-to-have
    ],
)
def test_priorities_as_teams_write_them(line: int, title: str, priority: str) -> None:
    entry = entry_at(plan("priorities.md"), line)
    assert (entry.kind, entry.priority) == ("deliverable", priority)
    assert title in entry.text


# -- evidence, done, numbers -------------------------------------------------------------------------


def test_evidence_labels_in_three_languages() -> None:
    found = [(d["number"], d["evidence"], [i["text"] for i in d["items"]]) for d in plan("evidence.md")["deliverables"]]
    assert found == [
        (1, "PR link", ["Write the endpoint pages"]),  # - [ ] Deliver:
        (2, "Link to the published notes", ["Collect the merged changes"]),  # - Deliverable:
        (3, "Scanner report", ["Run the scanner"]),  # - [ ] Proof:
        (4, "Grafana screenshot", ["Run at twice the peak"]),  # - Evidence:
        (5, "Enlace al PDF", ["Redactar el capítulo de instalación"]),  # - [ ] Entregar:
        (6, "Registro de la migración", ["Migrar las cuentas"]),  # - Entrega:
        (7, "Captura del panel", ["Revisar los permisos"]),  # - [ ] Evidencia:
        (8, "Link do PR", ["Traduzir as telas"]),  # - Evidência:
    ]
    assert {owner_key(name) for name in reported_owners(plan("evidence.md"))} == {"docs team"}
    assert plan("evidence.md")["numbering"] is None  # the document's own numbers were unique


def test_a_done_heading_never_ticks_the_boxes_under_it() -> None:
    data = plan("done_headings.md")
    assert not [entry.line for entry in tickable(data) if entry.done]
    done = [entry for entry in entries(data) if entry.done]
    assert [(entry.line, entry.text, entry.checkbox) for entry in done] == [(15, "Runbook", False)]
    runbook = next(d for d in data["deliverables"] if d["line"] == 15)
    assert (runbook["status"], runbook["number"]) == ("done", None)


def test_repeated_numbers_become_unique_and_stable() -> None:
    data = plan("repeated_numbers.md")
    numbers = {d["line"]: d["number"] for d in data["deliverables"]}
    assert set(numbers) == {7, 9, 14, 21}
    assert len(set(numbers.values())) == 4
    assert isinstance(data["numbering"], str) and data["numbering"]
    again = plan_to_json(parse_file(SHAPES / "repeated_numbers.md"))
    assert {d["line"]: d["number"] for d in again["deliverables"]} == numbers


def test_repeated_numbers_keep_their_owners_and_priorities() -> None:
    found = {entry.line: (set(entry.owners), entry.priority) for entry in entries(plan("repeated_numbers.md"))
             if entry.kind == "deliverable"}  # fmt: skip
    assert found == {
        7: ({"backend"}, "blocker"),
        9: ({"backend"}, "blocker"),
        14: ({"frontend"}, "blocker"),
        21: ({"backend"}, "high"),
    }


def test_front_matter_says_what_heuristics_cannot_know() -> None:
    data = plan("front_matter.md")
    assert data["date"] == "2025-03-01"
    assert (owners("front_matter.md", 9), owners("front_matter.md", 12)) == ({"marketing"}, {"infraestrutura"})
    assert data["language"] != "en"  # Portuguese; the bot answers its readers in Spanish unless told otherwise


def test_slack_syntax_and_links_stay_plain_text_in_the_plan() -> None:
    data = plan("slack_text.md")
    assert data["title"] == "Launch <!channel> & friends"
    assert "<!here>" in text("slack_text.md", 4) and "[status page](https://x.test)" in text("slack_text.md", 4)
    assert "<@U123>" in text("slack_text.md", 5) and "R&D" in text("slack_text.md", 5)
    dumped = json.dumps(data, ensure_ascii=False)
    assert "ping <!channel> only if & when the [runbook](https://x.test/runbook) says so" in dumped
    assert not [entity for entity in ("&amp;", "&lt;", "&gt;") if entity in dumped]  # escaping is for drawing
    assert not {"status page", "runbook"} & {owner_key(name) for name in reported_owners(data)}


# -- the seed still reads the same ---------------------------------------------------------------------


def test_the_seeds_boxes_are_tickable_except_its_evidence_lines() -> None:
    data = plan_to_json(parse_file(SEED))
    lines = SEED.read_text(encoding="utf-8", errors="replace").split("\n")
    evidence = {n for n in scan_boxes("\n".join(lines)).lines if "Entregar:" in lines[n - 1]}
    found = [entry.line for entry in tickable(data)]
    assert len(found) == 58  # 74 boxes, of which 16 are `- [ ] Entregar:` evidence lines
    assert not set(found) & evidence
    assert [entry.line for entry in entries(data) if entry.done] == [174]  # the completed Runbook, no box
