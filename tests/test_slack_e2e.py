"""The Slack app end to end: signed requests to the real server, a fake Slack, the seed in a real database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from storage.models import AuditEntry, ChecklistItem
from tests.e2e import Harness, all_text, checkbox_elements, click, find_option, running_app, ticked
from tests.fake_slack_validation import validate_blocks
from tests.slack_signing import app_home_opened_event, block_actions_payload, button_action, message_container


@pytest.fixture
def app(database_url: str) -> Iterator[Harness]:
    with running_app(database_url) as harness:
        yield harness


def ephemeral_tick(app: Harness, user: str, blocks: list[dict], text: str, *, tick: bool = True, **signing):
    payload = block_actions_payload(
        user, [click(blocks, text, tick=tick)], message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True)
    )
    response = app.side.send_action(payload, **signing)
    assert response.status_code == 200
    return response


def item(app: Harness, text: str) -> ChecklistItem:
    with app.session() as session:
        return session.exec(select(ChecklistItem).where(ChecklistItem.text.contains(text))).one()  # type: ignore[attr-defined]


def test_mine_shows_only_the_callers_deliverables_in_their_language(app: Harness) -> None:
    body = app.command("mine", "USRE1")
    text = all_text(body["blocks"])
    assert body["response_type"] == "ephemeral"
    assert "Secrets en Secret Manager" in text and "Backups y Retention" in text and "Redis Provisionado" in text
    assert "PR Final Aprobado" not in text and "Smoke Tests en Staging" not in text
    assert "tienes" in text and "Bloqueadores" in text  # Spanish: her Slack locale is es-ES
    assert "vence mañana" in text  # blockers are due 2025-12-09, the day after "now" in Madrid
    assert "Proof-of-provision (screenshot/metadata, NO valores)" in text
    # blockers come first, then high priority
    assert text.index("Secrets en Secret Manager") < text.index("Redis Provisionado")
    # within a priority, what is due soonest comes first: Playbooks (due 2025-12-10) before Redis (no date)
    assert text.index("Incident Playbooks") < text.index("Redis Provisionado")
    # the per-role list for today comes before the deliverables
    assert text.index("Proveer acceso staging") < text.index("Secrets en Secret Manager")
    for _, element in checkbox_elements(body["blocks"]):
        assert len(element["options"]) <= 10
    assert len(body["blocks"]) <= 50


def test_no_argument_means_mine_and_english_readers_get_english(app: Harness) -> None:
    body = app.command("", "UDEV1")
    text = all_text(body["blocks"])
    assert "PR Final Aprobado" in text and "you have" in text and "Blockers" in text
    assert "Add evidence" in text and "due tomorrow" in text


def test_one_open_deliverable_is_counted_in_the_singular(app: Harness) -> None:
    app.command("assign Dev/CI Engineer <@UNOBODY|pablo>", "UADMIN")  # a role with one deliverable
    one = all_text(app.command("mine", "UNOBODY")["blocks"])
    assert "tienes *1* entregable abierto." in one and "entregables abiertos" not in one
    app.command("assign Dev/CI Engineer <@UDEV1|arjun>", "UADMIN")
    more = all_text(app.command("mine", "UDEV1")["blocks"])
    assert "open deliverables." in more and "*1* open deliverable." not in more


def test_a_tick_sticks_updates_the_message_in_place_and_is_audited(app: Harness) -> None:
    blocks = app.command("mine", "USRE1")["blocks"]
    assert not ticked(blocks, "LOG_TOKEN")
    ephemeral_tick(app, "USRE1", blocks, "LOG_TOKEN")

    replaced = app.responses()[-1]
    assert replaced["replace_original"] in (True, "true") and ticked(replaced["blocks"], "LOG_TOKEN")
    assert not app.slack.calls_to("chat.postMessage")  # updated in place, never a new message
    again = app.command("mine", "USRE1")["blocks"]
    assert ticked(again, "LOG_TOKEN") and not ticked(again, "OPENAI_API_KEY")
    stored = item(app, "LOG_TOKEN")
    assert stored.done and stored.done_by == "USRE1" and stored.done_at is not None
    with app.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "item.tick")).one()
    assert entry.actor == "USRE1" and entry.target_id == stored.id and entry.source == "slack:mine"


def test_unticking_is_stored_too(app: Harness) -> None:
    blocks = app.command("mine", "USRE1")["blocks"]
    ephemeral_tick(app, "USRE1", blocks, "LOG_TOKEN")
    blocks = app.command("mine", "USRE1")["blocks"]
    ephemeral_tick(app, "USRE1", blocks, "LOG_TOKEN", tick=False)
    assert not item(app, "LOG_TOKEN").done
    assert not ticked(app.command("mine", "USRE1")["blocks"], "LOG_TOKEN")


def test_a_qa_clicking_an_sre_item_changes_nothing_and_is_told_why(app: Harness) -> None:
    blocks = app.command("role SRE", "UQA1")["blocks"]
    assert "Backups y Retention" in all_text(blocks)
    ephemeral_tick(app, "UQA1", blocks, "Definir política de backup")
    assert not item(app, "Definir política de backup").done
    told = [r for r in app.responses() if r.get("replace_original") in (False, "false", None) and r.get("text")]
    assert any("Solo los responsables" in r["text"] and "SRE" in r["text"] for r in told)
    redrawn = app.responses()[-1]  # the QA's own view is drawn again, undoing their click
    assert not ticked(redrawn["blocks"], "Definir política de backup")
    with app.session() as session:
        assert not session.exec(select(AuditEntry).where(AuditEntry.action == "item.tick")).all()


def test_two_owners_ticking_different_items_of_one_deliverable_at_once_both_stick(app: Harness) -> None:
    lucia = app.command("mine", "USRE1")["blocks"]
    mateo = app.command("mine", "USRE2")["blocks"]  # both drawn before either clicks
    ephemeral_tick(app, "USRE1", lucia, "Configurar backup target")
    ephemeral_tick(app, "USRE2", mateo, "Ejecutar backup manual")
    assert item(app, "Configurar backup target").done and item(app, "Ejecutar backup manual").done


def test_a_repeated_request_changes_nothing_more(app: Harness) -> None:
    blocks = app.command("mine", "USRE1")["blocks"]
    payload = block_actions_payload(
        "USRE1", [click(blocks, "LOG_TOKEN")], message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True)
    )
    app.side.send_action(payload)
    app.side.send_action(payload, retry_num=1, retry_reason="http_timeout")
    with app.session() as session:
        assert len(session.exec(select(AuditEntry).where(AuditEntry.action == "item.tick")).all()) == 1
    assert item(app, "LOG_TOKEN").done


def test_a_dm_tick_updates_that_message_with_chat_update(app: Harness) -> None:
    from bot.views import checklists
    from storage.db import session_scope

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
    from bot.slack.app import slack_client

    posted = slack_client(app.settings).chat_postMessage(channel="USRE1", blocks=page.blocks, text=page.text)
    payload = block_actions_payload(
        "USRE1", [click(page.blocks, "Test connection")], message_container(posted["channel"], posted["ts"])
    )
    app.side.send_action(payload)
    updates = app.slack.calls_to("chat.update")
    assert len(updates) == 1 and updates[0].ok
    dm = app.slack.messages(posted["channel"])[-1]
    assert ticked(dm["blocks"], "Test connection")
    assert item(app, "Test connection").done


def test_the_last_item_with_evidence_in_makes_the_deliverable_done(app: Harness) -> None:
    from bot.tracking.ticks import refresh_status
    from storage.db import session_scope
    from storage.models import Deliverable, Evidence

    with session_scope(app.engine) as session:
        deliverable = session.exec(select(Deliverable).where(Deliverable.title == "Redis Provisionado")).one()
        session.add(Evidence(deliverable_id=deliverable.id, user_id="USRE1", kind="text", text="redis:6379 ok"))
        refresh_status(
            session, team_id=app.settings.team_id, deliverable_id=deliverable.id, actor="USRE1", source="test"
        )
    for text in ("Provisionar Redis instance", "Configurar access policy", "Test connection"):
        ephemeral_tick(app, "USRE1", app.command("mine", "USRE1")["blocks"], text)
    with app.session() as session:
        deliverable = session.exec(select(Deliverable).where(Deliverable.title == "Redis Provisionado")).one()
    assert deliverable.status == "done" and deliverable.completed_by == "USRE1"
    assert "Redis Provisionado" not in all_text(app.command("mine", "USRE1")["blocks"])
    status = all_text(app.command("status", "USRE1")["blocks"])
    assert "INFRAESTRUCTURA" in status and "(1/5)" in status


def test_home_tab_shows_the_same_checklist_and_team_progress(app: Harness) -> None:
    app.side.send_event(app_home_opened_event("USRE1"))
    published = app.slack.calls_to("views.publish")
    assert published and published[-1].ok
    view = app.slack.home_view("USRE1")
    text = all_text(view["blocks"])
    assert "Secrets en Secret Manager" in text and "PR Final Aprobado" not in text
    assert "Progreso del plan" in text and "BLOQUEADORES" in text
    assert len(view["blocks"]) <= 100
    assert validate_blocks(view["blocks"], surface="home") == []

    payload = block_actions_payload(
        "USRE1", [click(view["blocks"], "Push a registry")], {"type": "view", "view_id": view["id"]}, view=view
    )
    app.side.send_action(payload)
    assert item(app, "Push a registry").done
    assert app.slack.calls_to("views.update")[-1].ok
    assert ticked(app.slack.home_view("USRE1")["blocks"], "Push a registry")
    with app.session() as session:
        assert session.exec(select(AuditEntry).where(AuditEntry.action == "item.tick")).one().source == "slack:home"


def test_status_and_blockers(app: Harness) -> None:
    status = all_text(app.command("status", "UQA1")["blocks"])
    assert "Por sección" in status and "Por responsable" in status and "0%" in status
    blockers = all_text(app.command("blockers", "UQA1")["blocks"])
    for title in ("PR Final Aprobado", "CI Verde", "Smoke Tests en Staging", "Secrets en Secret Manager"):
        assert title in blockers
    assert "Redis Provisionado" not in blockers
    assert "<@USRE1>" in blockers  # owners are mentioned by their people


def test_overdue_items_say_how_overdue(app: Harness) -> None:
    from datetime import timedelta

    app.clock[0] = app.clock[0] + timedelta(days=5)
    text = all_text(app.command("blockers", "UQA1")["blocks"])
    assert "4 días de retraso" in text


def test_help_unknown_words_and_nothing_assigned(app: Harness) -> None:
    help_es = all_text(app.command("help", "UQA1")["blocks"])
    for word in ("mine", "status", "blockers", "role", "evidence", "assign", "digest"):
        assert f"/deliverables {word}" in help_es or f"`/deliverables` o `/deliverables {word}`" in help_es
    assert "Cómo usar" in help_es
    unknown = all_text(app.command("frobnicate now", "UDEV1")["blocks"])
    assert "I don't know “frobnicate”" in unknown and "How to use" in unknown
    nothing = all_text(app.command("mine", "UNOBODY")["blocks"])
    assert "No tienes ningún rol asignado" in nothing and "/deliverables assign" in nothing


def test_assign_is_for_admins(app: Harness) -> None:
    refused = all_text(app.command("assign QA <@UNOBODY|pablo>", "UQA1")["blocks"])
    assert "Solo los admins" in refused
    done = all_text(app.command("assign QA <@UNOBODY|pablo>", "UADMIN")["blocks"])
    assert "<@UNOBODY>" in done and "QA" in done
    assert "Smoke Tests en Staging" in all_text(app.command("mine", "UNOBODY")["blocks"])
    unknown = all_text(app.command("assign Astronaut <@UNOBODY>", "UADMIN")["blocks"])
    assert "Astronaut" in unknown and "Dev Lead" in unknown


def test_a_slack_user_group_named_like_a_role_gives_the_role(app: Harness) -> None:
    app.slack.add_user("UQA9", name="vera", tz="Europe/Madrid", locale="es-ES")
    app.slack.add_usergroup("S0QA", handle="qa", users=["UQA9"])
    text = all_text(app.command("mine", "UQA9")["blocks"])
    assert "Smoke Tests en Staging" in text and "Integration/E2E Tests" in text


def test_forged_and_stale_requests_are_rejected_without_calling_slack(app: Harness) -> None:
    import time

    before = len(app.slack.calls)
    forged = app.side.send_command("mine", "USRE1", bad_signature=True)
    stale = app.side.send_command("mine", "USRE1", timestamp=int(time.time()) - 6 * 60)
    assert forged.status_code == 401 and stale.status_code == 401
    assert "Secrets" not in forged.text + stale.text
    assert len(app.slack.calls) == before


def test_slack_rate_limits_are_waited_out(app: Harness) -> None:
    app.slack.fail_next("chat.update", status=429, times=2, retry_after=1)
    app.slack.retry_after_seconds = 0
    from bot.slack.app import slack_client
    from bot.views import checklists
    from storage.db import session_scope

    with session_scope(app.engine) as session:
        page = checklists.user_checklist(
            session=session,
            settings=app.settings,
            team_id=app.settings.team_id,
            user_id="UQA1",
            now=app.clock[0],
            surface="reminder",
        )
    assert page is not None
    posted = slack_client(app.settings).chat_postMessage(channel="UQA1", blocks=page.blocks, text=page.text)
    app.side.send_action(
        block_actions_payload(
            "UQA1", [click(page.blocks, "Crear scripts E2E")], message_container(posted["channel"], posted["ts"])
        )
    )
    updates = app.slack.calls_to("chat.update")
    assert [c.status for c in updates] == [429, 429, 200]
    assert ticked(app.slack.messages(posted["channel"])[-1]["blocks"], "Crear scripts E2E")


def test_long_checklists_page_instead_of_failing(database_url: str, tmp_path) -> None:
    from bench.generate import generate_document

    document = tmp_path / "big.md"
    document.write_text(generate_document(120, language="es"), encoding="utf-8")
    with running_app(database_url, seed=document, assign=False) as big:
        from storage import plans, roster
        from storage.db import session_scope

        with session_scope(big.engine) as session:
            plan = plans.active_plan(session=session, team_id=big.settings.team_id)
            roles = list(plans.plan_roles(session=session, plan_id=plan.id).values())
            roster.assign_role(
                session=session, team_id=big.settings.team_id, role=roles[0], user_ids=["USRE1"], actor="cli"
            )
        first = big.command("mine", "USRE1")["blocks"]
        assert len(first) <= 50
        pager = [b for b in first if b.get("block_id") == "pager"]
        assert pager, "a long list offers more pages"
        more = pager[0]["elements"][0]
        big.side.send_action(
            block_actions_payload(
                "USRE1",
                [button_action(more["action_id"], "pager", more["value"])],
                message_container("C0FAKE0001", "1733650000.000001", is_ephemeral=True),
            )
        )
        second = big.responses()[-1]["blocks"]
        assert len(second) <= 50 and second != first
        assert validate_blocks(second, surface="message") == []
        def titles(blocks: list[dict]) -> set[str]:
            return {b["text"]["text"].split("*")[1] for b in blocks
                    if b.get("type") == "section" and b.get("block_id", "").startswith("d:")}

        assert titles(first).isdisjoint(titles(second))


def test_the_checkboxes_never_exceed_ten_options(database_url: str, tmp_path) -> None:
    document = tmp_path / "long.md"
    items = "\n".join(f"   - [ ] Paso número {i}" for i in range(1, 24))
    document.write_text(
        f"# Plan\n\n## Fecha: 2025-12-07\n\n## 🔴 BLOQUEADORES (48h)\n\n### SRE\n\n"
        f"1. **Migración larga**\n{items}\n   - [ ] Entregar: log\n",
        encoding="utf-8",
    )
    with running_app(database_url, seed=document) as long:
        blocks = long.command("mine", "USRE1")["blocks"]
        elements = [e for _, e in checkbox_elements(blocks)]
        assert [len(e["options"]) for e in elements] == [10, 10, 3]
        ephemeral_tick(long, "USRE1", blocks, "Paso número 17")
        assert ticked(long.responses()[-1]["blocks"], "Paso número 17")
        assert not ticked(long.responses()[-1]["blocks"], "Paso número 7")
        _, element, _ = find_option(long.responses()[-1]["blocks"], "Paso número 17")
        assert len(element["options"]) == 10


def test_a_failure_is_logged_once_and_the_person_is_told_without_a_trace(
    app: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.views import checklists

    def broken(**_: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(checklists, "status", broken)
    response = app.side.send_command("status", "UQA1")
    assert "database on fire" not in response.text and "Traceback" not in response.text
    told = app.responses()[-1]["text"]
    assert "Algo salió mal" in told and "Something went wrong" in told and "fire" not in told
    failures = [r for r in caplog.records if r.getMessage() == "listener failed"]
    assert len(failures) == 1 and "database on fire" in str(failures[0].exc_info[1])
