"""Due dates after a due word or 📅, in cells and under headings; read against the document's date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.document.dates import due_in, heading_due, read_due

BASE = date(2025, 3, 1)


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("Ship it (due 2025-03-10)", "en", date(2025, 3, 10)),
        ("Ship it by March 28", "en", date(2025, 3, 28)),
        ("Pagar proveedores, vence: 15/03", "es", date(2025, 3, 15)),
        ("Informe (fecha límite: 31 de marzo)", "es", date(2025, 3, 31)),
        ("Entregar el informe antes del 15 de marzo", "es", date(2025, 3, 15)),
        ("Deploy 📅 2025-03-30", "en", date(2025, 3, 30)),
        ("Relatório final, prazo: 10/04", "pt", date(2025, 4, 10)),
        ("Cerrar sprint ETA: 2025-11-07", "es", date(2025, 11, 7)),
    ],
)
def test_dates_after_due_markers(text: str, language: str, due: date) -> None:
    found = due_in(text, base=BASE, language=language)
    assert found is not None and found.due == due and found.readable


@pytest.mark.parametrize("text", ["Crear PR con todos los commits", "Update the database", "Antes del Canary"])
def test_text_without_a_due_marker_has_no_date(text: str) -> None:
    found = due_in(text, base=BASE, language="es")
    assert found is None or found.due is None


def test_an_unreadable_date_is_reported_as_such() -> None:
    found = due_in("QA **Due {{ env.qaDueDate }}**", base=BASE, language="en")
    assert found is not None and found.due is None and not found.readable
    assert found.text == "{{ env.qaDueDate }}"


def test_relative_deadlines_of_the_seed_still_count_from_the_document_date() -> None:
    assert read_due("48h", base=BASE, language="es").due == date(2025, 3, 3)  # type: ignore[union-attr]
    assert read_due("5 días", base=BASE, language="es").due == date(2025, 3, 6)  # type: ignore[union-attr]
    assert read_due("48-72h", base=BASE, language="es").due == date(2025, 3, 4)  # type: ignore[union-attr]
    assert read_due("TBD", base=BASE, language="es") is None
    assert read_due("Pendiente", base=BASE, language="es") is None


@pytest.mark.parametrize(
    ("heading", "language", "due"),
    [
        ("Monday, Jan 6", "en", date(2026, 1, 6)),
        ("Día 3 (3 días)", "es", date(2025, 3, 4)),
        ("2025-11-06", "es", date(2025, 11, 6)),
        ("**📅 22 - 28 de Septiembre de 2025** (7 días)", "es", date(2025, 9, 28)),
        ("**📅 29 Sep - 5 Oct de 2025** (7 días)", "es", date(2025, 10, 5)),
        ("23-24/Out (Wed-Thu) - Sprint de Correção", "pt", date(2025, 10, 24)),
    ],
)
def test_dated_headings(heading: str, language: str, due: date) -> None:
    assert heading_due(heading, base=BASE, language=language) == due


@pytest.mark.parametrize(
    "heading",
    ["Sprint 2: Módulo de Actividades - Parte 1", "Hypercare Period (First 2 Weeks)", "Week 1 Post-Launch",
     "1.1 Control de Versiones", "Release Cut Alpha 3"],
)  # fmt: skip
def test_headings_with_numbers_that_are_not_dates(heading: str) -> None:
    assert heading_due(heading, base=BASE, language="en") is None
