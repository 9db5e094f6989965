"""The document parser: the seed, other teams' documents, and anything else without a traceback."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.document.fences import fenced_lines
from bot.document.plan import Deliverable, DocumentError, Plan
from bot.document.read import parse_document, parse_file, plan_to_json

ROOT = Path(__file__).parent.parent
SEED = ROOT / "seeds" / "ENTREGABLES_PENDIENTES.md"
DOCUMENTS = Path(__file__).parent / "documents"


@pytest.fixture(scope="module")
def seed() -> Plan:
    return parse_file(SEED)


def by_number(plan: Plan, number: int) -> Deliverable:
    return next(d for d in plan.deliverables if d.number == number)


# -- the seed ---------------------------------------------------------------------------------------


def test_seed_header(seed: Plan) -> None:
    assert seed.title == "ENTREGABLES PENDIENTES - Resumen para Equipo"
    assert seed.date == seed.updated == date(2025, 12, 7)
    assert seed.language == "es"
    assert seed.evidence_label == "Entregar"
    assert seed.intro[0] == "## 🎯 OBJETIVO"
    assert seed.intro[1].startswith("Este documento lista todos los entregables pendientes")


def test_seed_sections(seed: Plan) -> None:
    sections = {s.title: s for s in seed.sections if s.kind == "deliverables"}
    assert list(sections) == ["BLOQUEADORES", "INFRAESTRUCTURA", "TESTING", "DOCUMENTACIÓN"]
    assert (sections["BLOQUEADORES"].priority, sections["BLOQUEADORES"].due) == ("blocker", date(2025, 12, 9))
    assert sections["BLOQUEADORES"].deadline == "Acción Inmediata - 48h"
    infra = sections["INFRAESTRUCTURA"]
    assert (infra.priority, infra.milestone, infra.due) == ("high", "Canary", None)
    assert sections["TESTING"].due == date(2025, 12, 12)
    assert sections["DOCUMENTACIÓN"].due == date(2025, 12, 10)
    assert [s.kind for s in seed.sections[4:]] == ["completed", "today"]
    assert seed.sections[0].line == 13


def test_seed_deliverables(seed: Plan) -> None:
    numbered = [d for d in seed.deliverables if d.number is not None]
    assert [d.number for d in numbered] == list(range(1, 17))
    assert all(d.status == "open" for d in numbered)
    first = by_number(seed, 1)
    assert (first.title, first.section, first.priority, first.owners) == (
        "PR Final Aprobado", "BLOQUEADORES", "blocker", ["Dev Lead"],
    )  # fmt: skip
    assert [i.text for i in first.items] == [
        "Crear PR con todos los commits",
        "Solicitar reviews (Backend Lead + SRE)",
    ]
    assert first.evidence == "Enlace al PR" and not first.evidence_done
    assert first.notes == [
        "**Commits a incluir**:\n- Correcciones críticas de auditoría\n- Migración I/O async\n- Documentación"
    ]
    assert (first.line, first.items[0].line) == (17, 18)
    assert by_number(seed, 2).owners == ["Dev/CI Engineer"]
    assert by_number(seed, 3).notes[0].startswith("**Comandos**:\n```bash\n# Ver RESPUESTA")
    assert by_number(seed, 4).owners == ["SRE", "Security"]
    assert by_number(seed, 4).evidence == "Proof-of-provision (screenshot/metadata, NO valores)"
    assert by_number(seed, 6).owners == ["Dev", "SRE"]
    assert by_number(seed, 8).title == "Worker/Queue para Imágenes"
    assert by_number(seed, 8).ref == "Tarea #4"
    assert by_number(seed, 11).ref == "Tarea #2"
    assert by_number(seed, 12).owners == ["Dev", "QA"]
    assert by_number(seed, 16).owners == ["Security", "QA"]
    assert all(not i.text.startswith("Entregar") for d in seed.deliverables for i in d.items)


@pytest.mark.parametrize(
    ("number", "due"), [(1, date(2025, 12, 9)), (7, None), (12, date(2025, 12, 12)), (15, date(2025, 12, 10))]
)
def test_seed_due_dates(seed: Plan, number: int, due: date | None) -> None:
    assert by_number(seed, number).due == due


def test_seed_completed_entry(seed: Plan) -> None:
    runbook = seed.deliverables[-1]
    assert (runbook.number, runbook.title, runbook.status) == (None, "Runbook", "done")
    assert runbook.detail == "(`docs/runbook.md`) - Draft completo creado"
    assert runbook.section == "COMPLETADOS"
    assert len(seed.deliverables) == 17


def test_seed_today_lists(seed: Plan) -> None:
    assert [t.role for t in seed.today] == ["Dev Lead", "QA", "SRE", "Security"]
    assert [i.text for i in seed.today[1].items] == ["Ejecutar smoke tests", "Pegar salida aquí"]


def test_seed_json_is_the_contract_and_clean(seed: Plan) -> None:
    data = plan_to_json(seed)
    dump = json.dumps(data, ensure_ascii=False)
    assert not [bad for bad in ("Ã", "Â", "ðŸ", "â€") if bad in dump]
    assert data["title"] == "ENTREGABLES PENDIENTES - Resumen para Equipo"
    assert data["date"] == "2025-12-07"
    section = {
        "title": "BLOQUEADORES",
        "priority": "blocker",
        "deadline": "Acción Inmediata - 48h",
        "due": "2025-12-09",
    }
    assert section.items() <= data["sections"][0].items()
    first = data["deliverables"][0]
    expected = {"number": 1, "title": "PR Final Aprobado", "section": "BLOQUEADORES", "priority": "blocker",
                "owners": ["Dev Lead"], "due": "2025-12-09", "ref": None, "status": "open",
                "evidence": "Enlace al PR"}  # fmt: skip
    assert {key: first[key] for key in expected} == expected
    assert {"text": "Crear PR con todos los commits", "done": False}.items() <= first["items"][0].items()
    assert data["deliverables"][-1]["number"] is None and data["deliverables"][-1]["status"] == "done"
    assert {"role": "Dev Lead"}.items() <= data["today"][0].items()
    assert data["today"][0]["items"][0]["text"] == "Crear PR final"
    json.dumps(data)  # plain JSON types only


# -- other teams' documents ------------------------------------------------------------------------


def test_english_document() -> None:
    plan = parse_file(DOCUMENTS / "english_release.md")
    assert (plan.title, plan.language, plan.date) == ("Q4 Release Deliverables", "en", date(2025, 12, 1))
    assert plan.evidence_label == "Evidence"
    blockers, hardening, docs = plan.sections[:3]
    assert (blockers.title, blockers.priority, blockers.due) == ("Blockers", "blocker", date(2025, 12, 3))
    assert (hardening.priority, hardening.due) == ("high", date(2025, 12, 8))  # 🟠, 1 week
    assert (docs.priority, docs.milestone, docs.due) == ("normal", "launch", None)  # 🔵, Before launch
    api = by_number(plan, 3)
    assert (api.title, api.owners) == ("Ship the API", ["Backend"])
    assert [(i.text, i.done, i.depth) for i in api.items] == [
        ("Merge the auth branch", True, 0), ("Deploy to staging", False, 0),
        ("Run the migrations", False, 1), ("Warm the caches", True, 1),
    ]  # fmt: skip
    limiter = by_number(plan, 1)
    assert limiter.owners == ["Backend", "QA"]
    assert limiter.due == date(2025, 12, 2)  # its own Due: line beats the section's 48h
    assert (limiter.evidence, limiter.evidence_done) == ("Grafana screenshot", True)
    assert [i.done for i in limiter.items] == [False, True]
    audit = by_number(plan, 2)
    assert (audit.ref, audit.owners) == ("JIRA-431", ["Security"])  # `- Owner:` line
    rotate = by_number(plan, 4)
    assert (rotate.status, rotate.owners, rotate.evidence) == ("done", ["SRE", "Security"], "Rotation ticket")
    runbook = by_number(plan, 5)
    assert (runbook.title, len(runbook.items)) == ("Update the runbook", 2)
    done = plan.deliverables[-1]
    assert (done.title, done.status, done.section) == ("Status page", "done", "Done")
    assert [(t.role, [i.text for i in t.items]) for t in plan.today] == [
        ("QA", ["Run the load test again"]), ("Backend", ["Deploy to staging"]),
    ]  # fmt: skip
    assert plan.intro == ["Everything the release train still needs, by owner."]


def test_spanish_document_with_crlf_tabs_and_star_bullets() -> None:
    raw = (DOCUMENTS / "spanish_crlf_tabs.md").read_bytes()
    assert b"\r\n" in raw and b"\t" in raw
    plan = parse_file(DOCUMENTS / "spanish_crlf_tabs.md")
    assert (plan.date, plan.language, plan.evidence_label) == (date(2025, 12, 7), "es", "Evidencia")
    pipeline = plan.sections[0]
    assert (pipeline.title, pipeline.priority, pipeline.due) == ("PIPELINE", "high", date(2025, 12, 10))
    ingest = by_number(plan, 1)
    assert ingest.ref == "Tarea #12"
    assert [(i.text, i.done, i.depth) for i in ingest.items] == [
        ("Crear el DAG", False, 0), ("Tarea de extracción", False, 1),
        ("Tarea de carga", True, 1), ("Configurar alertas", False, 0),
    ]  # fmt: skip
    assert ingest.evidence == "Captura del DAG en verde"
    cleanup = by_number(plan, 2)
    assert cleanup.title == "Limpieza de duplicados"  # no bold
    assert [(i.text, i.done) for i in cleanup.items] == [
        ("Detectar duplicados", True),
        ("Borrar duplicados", False),
    ]
    assert cleanup.owners == ["Data Engineer", "QA"]
    assert cleanup.due == date(2025, 12, 8)
    assert by_number(plan, 3).owners == ["Analista", "Data Engineer"]
    assert by_number(plan, 3).due == date(2025, 12, 14)  # 1 semana
    assert [t.role for t in plan.today] == ["Data Engineer"]
    assert by_number(plan, 1).line == 9


def test_bom_document() -> None:
    assert (DOCUMENTS / "bom.md").read_bytes().startswith(b"\xef\xbb\xbf")
    plan = parse_file(DOCUMENTS / "bom.md")
    assert plan.title == "Plan con BOM"
    assert plan.sections[0].priority == "blocker"


def test_code_block_items_are_notes() -> None:
    plan = parse_file(DOCUMENTS / "code_block.md")
    assert [d.number for d in plan.deliverables] == [1, 2]
    script = plan.deliverables[0]
    assert [i.text for i in script.items] == ["Escribir el script"]
    assert "- [ ] esto no es un ítem" in script.notes[0]
    assert "- [ ] ni esto, indentado" in script.notes[1]


def test_not_a_deliverables_document() -> None:
    with pytest.raises(DocumentError, match="no deliverables found") as error:
        parse_file(DOCUMENTS / "not_deliverables.md")
    assert "not_deliverables.md" in str(error.value)


def test_objectives_list_is_prose_not_deliverables() -> None:
    plan = parse_document(
        "# Plan\n\n## Objetivos\n\n1. Reducir latencia\n2. Subir cobertura\n\n"
        "## 🔴 Bloqueadores (48h)\n\n1. **PR**\n   - [ ] Crear PR\n"
    )
    assert [d.title for d in plan.deliverables] == ["PR"]
    assert plan.intro == ["## Objetivos", "1. Reducir latencia\n2. Subir cobertura"]


def test_owner_heading_words_and_inline_owner() -> None:
    plan = parse_document(
        "# P\n\n## Blockers\n\n### Dev / QA\n\n1. **A**\n   - [ ] a\n\n"
        "2. **B** (Owner: Backend, Data)\n   - [ ] b\n\n### Security + QA\n\n3. **C**\n   - [ ] c\n"
    )
    assert [d.owners for d in plan.deliverables] == [["Dev", "QA"], ["Backend", "Data"], ["Security", "QA"]]
    assert plan.sections[0].priority == "blocker"  # from the word


# -- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"", "empty document", None),
        (b"  \n\n", "empty document", None),
        (b"# t\n\n\x00\x00binary", "binary", 3),
        (b"# t\n\x81\x8d\x8f", "not a text file", 2),
    ],
)
def test_unreadable_files_are_refused(tmp_path: Path, data: bytes, message: str, line: int | None) -> None:
    path = tmp_path / "doc.md"
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=message) as error:
        parse_file(path)
    assert error.value.path == str(path)
    assert error.value.line == line


def test_enormous_and_missing_files_are_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(DocumentError, match="too large"):
        parse_file(big)
    with pytest.raises(DocumentError, match="cannot read"):
        parse_file(tmp_path / "missing.md")


# -- anything else: parse or DocumentError, never a traceback ----------------------------------------

MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["# T", "## 🔴 X (48h)", "## ✅ Done", "## Today by role", "### QA (Hoy)", "### Dev / QA", "---",
             "1. **A** (Tarea #1)", "2. B — Owner: X", "- [ ] a", "  - [x] b", "\t* [X] c", "- Entregar: x",
             "- [ ] Evidence:", "Due: 2025-13-45", "Vence: 48h", "```", "~~~", "#### 3. H", "- ✅ **R**", "",
             "**Última actualización**: 2025-12-07", "## Fecha: 2025-02-30", "Date: 1/2/2025", "ðŸ”´ Ã Â â€"]
        ),
        st.text(max_size=40),
    ),
    max_size=40,
).map("\n".join)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), MARKDOWNISH))
def test_any_text_parses_or_raises_document_error(text: str) -> None:
    try:
        plan = parse_document(text)
    except DocumentError:
        return
    assert plan.deliverables
    json.dumps(plan_to_json(plan))


FENCY = st.lists(
    st.sampled_from(
        ["# H", "## S", "```", "~~~", "````", "   ```", "- [ ] a", "1. **A**", "   - b", "text", "", "> q"]
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(FENCY)
def test_fence_detection_by_stretches_matches_whole_document_parsing(text_lines: list[str]) -> None:
    whole = MarkdownIt("commonmark").disable("inline").parse("\n".join(text_lines))
    expected = {i for t in whole if t.type == "fence" and t.map for i in range(*t.map)}
    assert fenced_lines(text_lines) == expected


def test_unclosed_fence_swallows_the_headings_after_it() -> None:
    plan = parse_document("# P\n\n## Blockers\n\n1. **A**\n   - [ ] a\n\n```\n## Not a section\n2. **B**\n")
    assert [s.title for s in plan.sections] == ["Blockers"]
    assert plan.deliverables[0].notes == ["```\n## Not a section\n2. **B**"]
