"""Several workspaces: install through OAuth, and each workspace sees only its own plan and roles."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit
from wsgiref.simple_server import make_server

import pytest
import requests

from bot.config import load_settings
from bot.document.plan import Deliverable, Item, Plan, Section
from bot.slack.app import create_app
from bot.slack.oauth import installed_teams
from bot.slack.server import WsgiApp
from bot.tracking.importer import import_plan
from storage import db, roster
from tests.e2e import NOW, SIGNING_SECRET, TrackingExecutor, _QuietHandler, _ThreadingServer, all_text
from tests.fake_slack import FakeSlack
from tests.slack_signing import SlackClient


def plan_titled(title: str) -> Plan:
    return Plan(
        title=title,
        date=date(2025, 12, 7),
        language="en",
        sections=[Section(title="BLOCKERS", priority="blocker")],
        deliverables=[
            Deliverable(
                number=1,
                title=title,
                section="BLOCKERS",
                priority="blocker",
                owners=["SRE"],
                items=[Item(f"{title}: first step")],
            )
        ],
    )


@pytest.fixture
def multi(database_url: str) -> Iterator[tuple[str, FakeSlack, object]]:
    with FakeSlack(token="xoxb-unused") as slack:
        slack.add_user("U1", name="lucia", tz="Europe/Madrid", locale="en-US")
        settings = load_settings(
            _env_file=None,
            database_url=database_url,
            slack_client_id=slack.client_id,
            slack_client_secret=slack.client_secret,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.url,
        )
        engine = db.make_engine(database_url)
        for team, title in (("TALPHA", "Alpha launch"), ("TBETA", "Beta launch")):
            with db.session_scope(engine) as session:
                import_plan(
                    session=session, plan=plan_titled(title), team_id=team, source_name="a.md", source_text=title
                )
                roster.assign_role(session=session, team_id=team, role="SRE", user_ids=["U1"], actor="cli")
        executor = TrackingExecutor()
        app = create_app(settings, engine=engine, clock=lambda: NOW, listener_executor=executor)
        server = make_server(
            "127.0.0.1", 0, WsgiApp(app, engine), server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", slack, (settings, engine)
        finally:
            executor.shutdown(wait=True)
            server.shutdown()
            server.server_close()
            engine.dispose()


def install(url: str, slack: FakeSlack, team: str) -> None:
    page = requests.get(f"{url}/slack/install", timeout=5)
    assert page.status_code == 200
    authorize = next(part for part in page.text.split('"') if part.startswith("https://slack.com/oauth/v2/authorize"))
    query = parse_qs(urlsplit(authorize.replace("&amp;", "&")).query)
    assert query["client_id"] == [slack.client_id] and "commands" in query["scope"][0]
    # The state cookie is marked Secure (Slack apps live behind https); send it as a browser would there.
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    done = requests.get(
        f"{url}/slack/oauth_redirect",
        params={"code": slack.authorize_code(team), "state": query["state"][0]},
        headers={"Cookie": cookie},
        timeout=5,
    )
    assert done.status_code == 200, done.text


def test_each_workspace_installs_and_sees_only_its_own_plan(multi) -> None:
    url, slack, (settings, engine) = multi
    install(url, slack, "TALPHA")
    install(url, slack, "TBETA")
    assert sorted(team for team, _ in installed_teams(settings, engine)) == ["TALPHA", "TBETA"]

    alpha = SlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack, team_id="TALPHA")
    beta = SlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack, team_id="TBETA")
    in_alpha = all_text(alpha.send_command("mine", "U1").json()["blocks"])
    in_beta = all_text(beta.send_command("mine", "U1").json()["blocks"])
    assert "Alpha launch" in in_alpha and "Beta launch" not in in_alpha
    assert "Beta launch" in in_beta and "Alpha launch" not in in_beta
    # every Web API call was made with the calling workspace's own bot token
    assert {call.params.get("_team") for call in slack.calls_to("users.info")} <= {"TALPHA", "TBETA"}


def test_a_workspace_that_never_installed_is_not_served(multi) -> None:
    url, slack, _ = multi
    stranger = SlackClient(f"{url}/slack/events", SIGNING_SECRET, fake=slack, team_id="TGAMMA")
    reply = stranger.send_command("mine", "U1")
    assert "Alpha" not in reply.text and "Beta" not in reply.text
    assert not slack.calls_to("users.info")  # nothing was looked up for a workspace we have no token for
    assert (
        requests.get(f"{url}/slack/oauth_redirect", params={"code": "forged", "state": "forged"}, timeout=5).status_code
        == 400
    )
