"""The command line as a person uses it: what it prints, what it stores, and one clear line when it can't."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.config import Settings, get_settings
from tests.conftest import SEED
from tests.fake_slack_validation import validate_blocks

MOJIBAKE = ("Ã", "Â", "ðŸ", "â€")


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run `python -m bot ...` in-process against the test database; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DELIVERABLES_FILE", str(SEED))
    monkeypatch.setenv("TEAM_ID", settings.team_id)
    monkeypatch.chdir(Path(SEED).parent.parent)

    def run(*args: str) -> tuple[int, str, str]:
        get_settings.cache_clear()
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    get_settings.cache_clear()


def test_parse_json_is_the_contract(cli) -> None:
    code, out, _ = cli("parse", str(SEED), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["title"] == "ENTREGABLES PENDIENTES - Resumen para Equipo" and data["date"] == "2025-12-07"
    numbered = [d for d in data["deliverables"] if d["number"] is not None]
    assert [d["number"] for d in numbered] == list(range(1, 17))
    runbook = [d for d in data["deliverables"] if d["number"] is None]
    assert [(d["title"], d["status"]) for d in runbook] == [("Runbook", "done")]
    assert [t["role"] for t in data["today"]] == ["Dev Lead", "QA", "SRE", "Security"]
    assert not any(bad in out for bad in MOJIBAKE)
    assert "críticas" in out and "auditoría" in out and "Política" in out and "RÁPIDO" in out


def test_parse_without_json_writes_the_document_back(cli) -> None:
    code, out, _ = cli("parse", str(SEED))
    assert code == 0 and "1. **PR Final Aprobado**" in out and "🔴" in out


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"# Notes\n\nJust some text.\n", "no deliverables"),
    ],
)
def test_a_broken_document_gets_one_line_and_exit_2(cli, tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "broken.md"
    path.write_bytes(content)
    code, out, err = cli("parse", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "broken.md" in err and says in err.lower() and "Traceback" not in err


def test_import_reimport_roles_preview_export(cli, tmp_path: Path) -> None:
    code, out, _ = cli("import", str(SEED))
    assert code == 0 and "17 nuevos" in out and "#8 Worker/Queue para Imágenes" in out
    code, out, _ = cli("import", str(SEED))
    assert code == 0 and "0 nuevos, 0 cambiados, 0 archivados, 17 sin cambios" in out

    edited = tmp_path / "v2.md"
    edited.write_bytes(
        SEED.read_bytes()
        .replace(b"3. **Smoke Tests en Staging**", b"3. **Smoke Tests en Staging y Prod**")
        .replace(b"9. **Grafana Dashboards + Alertas**", b"9. **Tableros**")
    )
    code, out, _ = cli("import", str(edited))
    assert "~ cambiado: #3 Smoke Tests en Staging y Prod" in out
    assert "+ nuevo: #9 Tableros" in out and "- archivado: #9 Grafana Dashboards + Alertas" in out

    assert cli("roles", "assign", "SRE", "U0SRE1", "U0SRE2")[0] == 0
    code, out, _ = cli("roles", "list")
    assert "SRE" in out and "U0SRE1, U0SRE2" in out and "QA" in out and "(nadie asignado)" in out  # the document's
    code, _, err = cli("roles", "assign", "SRE", "not an id!")
    assert code == 2 and "not a Slack user id" in err  # LANGUAGE unset: errors in English, as Python's own

    code, out, _ = cli("preview", "--user", "U0SRE1", "--now", "2025-12-08T09:00:00+01:00")
    assert code == 0 and "Secrets en Secret Manager" in out and "vence mañana" in out
    assert "PR Final Aprobado" not in out and "[ ] Provisionar `LOG_TOKEN` en secret manager" in out
    assert not any(bad in out for bad in MOJIBAKE)

    code, out, _ = cli("preview", "--json", "--now", "2025-12-15T09:00:00Z")
    messages = json.loads(out)
    assert {m["to"] for m in messages} >= {"DM @U0SRE1", "DM @U0SRE2", "DM to QA (nobody assigned yet)"}
    assert any("digest" in m["to"] for m in messages)
    for message in messages:
        assert validate_blocks(message["blocks"], surface="message") == [], message["to"]
        for reply in message["thread"]:
            assert validate_blocks(reply["blocks"], surface="message") == []
    text = json.dumps(messages, ensure_ascii=False)
    assert "6 días de retraso" in text  # blockers were due 2025-12-09

    code, out, _ = cli("preview", "--digest")
    assert "Resumen de bloqueadores" in out and "DM" not in out

    target = tmp_path / "export.md"
    code, out, _ = cli("export", "--out", str(target))
    assert code == 0 and f"escrito {target} (17 entregables)" in out
    exported = target.read_text(encoding="utf-8")
    assert "3. **Smoke Tests en Staging y Prod**" in exported and "Grafana Dashboards" not in exported
    assert not any(bad in exported for bad in MOJIBAKE)


def test_run_without_slack_imports_the_seed_and_previews(cli) -> None:
    code, out, _ = cli("run")
    assert code == 0  # in the document's language (Spanish), from the first line to the last
    assert "Importado" in out and "Versión 1: 17 nuevos" in out and "+ nuevo: #1 PR Final Aprobado" in out
    assert "Secrets en Secret Manager" in out and "Resumen de bloqueadores" in out
    assert "No hay tokens de Slack" in out and "manifest.yml" in out and "No Slack tokens" not in out
    assert "▶ MD a Dev Lead (aún sin nadie asignado)" in out and "▶ #(DIGEST_CHANNEL sin definir) — resumen" in out
    assert "nobody assigned" not in out and "DM to" not in out
    code, out, _ = cli("run")
    assert "Importado" not in out  # the second start finds the plan already there
    assert "No hay tokens de Slack" in out


def test_run_speaks_the_configured_language_from_the_import_to_the_hint(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    code, out, _ = cli("run")
    assert code == 0
    assert "Imported" in out and "Version 1: 17 added" in out and "+ added: #1 PR Final Aprobado" in out
    assert "nuevos" not in out and "+ nuevo:" not in out
    assert "No Slack tokens are set" in out and "No hay tokens" not in out
    assert "▶ DM to Dev Lead (nobody assigned yet)" in out and "▶ #(DIGEST_CHANNEL not set) — digest" in out
    assert "open blockers" in out


def test_serve_without_tokens_says_what_is_missing(cli) -> None:
    code, _, err = cli("serve")
    assert code == 2 and "SLACK_BOT_TOKEN" in err


def test_the_command_line_speaks_language_in_its_errors_and_lists(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"# Notas\n\nSolo texto.\n")
    monkeypatch.setenv("LANGUAGE", "es")
    code, _, err = cli("parse", str(broken))
    assert code == 2 and err == f"error: {broken}: no hay entregables: se esperan entregables numerados " + (
        "(`1. **Título**`) con casillas (`- [ ] ...`) bajo secciones `##`\n"
    )
    code, _, err = cli("roles", "assign", "SRE")
    assert code == 2 and "uso: roles assign ROL" in err
    code, _, err = cli("export")
    assert code == 2 and "nada que exportar" in err

    monkeypatch.setenv("LANGUAGE", "en")  # a Spanish document, read by an English-speaking admin
    assert cli("import", str(SEED))[0] == 0
    code, out, _ = cli("roles", "assign", "QA", "U0QA1")
    assert code == 0 and out == "QA: U0QA1 (1 in all)\n"
    code, out, _ = cli("roles", "list")
    assert "(nobody assigned)" in out and "nadie" not in out
