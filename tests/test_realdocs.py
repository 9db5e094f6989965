"""Issue 21's bar on the twelve real documents in ../shared/realdocs: boxes reach people, nothing is made up.

Every expected value here was written by hand from reading the documents and their README (counts,
owners, dates), never from running a parser. The documents are other people's text: they stay outside the
project, and this module skips where they are absent (set REALDOCS_DIR to read them from elsewhere, e.g.
from a worktree whose ../shared is not the shared folder).

Owners compare case-insensitively with `@` optional (`@tbsbdr` and `tbsbdr` are one person; a parser may
keep or drop the `@`, Slack matching uses the name). A combined owner the parser reports (`DEV/QA`,
`QA/Security`, `product owner and release manager`) is fine when each part is the document's; a part of a
document's combined role name (`Tech Lead` of `Tech Lead + Backend Senior`) is not invented either. An owner
is found when a reported owner, or a part of one, is one of its spellings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pytest

from bot.document.read import parse_file, plan_to_json
from tests.plan_entries import (
    REALDOCS,
    Boxes,
    due_on,
    entries,
    owner_key,
    owner_parts,
    reported_owners,
    scan_boxes,
    tickable,
)

if not REALDOCS.is_dir():
    pytest.skip(f"the real documents are in {REALDOCS}, absent here", allow_module_level=True)


@dataclass(frozen=True)
class Expected:
    """What a careful reader finds in one real document."""

    checkboxes: int
    ticked: int
    owners: dict[str, tuple[str, ...]]  # each owner a reader sees -> its other acceptable spellings
    also_allowed: tuple[str, ...] = ()  # named as responsible by the document, not counted as item owners
    never: tuple[str, ...] = ()  # headings and phrases that must never become owners
    dates: tuple[tuple[int, str], ...] = ()  # (line where the entry starts, ISO due date)
    date_spans: tuple[tuple[int, int, str], ...] = ()  # (first line, last line, ISO date): every box between
    done_rows: tuple[int, ...] = ()  # lines that say done without a box (a status column's ✅)


# fmt: off
EXPECTED: dict[str, Expected] = {
    # Role prefixes (`DEV:`, `QA:`, `DEV/QA:`, `DEV/DOCS:`) and trailing @mentions of the doer. People to
    # ping or notify (`Ping @hodyroff`, `notify @michaelstingl ...`) are not owners; nor is a link's text.
    "01_ocis-release-template.md": Expected(
        checkboxes=72,
        ticked=0,
        owners={"DEV": (), "QA": (), "DOCS": (), "@tbsbdr": (), "@mmattel": (), "@wkloucek": (), "@micbar": ()},
        never=("Template", "Prerequisites", "QA Phase", "After QA Phase", "Post-release communication",
               "Release Template", "Kickoff meeting", "wopi", "Compatibility test", "Smoke test",
               "hodyroff", "michaelstingl", "hosy", "fmoc", "jesmrec"),
    ),
    # All items are the Release Lead's except release-day items whose sentence names the doer. The roster
    # names the Release Lead and its Shadows; `Release Team Lead` is how the text names the same role.
    # `## Release Lead tasks` gives "Release Lead", not "Release Lead tasks" (a reader drops "tasks").
    "02_k8s-release-lead-progress.md": Expected(
        checkboxes=98,
        ticked=0,
        owners={
            "Release Lead": ("Release Team Lead", "Release Team Leads"),
            "Release Lead Shadow": ("Release Lead Shadows",),
            "Release Notes Lead": (),
            "Branch Manager": ("Branch Manager Lead",),
            "Communications Lead": (),
            "Build Admins": (),
            "Docs Lead": (),
        },
        never=("Before the start of the Release Cycle", "Release Lead Onboarding", "Create Release Team Documents",
               "One week before the start of the release cycle", "General Tasks", "Release Cut Alpha 3",
               "Major Themes & Release Blog", "Shortly before Code freeze", "With Code Freeze", "After Code Freeze",
               "Release day morning", "Starting when ready", "Release Lead Offboarding tasks", "Further comments",
               "USERNAME", "(at)USERNAME", "kubernetes/release-engineering", "kubernetes/release-team"),
    ),
    # No owner is named anywhere: any owner reported is invented. Dates are template variables.
    "03_sourcegraph-release-issue.md": Expected(
        checkboxes=32,
        ticked=0,
        owners={},
        never=("Setup", "Security review", "Cut release", "Prepare release", "Release day", "Stage release",
               "Finalize release", "Post-release", "security-support", "marketing team"),
    ),
    # Owners in trailing parentheses, sometimes two; "with marketing" is a collaborator, not the owner.
    # The due date is `YYYY-MM-DD` in the front-matter title: a placeholder, not a date.
    "04_ddev-release-checklist.md": Expected(
        checkboxes=8,
        ticked=0,
        owners={"product owner": (), "release manager": (), "any DRUD maintainer": ("DRUD maintainer",), "TPM": ()},
        never=("Remaining actions", "marketing"),
    ),
    # The sign-off boxes' text is the approving role. Front-matter assignees are people the document names,
    # so reporting them is not invention, but they are not counted. `{{ env.qaDueDate }}` is no date.
    "05_va-mobile-release-signoff.md": Expected(
        checkboxes=9,
        ticked=0,
        owners={"QA": (), "Product": (), "Mobile Release Manager": ()},
        also_allowed=("timwright12", "chrisj-usds", "dumathane", "rachelhanster", "SarahHuber-AdHoc",
                      "DonMcCaugheyUSDS", "TKDickson"),
        never=("Release Checklist", "Sign-offs", "Release version", "App Store content changes?", "Severe bugs",
               "Regression Testing", "App Store", "In app/Alert Box", "required", "optional", "Images", "Content",
               "Privacy Policy", "Promotions etc."),
    ),
    # Only `## CNCF staff tasks` names its owner ("CNCF staff"); "within one month of acceptance" is no date.
    "06_cncf-sandbox-onboarding.md": Expected(
        checkboxes=30,
        ticked=0,
        owners={"CNCF staff": ()},
        also_allowed=("caniszczyk", "idvoretskyi", "jeefy", "krook", "mrbobbytables", "Cmierly"),
        never=("Review and understand", "Contribute and transfer", "Update and document",
               "Welcome to CNCF Project Onboarding", "thelinuxfoundation", "Optional"),
    ),
    # Item owners are the `Owner:` sub-bullets of the P0 items. The document owner and approver, the sign-off
    # table's roles and the UAT sign-off boxes' roles are responsible too (allowed, not counted). The many
    # parentheticals are scope or channel, never owners. Dates are phases ("Day 1 Post-Launch"): none.
    "07_sga-deployment-checklist.md": Expected(
        checkboxes=199,
        ticked=0,
        owners={"Backend Developer": (), "DevOps Engineer": (), "Power Platform Developer": ()},
        also_allowed=("Technical Lead", "CTO", "IT Director", "IT Project Manager", "Security Lead", "QA Lead",
                      "Business Owner", "Operations Manager", "HSEQ Manager", "IT Manager"),
        never=("DEPLOYMENT READINESS STATUS", "PRE-DEPLOYMENT PHASE", "SECURITY REMEDIATION",
               "Critical Security Fixes", "Critical Security Fixes (P0) - BLOCKERS", "CODE QUALITY & TESTING",
               "Power Apps Code Review", "Azure Environment Setup", "Network Security", "Backup & Disaster Recovery",
               "Application Insights Configuration", "Technical Team Training", "Pre-Deployment Final Checks",
               "Deployment Execution", "Hypercare Period (First 2 Weeks)", "Day 1 Post-Launch", "Rollback Procedure",
               "Rollback Triggers", "SUCCESS CRITERIA", "ROLLBACK PLAN", "APPROVAL SIGN-OFF",
               "Optional - Recommended", "PagerDuty/SMS", "Email", "Mobile", "Desktop", "if applicable",
               "for foremen", "for engineers/admins", "WCAG 2.1 AA", "IDOR", "SAST", "npm audit", "PIM", "optional"),
    ),
    # `Asignado: @x` lines (two joined with ` + `) and one `Responsable: scrum master/arquitecto-senior`.
    # `Asignado: Pendiente` means nobody. `(QA)` in a title is the area: that item's Asignado names its owners.
    # Due dates are the `ETA:` lines (listed on the line where their entry starts); `ETA: TBD` is none, and
    # `Status: COMPLETADO 2025-11-09` is when it was done, not a due date.
    "08_iact-tareas-activas.md": Expected(
        checkboxes=49,
        ticked=26,
        owners={"@backend-lead": (), "@devops-lead": (), "@equipo-frontend": (), "@copilot": (),
                "@arquitecto-senior": (), "@tech-writer": (), "@qa-lead": (), "@tech-lead": (),
                "scrum master": ()},
        never=("Pendiente", "TBD", "Ninguno", "Leyenda", "Validacion y Testing", "Frontend - Continuidad operativa",
               "Frontend", "Frontend - Arquitectura", "Testing Especifico", "Documentacion de Tareas", "Scripts Shell",
               "Documentacion", "DORA Metrics", "AI Excellence (DORA 2025)", "DORA Report 2025", "Pre-commit Hooks",
               "Monitoring", "MySQL", "Seguimiento QA", "CI/CD", "Database Maintenance", "Analytics Service",
               "Agentes SDLC Mejoras", "Completados Recientemente", "2025-11-06", "TEST-AUDIT-002", "QA"),
        dates=((44, "2025-11-07"), (51, "2025-11-07"), (58, "2025-11-07"), (65, "2025-11-08"), (100, "2025-11-08"),
               (155, "2025-11-09"), (162, "2025-11-20"), (169, "2025-11-21"), (176, "2025-11-22"),
               (184, "2025-11-22"), (192, "2025-11-21"), (199, "2025-11-24"), (206, "2025-11-22"),
               (239, "2025-11-08"), (247, "2025-11-09"), (269, "2025-11-08"), (277, "2025-11-15"),
               (290, "2025-11-15"), (299, "2025-11-20"), (307, "2025-11-25"), (317, "2025-11-13"),
               (326, "2025-11-18"), (333, "2025-11-18"), (342, "2025-11-12")),
    ),
    # Bold role lines; here ` + ` is part of one role's name (the team table lists five roles), so reporting
    # "Tech Lead + Backend Senior" whole is what finds it. "Todo el Equipo" owns the six final tasks. Each
    # week's tasks are due on the last day of the bold date range under its heading (`📅 6 - 12 Oct de 2025`).
    "09_triqueta-cronograma.md": Expected(
        checkboxes=246,
        ticked=0,
        owners={"Tech Lead + Backend Senior": (), "Backend Developer + IA": (), "Frontend Lead": (),
                "Frontend Developer + UX": (), "DevOps + QA": ("DevOps + QA + Full-Stack",),
                "Todo el Equipo": ()},
        never=("Tareas por Rol", "Objetivos", "Entregables", "Tareas Finales", "Equipo y Roles", "Resumen Ejecutivo",
               "Hitos Principales", "Cronograma Detallado por Semanas", "Semana 0: Planificación y Diseño Inicial",
               "Sprint 1: Autenticación y Usuarios", "FastAPI", "PEP 8, type hints", "React + Vite", "WCAG 2.1",
               "dev environment", "CI básico", "SQLAlchemy", "Playwright", "admin only", "opcional", "Sheet",
               "detalle", "grid", "Recharts o similar", "ejecutar manual", "code splitting"),
        date_spans=(
            (63, 97, "2025-09-28"), (122, 157, "2025-10-05"), (181, 225, "2025-10-12"), (248, 291, "2025-10-19"),
            (314, 352, "2025-10-26"), (375, 417, "2025-11-02"), (440, 479, "2025-11-09"), (502, 542, "2025-11-16"),
            (566, 617, "2025-11-22"),
        ),
    ),
    # The `☐` cells are the boxes (190 items in the Estado column, 5 sign-offs in the Firma column); the
    # `☐ SÍ / ☐ NO` choice is not one. Owners: the document's `Responsable: DevOps + Tech Lead` and the sign-off
    # rows' roles; the empty "Verificado Por" and "Fecha" columns name nobody and no date.
    "10_inmova-pre-despliegue.md": Expected(
        checkboxes=195,
        ticked=0,
        owners={"DevOps": (), "Tech Lead": (), "DevOps Lead": (), "QA Lead": (), "CTO": (), "Product Manager": ()},
        never=("CÓDIGO Y COMPILACIÓN", "Control de Versiones", "Build y Compilación", "Variables de Entorno",
               "SIGN-OFF FINAL", "Aprobaciones Requeridas", "Rollback Plan", "Smoke Tests en Producción",
               "Verificado Por", "Proceso de Verificación", "Equipo Técnico", "Vercel/Railway/etc.",
               "SendGrid/Mailgun/etc.", "A3, Contasimple, etc.", "Bankinter/Redsys", "si aplica", "Prisma",
               "main/master"),
    ),
    "11_mggti-entregable.md": Expected(
        checkboxes=9,
        ticked=4,
        owners={"Lud": (), "Juli": ()},
        never=("Entregable", "Partes del trabajo"),
    ),
    # Owners: the status tables' Owner column (`QA/Security` is both) and the three approver headings. The
    # Must-Have boxes are what go-live "em 01/Nov" (Target Date 01 de novembro de 2025) must have: due then.
    # Should-Have and Nice-to-Have are not bound to it; the timeline's plain bullets are not entries. The
    # 28 table rows whose Status is `✅` may be read as done (no box: not counted as checkboxes); `⚠️ Parcial`
    # and `❌` rows may not, and neither may the unticked boxes under `## ✅ Critérios Mínimos de Aceite`.
    "12_taskmaster-go-live.md": Expected(
        checkboxes=28,
        ticked=10,
        owners={"Frontend": (), "Backend": (), "DevOps": (), "QA": (), "Security": (), "Tech Lead": (),
                "Product": (), "Product Manager": (), "QA Lead": ()},
        never=("Definition of Done", "Definition of Done (DoD)", "DoD", "Must-Have", "Must-Have (Essencial)",
               "Essencial", "Should-Have", "Importante mas não bloqueador", "Nice-to-Have", "Diferencial",
               "Aprovações", "Critérios Mínimos de Aceite", "Timeline Proposta", "Scorecard Geral",
               "Status de Prontidão", "pode ser v1.1", "login, registro, recuperação", "sem leaks",
               "tecnicamente pronto", "bloqueadores existem", "testes passaram", "bugs críticos"),
        dates=tuple((line, "2025-11-01") for line in range(271, 281)),
        done_rows=(23, 24, 25, 35, 36, 37, 38, 39, 51, 69, 70, 72, 82, 83, 95, 96, 97, 99, 103, 160, 178, 191,
                   206, 207, 208, 209, 210, 213),
    ),
}
# fmt: on

DOCUMENTS = sorted(EXPECTED)


@functools.cache
def parsed(name: str) -> dict[str, Any]:
    return plan_to_json(parse_file(REALDOCS / name))


@functools.cache
def boxes(name: str) -> Boxes:
    return scan_boxes((REALDOCS / name).read_text(encoding="utf-8"))


def expected_dates(name: str) -> list[tuple[int, str]]:
    expected = EXPECTED[name]
    spans = [(line, due) for first, last, due in expected.date_spans for line in boxes(name).lines
             if first <= line <= last]  # fmt: skip
    return [*expected.dates, *spans]


def test_every_document_has_its_expectations() -> None:
    present = sorted(path.name for path in REALDOCS.glob("[0-9]*.md"))
    assert present == DOCUMENTS


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_scan_agrees_with_the_hand_counts(name: str) -> None:
    """Guard the test's own box scan: it must see exactly the boxes a reader counted."""
    assert (len(boxes(name).lines), len(boxes(name).ticked)) == (EXPECTED[name].checkboxes, EXPECTED[name].ticked)
    if EXPECTED[name].date_spans:
        assert len(expected_dates(name)) == EXPECTED[name].checkboxes  # every week's tasks have their date


@pytest.mark.parametrize("name", DOCUMENTS)
def test_checkboxes_reach_a_tickable_entry(name: str) -> None:
    box_lines = set(boxes(name).lines)
    lines = [entry.line for entry in tickable(parsed(name))]
    assert not set(lines) - box_lines, f"tickable entries on lines without a box: {sorted(set(lines) - box_lines)}"
    assert len(lines) == len(set(lines)), "two tickable entries for one box"
    missed = sorted(box_lines - set(lines))
    reached = EXPECTED[name].checkboxes - len(missed)
    assert reached >= 0.95 * EXPECTED[name].checkboxes, f"{reached}/{EXPECTED[name].checkboxes}; missed {missed}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_unticked_box_is_reported_done(name: str) -> None:
    ticked = set(boxes(name).ticked)
    unticked = set(boxes(name).lines) - ticked
    wrongly_done = sorted(
        entry.line
        for entry in entries(parsed(name))
        if entry.done and ((entry.checkbox and entry.line not in ticked) or entry.line in unticked)
    )
    assert not wrongly_done, f"unticked boxes reported done on lines {wrongly_done}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_nothing_is_done_that_the_document_does_not_say_is_done(name: str) -> None:
    """`✅` bullets (09's planned outputs, 07's success criteria, 10's steps to follow) are not done work."""
    said_done = set(boxes(name).ticked) | set(EXPECTED[name].done_rows)
    wrongly_done = sorted(entry.line for entry in entries(parsed(name)) if entry.done and entry.line not in said_done)
    assert not wrongly_done, f"reported done on lines {wrongly_done}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_owner_is_invented(name: str) -> None:
    expected = EXPECTED[name]
    spellings = [name for owner, others in expected.owners.items() for name in (owner, *others)]
    allowed = {owner_key(name) for name in (*spellings, *expected.also_allowed)}
    parts_of_allowed = set().union(*(owner_parts(name) for name in spellings)) if spellings else set()
    invented = sorted(
        {
            owner
            for owner in reported_owners(parsed(name))
            if owner_key(owner) not in allowed | parts_of_allowed
            and not (owner_parts(owner) and owner_parts(owner) <= allowed)
        }
    )
    assert not invented, f"owners the document does not name: {invented}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_headings_and_phrases_never_become_owners(name: str) -> None:
    never = {owner_key(phrase) for phrase in EXPECTED[name].never}
    wrong = sorted({owner for owner in reported_owners(parsed(name)) if owner_key(owner) in never})
    assert not wrong, f"read as owners: {wrong}"


@pytest.mark.parametrize("name", [name for name in DOCUMENTS if EXPECTED[name].owners])
def test_the_owners_a_reader_sees_are_found(name: str) -> None:
    reported: set[str] = set()
    for owner in reported_owners(parsed(name)):
        reported |= {owner_key(owner)} | owner_parts(owner)
    missing = [
        owner
        for owner, others in EXPECTED[name].owners.items()
        if not {owner_key(spelling) for spelling in (owner, *others)} & reported
    ]
    found = len(EXPECTED[name].owners) - len(missing)
    assert found >= 0.9 * len(EXPECTED[name].owners), f"{found}/{len(EXPECTED[name].owners)}; missing {missing}"


@pytest.mark.parametrize("name", [name for name in DOCUMENTS if expected_dates(name)])
def test_the_due_dates_a_reader_sees_are_found(name: str) -> None:
    plan_entries = entries(parsed(name))
    dates = expected_dates(name)
    missed = [(line, due) for line, due in dates if due not in due_on(plan_entries, line)]
    found = len(dates) - len(missed)
    assert found >= 0.9 * len(dates), f"{found}/{len(dates)}; missed (line, due): {missed[:20]}"
