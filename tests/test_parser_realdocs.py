"""The parser on real documents of other teams (../shared/realdocs/, not copied here): every box reaches
something to tick, no unticked box is done, owners come only from what names them, dates are found.

The expected figures are a careful reader's, written by hand (the realdocs README's columns), not the parser's.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from bot.document.export import render_markdown
from bot.document.markdown import read_blocks
from bot.document.plan import Plan
from bot.document.read import parse_document, parse_file
from bot.document.vocabulary import fold
from tests.conftest import SHARED

# Beside the checkout, as CI lays it; REALDOCS_DIR points elsewhere (a git worktree has no ../shared).
REALDOCS = Path(os.environ.get("REALDOCS_DIR") or SHARED / "realdocs")

# name prefix: (checkboxes, ticked, owners a careful reader sees)
EXPECTED = {
    "01": (72, 0, ["DEV", "QA", "DOCS", "@tbsbdr", "@mmattel", "@wkloucek", "@micbar"]),
    "02": (98, 0, ["Release Lead", "Release Lead Shadow", "Release Notes Lead", "Branch Manager",
                   "Communications Lead", "Build Admins", "Docs Lead"]),
    "03": (32, 0, []),
    "04": (8, 0, ["product owner", "release manager", "any DRUD maintainer", "TPM"]),
    "05": (9, 0, ["QA", "Product", "Mobile Release Manager"]),
    "06": (30, 0, ["CNCF staff"]),
    "07": (199, 0, ["Backend Developer", "DevOps Engineer", "Power Platform Developer"]),
    "08": (49, 26, ["@backend-lead", "@devops-lead", "@equipo-frontend", "@copilot", "@arquitecto-senior",
                    "@tech-writer", "@qa-lead", "@tech-lead", "scrum master"]),
    "09": (246, 0, ["Tech Lead + Backend Senior", "Backend Developer + IA", "Frontend Lead",
                    "Frontend Developer + UX", "DevOps + QA", "Todo el Equipo"]),
    "10": (195, 0, ["DevOps", "Tech Lead", "DevOps Lead", "QA Lead", "CTO", "Product Manager"]),
    "11": (9, 4, ["Lud", "Juli"]),
    "12": (28, 10, ["Frontend", "Backend", "DevOps", "QA", "Security", "Tech Lead", "Product",
                    "Product Manager", "QA Lead"]),
}  # fmt: skip
# Headings of these documents that are topics or steps: never an owner.
TOPICS = ["functional testing", "rollback", "escalation", "prerequisites", "qa phase", "template", "setup",
          "security review", "review and understand", "tareas por rol", "entregables", "objetivos", "network security",
          "definition of done", "must-have", "aprovacoes", "leyenda", "validacion y testing"]  # fmt: skip

pytestmark = pytest.mark.skipif(not REALDOCS.is_dir(), reason="../shared/realdocs is not here")


def documents() -> list[Path]:
    return sorted(REALDOCS.glob("[0-9][0-9]_*.md")) if REALDOCS.is_dir() else []


def boxes_in_source(path: Path) -> dict[int, bool]:
    """Every task box of the source (and `☐`/`☑` cells), by 1-based line: the reader's count, via the block tree."""
    found: dict[int, bool] = {}

    def walk(blocks: list) -> None:  # type: ignore[type-arg]
        for block in blocks:
            for item in block.items:
                if item.box is not None:
                    found[item.line + 1] = item.box
                walk(item.children)
            walk(block.children)
            for row in block.rows:
                cells = [cell.strip() for cell in row.cells]
                if "☐" in cells or "☑" in cells:
                    found[row.line + 1] = "☑" in cells

    walk(read_blocks(path.read_text(encoding="utf-8")))
    return found


def tickable(plan: Plan) -> dict[int, bool]:
    found = {d.line: d.status == "done" for d in plan.deliverables if d.checkbox}
    found |= {i.line: i.done for d in plan.deliverables for i in d.items if i.checkbox}
    found |= {i.line: i.done for r in plan.today for i in r.items if i.checkbox}
    return found


def owners_named(plan: Plan) -> set[str]:
    named = {o for d in plan.deliverables for o in d.owners} | {
        o for d in plan.deliverables for i in d.items for o in i.owners
    }
    return {fold(owner) for owner in named | set(plan.owners)}


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name[:2])
def test_every_box_reaches_something_to_tick_and_none_is_ticked_by_a_heading(path: Path) -> None:
    count, ticked, _ = EXPECTED[path.name[:2]]
    source = boxes_in_source(path)
    assert (len(source), sum(source.values())) == (count, ticked)  # the reader's counts
    plan = parse_file(path)
    reached = tickable(plan)
    assert sum(line in reached for line in source) >= 0.95 * count
    assert [line for line, done in reached.items() if done and not source.get(line, False)] == []


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name[:2])
def test_owners_are_found_and_never_invented_from_topic_headings(path: Path) -> None:
    _, _, expected = EXPECTED[path.name[:2]]
    named = owners_named(parse_file(path))
    found = [owner for owner in expected if fold(owner) in named]
    assert len(found) >= 0.9 * len(expected), sorted(set(expected) - set(found))
    assert [owner for owner in named if any(topic in owner for topic in TOPICS)] == []


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name[:2])
def test_written_back_it_reads_the_same(path: Path) -> None:
    plan = parse_file(path)
    again = parse_document(render_markdown(plan))
    keys = ("number", "title", "section", "priority", "owners", "due", "ref", "status", "evidence", "checkbox")

    def shape(p: Plan) -> list[tuple[object, ...]]:
        return [
            (*(getattr(d, k) for k in keys), [(i.text, i.done, i.depth, i.owners, i.due) for i in d.items])
            for d in p.deliverables
        ]

    assert shape(again) == shape(plan)


def by_title(plan: Plan, title: str) -> list:  # type: ignore[type-arg]
    return [d for d in plan.deliverables if d.title == title]


def test_due_dates_of_the_sprint_documents() -> None:
    tasks = parse_file(REALDOCS / "08_iact-tareas-activas.md")
    etas = [d for d in tasks.deliverables if d.due is not None and d.line < 390]
    assert len(etas) >= 0.9 * 24  # 24 `ETA: 2025-..` lines
    (suite,) = by_title(tasks, "Ejecutar suite completa de tests")
    assert (suite.due, suite.owners, suite.priority) == (date(2025, 11, 7), ["@backend-lead"], "blocker")
    (plan_qa,) = by_title(tasks, "Plan de reorganización docs/infraestructura (QA)")
    assert plan_qa.owners == ["@arquitecto-senior", "@qa-lead"]
    weeks = parse_file(REALDOCS / "09_triqueta-cronograma.md")
    first = by_title(weeks, "Semana 0: Planificación y Diseño Inicial")
    assert [(d.owners, d.due) for d in first][:2] == [
        (["Tech Lead + Backend Senior"], date(2025, 9, 28)), (["Backend Developer + IA"], date(2025, 9, 28)),
    ]  # fmt: skip
    assert all(d.due is not None for d in weeks.deliverables)


def test_portuguese_is_recognised_and_table_rows_carry_their_columns() -> None:
    plan = parse_file(REALDOCS / "12_taskmaster-go-live.md")
    assert plan.language == "pt"
    (landing,) = by_title(plan, "Landing institucional restaurada (gradiente azul-roxo-rosa)")
    assert (landing.ref, landing.priority, landing.owners, landing.status, landing.checkbox) == (
        "1.1", "blocker", ["Frontend"], "open", False,
    )  # fmt: skip
    assert landing.due == date(2025, 11, 1)  # the document's `Target Date: 01 de novembro de 2025`
    (rls,) = by_title(plan, "RLS security audit")
    assert rls.owners == ["QA", "Security"]
