"""Evidence end to end: the modal, the command, files, masking everywhere, withdrawing, importing from Slack."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.logs import configure_logging
from bot.views.digest import build_digest
from storage.db import session_scope
from storage.models import Deliverable, Evidence
from tests.conftest import SEED
from tests.e2e import Harness, all_text, click, running_app, ticked
from tests.slack_signing import block_actions_payload, button_action, message_container

CARD = "4111 1111 1111 1111"
EMAIL = "lucia.garcia@empresa.es"


@pytest.fixture
def app(database_url: str) -> Iterator[Harness]:
    with running_app(database_url) as harness:
        yield harness


def evidence_button(blocks: list[dict], title: str) -> tuple[dict, dict]:
    """(actions block, "Add evidence" button) of the deliverable titled `title`."""
    section = next(b for b in blocks if b.get("block_id", "").startswith("d:") and title in b["text"]["text"])
    deliverable_id = section["block_id"][2:]
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == f"evidence:open:{deliverable_id}":
                return block, element
    raise AssertionError(f"no evidence button for {title}")


def open_modal(app: Harness, user: str, title: str) -> dict:
    blocks = app.command("mine", user)["blocks"]
    block, button = evidence_button(blocks, title)
    app.side.send_action(
        block_actions_payload(
            user,
            [button_action(button["action_id"], block["block_id"], button["value"])],
            message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True),
        )
    )
    opened = app.slack.calls_to("views.open")
    assert opened and opened[-1].ok, opened[-1].response if opened else "views.open was not called"
    return opened[-1].response["view"]


def submit(
    app: Harness,
    user: str,
    view: dict,
    *,
    link: str | None = None,
    note: str | None = None,
    files: list[dict] | None = None,
):
    values = {
        "evidence_link": {"value": {"type": "url_text_input", "value": link}},
        "evidence_text": {"value": {"type": "plain_text_input", "value": note}},
        "evidence_files": {"value": {"type": "file_input", "files": files or []}},
    }
    return app.side.send_view_submission(user, "evidence", view["private_metadata"], values, view_id=view["id"])


def deliverable(app: Harness, title: str) -> Deliverable:
    with app.session() as session:
        return session.exec(select(Deliverable).where(Deliverable.title == title)).one()


def test_modal_from_a_button_takes_a_link_a_text_and_a_file(app: Harness) -> None:
    app.slack.add_file(
        "F0BACKUP1", name="backup-policy.pdf", content=b"%PDF-1.4", mimetype="application/pdf", filetype="pdf"
    )
    view = open_modal(app, "USRE1", "Backups y Retention")
    shown = all_text(view["blocks"])
    assert "Backups y Retention" in shown and "Política + log de backup manual" in shown
    assert len(view["title"]["text"]) <= 24
    response = submit(
        app,
        "USRE1",
        view,
        link="https://wiki.example.com/sre/backup-policy",
        note="Backup manual OK: 42 GB en 6 min",
        files=[{"id": "F0BACKUP1", "name": "backup-policy.pdf"}],
    )
    assert response.status_code == 200 and not response.content.strip(b"{}")  # closed, no errors

    with app.session() as session:
        pieces = session.exec(select(Evidence).order_by(Evidence.id)).all()
    assert [p.kind for p in pieces] == ["link", "text", "file"]
    assert {p.user_id for p in pieces} == {"USRE1"} and all(p.created_at for p in pieces)
    assert pieces[2].file_id == "F0BACKUP1" and pieces[2].file_name == "backup-policy.pdf"
    assert pieces[2].permalink and pieces[2].file_type == "pdf"
    assert deliverable(app, "Backups y Retention").evidence_done

    redrawn = app.responses()[-1]  # the ephemeral list the button was on now shows the evidence
    assert redrawn["replace_original"] in (True, "true") and "entregada (3)" in all_text(redrawn["blocks"])
    mine = all_text(app.command("mine", "USRE1")["blocks"])
    assert "wiki.example.com/sre/backup-policy" in mine and "backup-policy.pdf" in mine
    assert "entregada (3)" in mine
    told = app.slack.calls_to("chat.postEphemeral")[-1].params["text"]
    assert "Evidencia guardada" in told

    with session_scope(app.engine) as session:
        digest = build_digest(
            session=session, settings=app.settings, team_id=app.settings.team_id, now=app.clock[0], previous=None
        )
    assert digest is not None and "entregada (3)" in all_text([digest.summary, *digest.thread])

    exported = export(app)
    assert "<https://wiki.example.com/sre/backup-policy>" in exported and "backup-policy.pdf" in exported


def test_a_file_submitted_with_its_details_is_stored_without_asking_slack_again(app: Harness) -> None:
    # Slack's view_submission carries each uploaded file's object in the file_input's state; files.info is for
    # a state without them (the test above), not a second round trip while the form waits.
    uploaded = app.slack.add_file(
        "F0RUNBOOK", name="runbook-rollback.md", content=b"# Rollback", mimetype="text/markdown", filetype="markdown"
    )
    view = open_modal(app, "USRE1", "Backups y Retention")
    asked_before = len(app.slack.calls_to("files.info"))
    response = submit(app, "USRE1", view, files=[uploaded])
    assert response.status_code == 200 and not response.content.strip(b"{}")
    assert len(app.slack.calls_to("files.info")) == asked_before
    with app.session() as session:
        piece = session.exec(select(Evidence).where(Evidence.kind == "file")).one()
    assert (piece.file_id, piece.file_name, piece.file_type) == ("F0RUNBOOK", "runbook-rollback.md", "markdown")
    assert piece.permalink == uploaded["permalink"]
    assert "runbook-rollback.md" in all_text(app.command("mine", "USRE1")["blocks"])


def export(app: Harness) -> str:
    from bot.document.export import render_markdown
    from bot.tracking.writeback import stored_plan

    with session_scope(app.engine) as session:
        stored = stored_plan(session=session, team_id=app.settings.team_id)
    assert stored is not None
    return render_markdown(stored[0], evidence_links=stored[1])


def test_a_bad_url_gets_a_field_error_and_stores_nothing(app: Harness) -> None:
    view = open_modal(app, "USRE1", "Redis Provisionado")
    response = submit(app, "USRE1", view, link="redis.internal:6379 nada")
    assert response.json()["response_action"] == "errors"
    assert "evidence_link" in response.json()["errors"]
    empty = submit(app, "USRE1", view)
    assert empty.json()["response_action"] == "errors"
    with app.session() as session:
        assert session.exec(select(Evidence)).all() == []


def test_card_numbers_and_emails_never_appear_unmasked(app: Harness, capfd: pytest.CaptureFixture[str]) -> None:
    configure_logging(app.settings.model_copy(update={"log_level": "DEBUG"}))
    try:
        view = open_modal(app, "USEC1", "Security Sign-Off")
        submit(app, "USEC1", view, note=f"Prueba de masking: tarjeta {CARD}, contacto {EMAIL}. Todo OK.")
        app.command(f"evidence 16 Segunda prueba con {EMAIL} y {CARD.replace(' ', '')}", "USEC1")
        logging.getLogger("deliverables.test").info("submitted %s", f"{CARD} {EMAIL}")
        mine = all_text(app.command("mine", "USEC1")["blocks"])
    finally:
        logging.getLogger().handlers.clear()
    seen = [mine, export(app), capfd.readouterr().err]
    seen += [
        json.dumps(call.params, ensure_ascii=False) + json.dumps(call.response, ensure_ascii=False)
        for call in app.slack.calls
    ]
    with app.engine.connect() as connection:
        for table in ("evidence", "audit_log"):
            rows = connection.execute(text(f"SELECT * FROM {table}"))  # noqa: S608 - fixed table names
            seen.append(json.dumps([list(map(str, row)) for row in rows], ensure_ascii=False))
    everything = "\n".join(seen)
    for secret in (CARD, CARD.replace(" ", ""), EMAIL):
        assert secret not in everything
    assert "[REDACTED:credit_card]" in mine and "[REDACTED:email]" in mine
    told = [c.params["text"] for c in app.slack.calls_to("chat.postEphemeral")]
    assert any("Se ocultaron" in t and "tarjeta" in t for t in told)


def test_evidence_from_the_command_line_of_slack(app: Harness) -> None:
    reply = all_text(app.command("evidence 1 <https://git.example.com/org/app/pull/1234>", "UDEV1")["blocks"])
    assert "Evidence stored" in reply and "PR Final Aprobado" in reply
    with app.session() as session:
        piece = session.exec(select(Evidence)).one()
    assert piece.kind == "link" and piece.url == "https://git.example.com/org/app/pull/1234"
    usage = all_text(app.command("evidence", "UDEV1")["blocks"])
    assert "/deliverables evidence N" in usage
    missing = all_text(app.command("evidence 99 https://x.example.com", "UDEV1")["blocks"])
    assert "#99" in missing
    app.command("evidence 1", "UDEV1")  # no text: opens the form
    assert app.slack.calls_to("views.open")[-1].ok


def test_a_non_owner_cannot_hand_in_evidence(app: Harness) -> None:
    reply = all_text(app.command("evidence 5 https://wiki.example.com/backups", "UQA1")["blocks"])
    assert "Solo los responsables" in reply
    blocks = app.command("role SRE", "UQA1")["blocks"]
    block, button = evidence_button(blocks, "Backups y Retention")
    app.side.send_action(
        block_actions_payload(
            "UQA1",
            [button_action(button["action_id"], block["block_id"], button["value"])],
            message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True),
        )
    )
    view = app.slack.calls_to("views.open")[-1].response["view"]
    response = submit(app, "UQA1", view, link="https://wiki.example.com/backups")
    assert response.json()["response_action"] == "errors"
    with app.session() as session:
        assert session.exec(select(Evidence)).all() == []


def test_withdrawing_is_for_the_author_or_an_admin_and_is_kept(app: Harness) -> None:
    app.command("evidence 7 https://grafana.example.com/d/redis", "USRE1")
    view = open_modal(app, "USRE2", "Redis Provisionado")  # another SRE: sees it, may not withdraw it
    assert "grafana.example.com/d/redis" in all_text(view["blocks"])
    assert "evidence:withdraw" not in all_text(view["blocks"])
    view = open_modal(app, "USRE1", "Redis Provisionado")
    withdraw = next(
        b["accessory"] for b in view["blocks"] if b.get("accessory", {}).get("action_id") == "evidence:withdraw"
    )
    app.side.send_action(
        block_actions_payload(
            "USRE1",
            [button_action("evidence:withdraw", "ev", withdraw["value"])],
            {"type": "view", "view_id": view["id"]},
            view=view,
        )
    )
    with app.session() as session:
        piece = session.exec(select(Evidence)).one()
    assert piece.withdrawn_at is not None and piece.withdrawn_by == "USRE1"
    assert not deliverable(app, "Redis Provisionado").evidence_done
    assert "grafana.example.com" not in all_text(app.command("mine", "USRE1")["blocks"])
    assert app.slack.calls_to("views.update")[-1].ok


def test_evidence_and_the_last_tick_complete_a_deliverable(app: Harness) -> None:
    blocks = app.command("mine", "UDEV1")["blocks"]
    for item in ("Crear PR con todos los commits", "Solicitar reviews (Backend Lead + SRE)"):
        app.side.send_action(
            block_actions_payload(
                "UDEV1", [click(blocks, item)], message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True)
            )
        )
        blocks = app.responses()[-1]["blocks"]
    assert deliverable(app, "PR Final Aprobado").status == "open"  # the evidence is not in yet
    reply = all_text(app.command("evidence 1 https://git.example.com/org/app/pull/1234", "UDEV1")["blocks"])
    assert "is done" in reply
    assert deliverable(app, "PR Final Aprobado").status == "done"


def test_an_admin_imports_an_edited_document_from_slack_keeping_ticks_and_evidence(
    app: Harness, tmp_path: Path
) -> None:
    blocks = app.command("mine", "USRE1")["blocks"]
    app.side.send_action(
        block_actions_payload(
            "USRE1",
            [click(blocks, "LOG_TOKEN")],
            message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True),
        )
    )
    app.command("evidence 4 https://console.example.com/secrets/audit", "USRE1")
    edited = SEED.read_bytes().replace(b"**Redis Provisionado**", b"**Redis Provisionado (HA)**")
    edited = edited.replace(b"15. **Incident Playbooks**", b"15. **Incident Playbooks**\n    - [ ] Playbook: Restore")
    app.slack.add_file(
        "F0DOC2", name="ENTREGABLES_v2.md", content=edited, mimetype="text/markdown", filetype="markdown"
    )

    refused = app.command("import", "USRE1")
    assert "Solo los admins" in all_text(refused["blocks"])
    app.command("import", "UADMIN")
    view = app.slack.calls_to("views.open")[-1].response["view"]
    values = {"import_file": {"value": {"type": "file_input", "files": [{"id": "F0DOC2"}]}}}
    response = app.side.send_view_submission("UADMIN", "import", view["private_metadata"], values, view_id=view["id"])
    assert response.status_code == 200 and "errors" not in response.text
    told = app.slack.calls_to("chat.postEphemeral")[-1].params["text"]
    assert "Documento importado" in told and "Redis Provisionado (HA)" in told

    after = app.command("mine", "USRE1")["blocks"]
    assert ticked(after, "LOG_TOKEN") and "console.example.com/secrets/audit" in all_text(after)
    assert "Playbook: Restore" in all_text(after)

    app.slack.add_file(
        "F0BIN", name="photo.png", content=b"\x89PNG\r\n\x1a\n\x00\x00", mimetype="image/png", filetype="png"
    )
    app.command("import", "UADMIN")
    view = app.slack.calls_to("views.open")[-1].response["view"]
    values = {"import_file": {"value": {"type": "file_input", "files": [{"id": "F0BIN"}]}}}
    bad = app.side.send_view_submission("UADMIN", "import", view["private_metadata"], values, view_id=view["id"])
    assert bad.json()["response_action"] == "errors"
    said = bad.json()["errors"]["import_file"]  # in the admin's language, naming the file and the line
    assert said == "No he podido leer el archivo: photo.png:3: archivo binario (byte NUL)"
    assert ticked(app.command("mine", "USRE1")["blocks"], "LOG_TOKEN")  # nothing lost


def test_a_document_saved_by_an_old_windows_editor_imports_from_slack_as_from_the_command_line(app: Harness) -> None:
    old = "## BLOQUEADORES (48h)\n\n### SRE\n1. **Migración de la base**\n   - [ ] Revisión del esquema\n"
    app.slack.add_file("F0CP", name="plan.md", content=old.encode("cp1252"), mimetype="text/markdown")
    app.command("import", "UADMIN")
    view = app.slack.calls_to("views.open")[-1].response["view"]
    values = {"import_file": {"value": {"type": "file_input", "files": [{"id": "F0CP"}]}}}
    app.slack.add_file("F0BIG", name="big.md", content=b"- [ ] x\n" * 700_000, mimetype="text/markdown")
    too_big = {"import_file": {"value": {"type": "file_input", "files": [{"id": "F0BIG"}]}}}
    refused = app.side.send_view_submission("UADMIN", "import", view["private_metadata"], too_big, view_id=view["id"])
    said = refused.json()["errors"]["import_file"]  # told in the admin's words, before anything is downloaded
    assert said == "No he podido leer el archivo: big.md: documento demasiado grande (el límite es 5 MB)"
    response = app.side.send_view_submission("UADMIN", "import", view["private_metadata"], values, view_id=view["id"])
    assert response.status_code == 200 and "errors" not in response.text
    told = app.slack.calls_to("chat.postEphemeral")[-1].params["text"]
    assert "Documento importado" in told and "Migración de la base" in told
    assert "Revisión del esquema" in all_text(app.command("mine", "USRE1")["blocks"])


def test_an_import_from_slack_ends_with_how_the_document_was_read(app: Harness) -> None:
    doc = "# Lanzamiento\n\n## Backend\n\n- [ ] Migrar la base\n\n## Pruebas de carga\n\n- [ ] Escenario A\n"
    app.slack.add_file("F0READ", name="plan.md", content=doc.encode(), mimetype="text/markdown")
    app.command("import", "UADMIN")
    view = app.slack.calls_to("views.open")[-1].response["view"]
    values = {"import_file": {"value": {"type": "file_input", "files": [{"id": "F0READ"}]}}}
    response = app.side.send_view_submission("UADMIN", "import", view["private_metadata"], values, view_id=view["id"])
    assert response.status_code == 200 and "errors" not in response.text
    told = app.slack.calls_to("chat.postEphemeral")[-1].params["text"]
    # The admin sees what the command line's `import` and `check` say: the counts and, by line, who is missed.
    assert "Leído: 2 entregables" in told and "1 sin nadie a quien llegar" in told
    assert "7: «Pruebas de carga» no llega a nadie" in told


def test_evidence_from_a_dm_button_updates_that_dm(app: Harness) -> None:
    from bot.slack.client import slack_client
    from bot.views import checklists

    with session_scope(app.engine) as session:
        page = checklists.user_checklist(
            session=session,
            settings=app.settings,
            team_id=app.settings.team_id,
            user_id="USRE1",
            now=app.clock[0],
            surface="reminder",
        )
    assert page is not None
    posted = slack_client(app.settings).chat_postMessage(channel="USRE1", blocks=page.blocks, text=page.text)
    block, button = evidence_button(page.blocks, "Redis Provisionado")
    app.side.send_action(
        block_actions_payload(
            "USRE1",
            [button_action(button["action_id"], block["block_id"], button["value"])],
            message_container(posted["channel"], posted["ts"]),
        )
    )
    view = app.slack.calls_to("views.open")[-1].response["view"]
    submit(app, "USRE1", view, note="redis.internal:6379 PONG")
    updated = app.slack.calls_to("chat.update")
    assert updated and updated[-1].ok
    messages = app.slack.messages(posted["channel"])
    dm = all_text(next(m for m in messages if m["ts"] == posted["ts"])["blocks"])
    assert "redis.internal:6379 PONG" in dm and "entregada (1)" in dm
    assert "Evidencia guardada" in messages[-1]["text"]  # and the person is told, in the same DM
