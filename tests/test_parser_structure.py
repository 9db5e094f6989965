"""The parser reads markdown structure: every checklist shape, boxes by their own state, warnings, numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.document.export import render_markdown
from bot.document.markdown import Block, ListItem, read_blocks
from bot.document.plan import DocumentError, Plan
from bot.document.read import parse_document, read_document


def tickable(plan: Plan) -> list[tuple[int, bool]]:
    """(line, ticked) of every entry that has a box of its own."""
    found = [(d.line, d.status == "done") for d in plan.deliverables if d.checkbox]
    found += [(i.line, i.done) for d in plan.deliverables for i in d.items if i.checkbox]
    found += [(i.line, i.done) for r in plan.today for i in r.items]
    return sorted(found)


def test_a_heading_followed_by_boxes_is_the_deliverable() -> None:
    plan = parse_document("# Launch\n\n## Review and understand\n\n- [ ] Read the policy\n- [x] Sign the CLA\n")
    (review,) = plan.deliverables
    assert (review.title, review.number, review.checkbox) == ("Review and understand", 1, False)
    assert [(i.text, i.done, i.line) for i in review.items] == [
        ("Read the policy", False, 5),
        ("Sign the CLA", True, 6),
    ]


def test_bold_or_self_described_boxes_are_deliverables_with_their_children_as_items() -> None:
    plan = parse_document(
        "# Deploy\n\n## Steps\n\n"
        "- [ ] **Step 1: Backup**\n  - [ ] Export the solution\n  - [x] Snapshot the code\n"
        "- [ ] Rotate keys\n  - Owner: DevOps Engineer\n  - Validation: no secrets in code\n  - ETA: 2025-11-07\n"
    )
    step, rotate = plan.deliverables
    assert (step.title, step.checkbox, [i.text for i in step.items]) == (
        "Step 1: Backup", True, ["Export the solution", "Snapshot the code"],
    )  # fmt: skip
    assert (rotate.owners, rotate.evidence, rotate.due) == (
        ["DevOps Engineer"],
        "no secrets in code",
        date(2025, 11, 7),
    )


def test_a_plain_box_with_boxes_under_it_is_a_deliverable_and_so_are_its_siblings() -> None:
    plan = parse_document(
        "# Entregable\n\n## Partes\n\n- [X] Análisis (Lud)\n- [ ] Propuesta:\n  - [X] Objetivos (Juli)\n"
        "  - [ ] Alcance\n    - [ ] Riesgos\n"
    )
    analysis, proposal = plan.deliverables
    assert (analysis.title, analysis.status, analysis.checkbox, analysis.owners) == (
        "Análisis (Lud)",
        "done",
        True,
        ["Lud"],
    )
    assert (proposal.status, proposal.owners) == ("open", ["Juli"])  # two of its children ticked, not the box
    assert [(i.text, i.done, i.depth) for i in proposal.items] == [
        ("Objetivos (Juli)", True, 0), ("Alcance", False, 0), ("Riesgos", False, 1),
    ]  # fmt: skip


def test_boxes_with_no_heading_above_are_deliverables_any_marker_any_case() -> None:
    plan = parse_document("* [ ] Review release (product owner)\n+ [X] Create binaries (release manager)\n- [ ] Tag\n")
    assert [(d.title, d.status, d.owners) for d in plan.deliverables] == [
        ("Review release (product owner)", "open", ["product owner"]),
        ("Create binaries (release manager)", "done", ["release manager"]),
        ("Tag", "open", []),
    ]


def test_nested_boxes_any_depth_under_a_plain_bullet_and_numbered_steps() -> None:
    plan = parse_document(
        "# Release\n\n## Release day\n\n- Morning:\n  - [ ] Go / No-Go\n    - [ ] Mock build\n"
        "1. [ ] Publish\n2) [x] Announce\n"
    )
    items = plan.deliverables[0].items
    assert [(i.text, i.depth, i.done) for i in items] == [
        ("Go / No-Go", 0, False), ("Mock build", 1, False), ("Publish", 0, False), ("Announce", 0, True),
    ]  # fmt: skip
    assert plan.deliverables[0].priority == "blocker"  # a go/no-go step


def test_a_box_state_comes_from_the_box_alone() -> None:
    plan = parse_document(
        "# Plan\n\n## ✅ Done\n\n- [ ] Not done yet\n\n## Definition of Done\n\n- [ ] Tests: ✅ Passed\n"
    )
    assert all(not ticked for _, ticked in tickable(plan))
    assert all(d.status == "open" for d in plan.deliverables)
    assert any(w.key == "document.warn.claims_done" and w.line == 9 for w in plan.warnings)


def test_completed_entries_without_a_box_stay_done() -> None:
    plan = parse_document(
        "# P\n\n## 🔴 Blockers (48h)\n\n1. **A**\n   - [ ] a\n\n## ✅ Done\n\n- ✅ **Runbook** - ok\n"
    )
    assert [(d.title, d.status, d.number) for d in plan.deliverables] == [("A", "open", 1), ("Runbook", "done", None)]


def test_boxes_in_code_and_comments_are_not_work_but_every_other_box_is() -> None:
    text = (
        "# P\n\n## Tasks\n\n- [ ] one\n<!-- - [ ] hidden -->\n\n```\n- [ ] code\n```\n\n"
        "> - [ ] quoted\n\n| # | Item | Estado |\n|---|---|---|\n| 1.1 | Build | ☐ |\n| 1.2 | Lint | ☑ |\n"
    )
    plan = parse_document(text)
    assert tickable(plan) == [(5, False), (12, False), (16, False), (17, True)]


def test_table_rows_read_owner_due_status_priority_by_header() -> None:
    plan = parse_document(
        "# Go-live\n\nDate: 2025-10-01\n\n## Checks\n\n| # | Item | Tipo | Status | Owner | Prazo |\n"
        "|---|---|---|---|---|---|\n| 1.1 | Landing | 🔴 Blocker | ❌ | Frontend | 15/10 |\n"
        "| 1.2 | Backups | 🟠 High | ✅ | QA/Security | |\n"
    )
    landing, backups = plan.deliverables
    assert (landing.ref, landing.priority, landing.owners, landing.due, landing.status, landing.checkbox) == (
        "1.1", "blocker", ["Frontend"], date(2025, 10, 15), "open", False,
    )  # fmt: skip
    assert (backups.owners, backups.status, backups.priority) == (["QA", "Security"], "done", "high")


def test_role_lines_and_dated_phases_give_owners_and_dues() -> None:
    plan = parse_document(
        "# Cronograma\n\n## Semanas\n\n### **Semana 1: Setup**\n\n**📅 29 Sep - 5 Oct de 2025** (7 días)\n\n"
        "#### Tareas por Rol:\n\n**Tech Lead + Backend Senior:**\n\n- [ ] Crear proyecto\n\n"
        "**DevOps + QA:**\n\n- [ ] Docker Compose\n"
    )
    lead, ops = plan.deliverables
    assert (lead.title, lead.owners, lead.due) == ("Semana 1: Setup", ["Tech Lead + Backend Senior"], date(2025, 10, 5))
    assert (ops.owners, ops.due) == (["DevOps + QA"], date(2025, 10, 5))


def test_owners_never_come_from_topic_headings_nor_cross_a_higher_heading() -> None:
    plan = parse_document(
        "# P\n\n## Backend team\n\n- [ ] a\n\n### Functional Testing\n\n- [ ] b\n\n## Rollback Steps\n\n- [ ] c\n"
    )
    owners = {d.title: d.owners for d in plan.deliverables}
    assert owners == {"Backend team": ["Backend team"], "Functional Testing": ["Backend team"], "Rollback Steps": []}
    assert [w.line for w in plan.warnings if w.key == "document.warn.no_owner"] == [11]


def test_setext_headings_multiline_items_and_phases_as_level_one_headings() -> None:
    plan = parse_document(
        "Phase one\n=========\n\n- [ ] Write the spec\n  and review it\n\nPhase two\n---------\n\n- [ ] Ship\n\n"
        "# Phase three\n\n- [ ] Celebrate\n"
    )
    assert [d.title for d in plan.deliverables] == ["Phase one", "Phase two", "Phase three"]
    assert plan.deliverables[0].items[0].text == "Write the spec\nand review it"


def test_repeated_numbers_get_unique_numbers_and_say_so() -> None:
    plan = parse_document(
        "# P\n\n## 🔴 A (48h)\n\n1. **One**\n   - [ ] x\n2. **Two**\n   - [ ] y\n\n"
        "## 🟡 B (5 días)\n\n1. **Three**\n   - [ ] z\n"
    )
    assert [(d.title, d.number) for d in plan.deliverables] == [("One", 1), ("Two", 2), ("Three", 3)]
    assert plan.numbering and "3–3" in plan.numbering
    assert [(w.line, w.values) for w in plan.warnings if w.key == "document.warn.renumbered"] == [
        (12, {"written": 1, "number": 3}),
    ]


def test_front_matter_keys_say_what_heuristics_cannot_know() -> None:
    text = (
        "---\nowners: headings\nlanguage: pt\ndeliverables: checkboxes\ndate: 2025-03-01\nassignees: ana, rui\n---\n\n"
        "# Plano\n\n## Entregas\n\n### Functional Testing\n\n- [ ] Testar login (prazo: 10/03)\n- [ ] Testar logout\n"
    )
    plan = parse_document(text)
    assert (plan.language, plan.date, plan.assignees) == ("pt", date(2025, 3, 1), ["ana", "rui"])
    assert [(d.title, d.owners, d.checkbox) for d in plan.deliverables] == [
        ("Testar login", ["Functional Testing"], True),
        ("Testar logout", ["Functional Testing"], True),
    ]
    assert plan.deliverables[0].due == date(2025, 3, 10)


def test_boxes_markdown_does_not_know_are_reported_with_their_line() -> None:
    plan = parse_document("# P\n\n## Tasks\n\n- [ ] one\n- [>] in progress\n- **Ready:** ☐ SÍ / ☐ NO\n")
    assert [(w.line, w.key) for w in plan.warnings if w.key == "document.warn.odd_box"] == [
        (6, "document.warn.odd_box"), (7, "document.warn.odd_box"),
    ]  # fmt: skip


def test_the_documents_target_date_is_the_due_date_of_work_that_names_none() -> None:
    plan = parse_document("# Go-live\n\n**Target Date:** 01 de novembro de 2025\n\n## Must-Have\n\n- [x] Auth\n"
                          "- [ ] Deploy (prazo: 30/10)\n")  # fmt: skip
    assert plan.deliverables[0].due == date(2025, 11, 1)
    assert plan.deliverables[0].items[1].due == date(2025, 10, 30)


def test_an_unreadable_due_field_stays_in_sight() -> None:
    plan = parse_document("# R\n\n## Steps\n\n1. **Ship** — Due: {{ env.releaseDate }}\n   - [ ] Tag\n")
    (ship,) = plan.deliverables
    assert (ship.title, ship.due, ship.detail) == ("Ship", None, "({{ env.releaseDate }})")
    assert [w.line for w in plan.warnings if w.key == "document.warn.unreadable_date"] == [5]


def test_an_unreadable_date_stays_in_the_text_with_a_warning() -> None:
    plan = parse_document("# R\n\n## Sign-offs\n\n- [ ] QA **Due {{ env.qaDueDate }}**\n- [ ] Product\n")
    items = plan.deliverables[0].items
    assert items[0].text == "QA **Due {{ env.qaDueDate }}**" and items[0].due is None
    assert [i.owners for i in items] == [["QA"], ["Product"]]
    assert any(w.key == "document.warn.unreadable_date" and w.line == 5 for w in plan.warnings)


def test_a_readme_with_a_small_roadmap_is_not_a_plan_but_a_short_checklist_is() -> None:
    with pytest.raises(DocumentError, match="no deliverables"):
        parse_document(
            "# Project\n\nIntro.\n\n## Install\n\nRun it.\n\n## Usage\n\nUse it.\n\n## Roadmap\n\n- [ ] Dark mode\n"
        )
    assert len(parse_document("# Launch\n\n- [ ] Tag\n- [ ] Announce\n").deliverables) == 2


def test_check_readings_say_how_each_line_was_read() -> None:
    reading = read_document("# P\n\nFecha: 2025-12-07\n\n## 🔴 Bloqueadores (48h)\n\n### QA\n\n1. **A**\n   - [ ] a\n"
                            "   - [ ] Entregar: logs\n\nNota suelta.\n")  # fmt: skip
    kinds = {line + 1: kind for line, kind in reading.readings.items()}
    assert kinds == {1: "title", 3: "date", 5: "section", 7: "owner", 9: "deliverable", 10: "item", 11: "evidence",
                     13: "note"}  # fmt: skip


@pytest.mark.parametrize(
    "text",
    [
        "# R\n\n## Prep\n\n* [ ] DEV: bump version @ana\n  * [ ] QA: smoke test\n",
        "# T\n\n| Item | Owner | Due |\n|---|---|---|\n| Build | QA | 2025-03-10 |\n| Ship | Dev + Ops | |\n",
        "# W\n\n## Sprint\n\n**📅 6 - 12 Oct de 2025**\n\n**Tech Lead + Backend Senior:**\n\n- [ ] Modelo User\n",
    ],
)
def test_what_is_written_back_reads_back_the_same(text: str) -> None:
    plan = parse_document(text)
    again = parse_document(render_markdown(plan))
    strip = ("line", "heading", "owner_heading", "notes", "intro", "body")

    def comparable(value: object) -> object:
        if isinstance(value, list):
            return [comparable(v) for v in value]
        if hasattr(value, "__dataclass_fields__"):
            return {k: comparable(getattr(value, k)) for k in value.__dataclass_fields__ if k not in strip}
        return value

    assert comparable(again.deliverables) == comparable(plan.deliverables)


# -- any markdown: N boxes give N tickable entries, and parsing never crashes ------------------------------

BOX_LINES = ["- [ ] a task", "- [x] done task", "* [X] shouted", "+ [ ] plus", "1. [ ] step", "  - [ ] nested",
             "    - [x] deeper", "- [ ] **Bold** task", "- [ ] DEV: prefixed @ana", "- [ ] due 2025-03-10"]  # fmt: skip
OTHER_LINES = ["# Title", "## Section", "### QA", "#### Functional Testing", "**Role Lead:**", "Remaining:", "",
               "Some prose.", "- plain bullet", "  - Owner: QA", "1. **Numbered**", "---", "> quote",
               "| Item | Owner |", "|---|---|", "| x | QA |", "Due: soon", "## ✅ Done", "```", "<!--", "-->",
               "Phase\n=====", "- ✅ **Runbook**", "## 🔴 Blockers (48h)", "### 2025-11-06",
               "   - [ ] Entregar: x"]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(BOX_LINES), st.sampled_from(OTHER_LINES)), min_size=1, max_size=30))
def test_every_box_of_any_markdown_is_tickable(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    # An evidence line (`- [ ] Entregar: ...`) under a deliverable is its evidence, ticked when evidence is handed in.
    boxes = [item for block in read_blocks(text) for item in _all_items(block) if item.box is not None]
    evidence = sum(item.text.startswith("Entregar:") for item in boxes)
    try:
        plan = parse_document(text)
    except DocumentError:
        assert len(boxes) < 3  # only a README's couple of boxes is ever refused
        return
    assert len(boxes) - evidence <= len(tickable(plan)) <= len(boxes)
    assert len(tickable(plan)) + sum(d.evidence is not None for d in plan.deliverables) >= len(boxes)


def _all_items(block: Block) -> list[ListItem]:
    found = []
    for item in block.items:
        found.append(item)
        for child in item.children:
            found += _all_items(child)
    for child in block.children:
        found += _all_items(child)
    return found


def test_the_garbage_collector_is_back_after_reading_whatever_happens() -> None:
    import gc

    parse_document("# P\n\n- [ ] a\n- [ ] b\n- [ ] c\n")
    assert gc.isenabled()
    with pytest.raises(DocumentError):
        parse_document("# Notes\n\nJust text.\n")
    assert gc.isenabled()
