"""Priorities from what the text states: P-levels, MoSCoW, markers, blocker words."""

from __future__ import annotations

import pytest

from bot.document.priorities import cell_priority, heading_priority, own_priority, step_is_blocking


@pytest.mark.parametrize(
    ("heading", "priority"),
    [
        ("🔴 BLOQUEADORES (Acción Inmediata - 48h)", ("blocker", True)),
        ("🟡 INFRAESTRUCTURA (Antes del Canary)", ("high", True)),
        ("Critical Security Fixes (P0) - **BLOCKERS**", ("blocker", True)),
        ("High-Priority Security Fixes (P1)", ("high", True)),
        ("P2 - MEDIA PRIORIDAD (Próximo Sprint)", ("normal", True)),
        ("Must-Have (Essencial)", ("blocker", True)),
        ("Should-Have (Importante mas não bloqueador)", ("high", True)),
        ("Nice-to-Have (Diferencial)", ("normal", True)),
        ("🎯 OBJETIVO", ("normal", False)),
    ],
)
def test_heading_priorities(heading: str, priority: tuple[str, bool]) -> None:
    assert heading_priority(heading) == priority


def test_own_priority_only_when_stated_outright() -> None:
    assert own_priority("**Ejecutar suite completa de tests** `P0` `2SP`") == "blocker"
    assert own_priority("Check CI run on the tag / BLOCKING for all further activity") == "blocker"
    assert own_priority("File failures as `release-blocker` issues") is None
    assert own_priority("Check that master-blocking tests are green") is None
    assert own_priority("🟠 Rotate keys") == "high"
    assert own_priority("Fix a critical bug in the parser") is None
    assert own_priority("Crear PR con todos los commits") is None


@pytest.mark.parametrize(
    ("cell", "priority"),
    [("🔴 BLOQUEANTE", "blocker"), ("🟠 CRÍTICO", "high"), ("🟢 RECOMENDADO", "normal"), ("Alta", "high"),
     ("Medium", "normal"), ("🟠 High*", "high"), ("", None)],
)  # fmt: skip
def test_priority_columns(cell: str, priority: str | None) -> None:
    assert cell_priority(cell) == priority


def test_a_step_that_says_it_blocks_makes_its_deliverable_a_blocker() -> None:
    assert step_is_blocking("DEV: Check CI run on the tag / BLOCKING for all further activity")
    assert step_is_blocking("Go / No-Go: should be clear a day ahead")
    assert not step_is_blocking("Checked in with ci-signal: master-blocking tests are all green")
    assert not step_is_blocking("Review all release-blocking issues")


def test_a_priority_word_stated_as_one() -> None:
    assert own_priority("**Renew the TLS certificate** — Critical") == "blocker"
    assert own_priority("**Migrar los correos** — prioridad Alta") == "high"
    assert own_priority("Update the docs (low)") == "normal"
    assert own_priority("Fix a critical bug") is None
