"""`check`, and the summary `parse` and `import` end with: how a document was read, in the reader's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import get_settings
from tests.conftest import SEED


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """Run `python -m bot ...` in-process with a throwaway SQLite database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'check.db'}")

    def command(*args: str, language: str = "en") -> tuple[int, str, str]:
        monkeypatch.setenv("LANGUAGE", language)
        get_settings.cache_clear()
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield command
    get_settings.cache_clear()


def test_check_of_the_seed_reads_every_line_and_exits_0(run) -> None:
    code, out, _ = run("check", str(SEED))
    assert code == 0
    assert "   17  deliverable      1. **PR Final Aprobado**  [#1 · Dev Lead · 2025-12-09 · blocker]" in out
    assert "   18  item             - [ ] Crear PR con todos los commits" in out
    assert "   20  evidence         - [ ] Entregar: Enlace al PR" in out
    assert "   15  owner            ### Dev Lead" in out
    assert "Read: 17 deliverables, 58 items, 6 owners, 11 with a due date, 0 reaching nobody, 0 warnings." in out


def test_check_exits_1_with_warnings_in_the_readers_language(run, tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text("# Plan\n\n## Pruebas\n\n- [ ] Ejecutar (vence: {{ fecha }})\n- [ ] Revisar\n", encoding="utf-8")
    code, out, _ = run("check", str(path), language="es")
    assert code == 1
    assert "Leído: 1 entregables, 2 ítems" in out
    assert "5: fecha no entendida: «{{ fecha }}»" in out
    assert "3: «Pruebas» no llega a nadie" in out


def test_check_exits_2_when_the_document_cannot_be_read(run, tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Notes\n\nJust text.\n", encoding="utf-8")
    code, out, err = run("check", str(path))
    assert (code, out) == (2, "")
    assert "no deliverables" in err


def test_parse_and_import_end_with_the_summary(run, tmp_path: Path) -> None:
    path = tmp_path / "release.md"
    path.write_text("# Release\n\n## QA Phase\n\n* [ ] QA: smoke test\n* [ ] Tag it\n", encoding="utf-8")
    code, out, err = run("parse", str(path))
    assert code == 0 and "- [ ] QA: smoke test" in out and "Read: 1 deliverables, 2 items, 1 owners" in err
    code, out, _ = run("import", str(path))
    assert code == 0 and "Read: 1 deliverables, 2 items, 1 owners" in out


def test_a_portuguese_document_is_answered_in_spanish_unless_language_says_otherwise() -> None:
    from bot.i18n import choose_language

    assert choose_language(person_language=None, setting="auto", plan_language="pt") == "es"
    assert choose_language(person_language=None, setting="en", plan_language="pt") == "en"
    assert choose_language(person_language="en", setting="auto", plan_language="pt") == "en"
