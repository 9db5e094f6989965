"""Modals: handing in evidence (from a button or `/deliverables evidence N`) and importing a new document."""

from __future__ import annotations

import json
import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.config import Settings
from bot.i18n import t
from bot.masking.mask import describe
from bot.tracking.evidence import EvidenceError, find_deliverable, hand_in, valid_url, withdraw
from bot.views import blocks
from bot.views.blocks import surface_of_block
from bot.views.modals import FILE_BLOCK, IMPORT_BLOCK, LINK_BLOCK, TEXT_BLOCK, evidence_modal, import_modal, submitted
from handlers.common import reader_language, redraw_origin, tell
from storage import deliverable_views, plans
from storage.db import session_scope

if TYPE_CHECKING:
    from handlers.commands import Call

log = logging.getLogger("deliverables.views")
OPEN = re.compile(r"^evidence:open:")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


# --- evidence -------------------------------------------------------------------------------------------


def _modal_for(
    *,
    engine: Engine,
    settings: Settings,
    team_id: str,
    deliverable_id: int,
    user_id: str,
    lang: str,
    is_admin: bool,
    origin: dict[str, Any],
) -> dict[str, Any] | None:
    with session_scope(engine) as session:
        plan = plans.active_plan(session=session, team_id=team_id)
        views = (
            deliverable_views.load_views(
                session=session, plan_id=plan.id, deliverable_ids=[deliverable_id], open_only=False
            )
            if plan and plan.id
            else []
        )
        if not views:
            return None
        label = plan.evidence_label if plan and plan.language == lang else None
        return evidence_modal(views[0], lang=lang, user_id=user_id, is_admin=is_admin, origin=origin, label=label)


def evidence_command(call: Call) -> list[blocks.Block] | None:
    """`/deliverables evidence N` opens the form; `/deliverables evidence N LINK-OR-TEXT` hands it in at once."""
    number, _, rest = call.raw_args.partition(" ")
    if not number.lstrip("#").isdigit():
        return [blocks.section(t("evidence.usage", call.lang))]
    with session_scope(call.engine) as session:
        deliverable = find_deliverable(session=session, team_id=call.team_id, number=int(number.lstrip("#")))
        deliverable_id = deliverable.id if deliverable else None
    if deliverable_id is None:
        return [blocks.section(t("evidence.no_number", call.lang, number=number.lstrip("#")))]
    body = call.body
    if not rest.strip():
        origin = {"channel": body.get("channel_id"), "surface": "command"}
        modal = _modal_for(
            engine=call.engine,
            settings=call.settings,
            team_id=call.team_id,
            deliverable_id=deliverable_id,
            user_id=call.user_id,
            lang=call.lang,
            is_admin=call.is_admin,
            origin=origin,
        )
        if modal is not None:
            call.client.views_open(trigger_id=body["trigger_id"], view=modal)
        return None
    value = rest.strip()
    link, text = (value, None) if re.match(r"^<?https?://", value) else (None, value)
    if link:
        link = link.strip("<>").split("|")[0]  # Slack sends links as <url> or <url|label>
    try:
        with session_scope(call.engine) as session:
            handed = hand_in(
                session=session,
                team_id=call.team_id,
                deliverable_id=deliverable_id,
                user_id=call.user_id,
                is_admin=call.is_admin,
                link=link,
                text=text,
                source="slack:command",
            )
            return [blocks.section(_stored_text(handed, call.lang))]
    except EvidenceError as error:
        return [blocks.section(error.text(call.lang))]


def _stored_text(handed: Any, lang: str) -> str:
    lines = [t("evidence.stored", lang, title=blocks.escape(handed.deliverable.title), count=len(handed.pieces))]
    if handed.masked_kinds:
        lines.append(":lock: " + describe(handed.masked_kinds, lang))
    if handed.completed:
        lines.append(t("evidence.completed", lang, title=blocks.escape(handed.deliverable.title)))
    return "\n".join(lines)


def handle_open_evidence(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    is_admin: bool,
) -> None:
    """Open the evidence form from an "Add evidence" button (within the trigger_id's 3 seconds)."""
    ack()
    user_id = body["user"]["id"]
    lang = reader_language(engine=engine, client=client, settings=settings, team_id=team_id, user_id=user_id, now=now)
    container = body.get("container", {})
    surface, page = surface_of_block(action.get("block_id", "")) or ("mine", 1)
    # Where the button was, so that surface can be drawn again once the evidence is in.
    origin = {
        "channel": container.get("channel_id"),
        "surface": "home" if container.get("type") == "view" else surface,
        "page": page,
        "ts": None if container.get("is_ephemeral") else container.get("message_ts"),
        "response_url": body.get("response_url") if container.get("is_ephemeral") else None,
    }
    modal = _modal_for(
        engine=engine,
        settings=settings,
        team_id=team_id,
        deliverable_id=int(action["value"]),
        user_id=user_id,
        lang=lang,
        is_admin=is_admin,
        origin=origin,
    )
    if modal is not None:
        client.views_open(trigger_id=body["trigger_id"], view=modal)


def handle_evidence_submission(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    is_admin: bool,
) -> None:
    """Store what the form holds; a bad link or an empty form is answered on the form itself."""
    user_id = body["user"]["id"]
    lang = reader_language(engine=engine, client=client, settings=settings, team_id=team_id, user_id=user_id, now=now)
    meta = json.loads(view.get("private_metadata") or "{}")
    values = view.get("state", {}).get("values", {})
    link, text, files = submitted(values, LINK_BLOCK), submitted(values, TEXT_BLOCK), submitted(values, FILE_BLOCK)
    if link and not valid_url(link):
        ack(response_action="errors", errors={LINK_BLOCK: t("evidence.bad_url", lang)})
        return
    if not (link or (text or "").strip() or files):
        ack(response_action="errors", errors={LINK_BLOCK: t("evidence.empty", lang)})
        return
    details = [_file_details(client, file) for file in files]
    try:
        with session_scope(engine) as session:
            handed = hand_in(
                session=session,
                team_id=team_id,
                deliverable_id=int(meta["deliverable"]),
                user_id=user_id,
                is_admin=is_admin,
                link=link,
                text=text,
                files=details,
                source="slack:modal",
            )
            summary = _stored_text(handed, lang)
    except EvidenceError as error:
        ack(response_action="errors", errors={TEXT_BLOCK: error.text(lang)})
        return
    ack()
    channel = meta.get("channel")
    if channel and channel.startswith(("C", "G")):
        client.chat_postEphemeral(channel=channel, user=user_id, text=summary)
    else:
        client.chat_postMessage(channel=user_id, text=summary)
    redraw_origin(
        client=client, engine=engine, settings=settings, team_id=team_id, user_id=user_id, now=now, origin=meta
    )


def _file_details(client: WebClient, file: dict[str, Any]) -> dict[str, Any]:
    """An uploaded file's Slack object, whose name, type and permalink `hand_in` keeps; the file stays in Slack.

    Slack's view_submission carries each uploaded file's object in the file_input's state (bolt-js types it as
    ``UploadedFile``: id, name, title, filetype, mimetype, permalink, ...): files.info is asked only when the
    state lacks the name or the permalink, which saves a Web API call per file while the form waits."""
    if (file.get("name") or file.get("title")) and file.get("permalink"):
        return file
    try:
        return dict(client.files_info(file=file["id"])["file"])
    except SlackApiError as exc:
        log.warning("files.info failed", extra={"error": exc.response.get("error")})
        return file


def handle_withdraw(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    is_admin: bool,
) -> None:
    """Withdraw a piece of evidence from the form, and show the form again without it."""
    ack()
    user_id = body["user"]["id"]
    lang = reader_language(engine=engine, client=client, settings=settings, team_id=team_id, user_id=user_id, now=now)
    try:
        with session_scope(engine) as session:
            piece = withdraw(
                session=session, team_id=team_id, evidence_id=int(action["value"]), user_id=user_id, is_admin=is_admin
            )
            deliverable_id = piece.deliverable_id
    except EvidenceError as error:
        tell(client=client, respond=None, body=body, user_id=user_id, text=error.text(lang))
        return
    view = body.get("view") or {}
    meta = json.loads(view.get("private_metadata") or "{}")
    modal = _modal_for(
        engine=engine,
        settings=settings,
        team_id=team_id,
        deliverable_id=deliverable_id,
        user_id=user_id,
        lang=lang,
        is_admin=is_admin,
        origin={k: v for k, v in meta.items() if k != "deliverable"},
    )
    if modal is not None and view.get("id"):
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)


# --- a new version of the document ------------------------------------------------------------------


def open_import_modal(call: Call) -> list[blocks.Block] | None:
    """Open the import form (admins only; checked by the command)."""
    call.client.views_open(
        trigger_id=call.body["trigger_id"],
        view=import_modal(lang=call.lang, origin={"channel": call.body.get("channel_id")}),
    )
    return None


def handle_import_submission(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    engine: Engine,
    settings: Settings,
    team_id: str,
    now: datetime,
    is_admin: bool,
) -> None:
    """Fetch the file through the Web API, parse it and import it with the command line's rules."""
    from bot.document.charset import decode
    from bot.document.plan import DocumentError
    from bot.document.read import parse_document
    from bot.tracking.importer import import_plan

    user_id = body["user"]["id"]
    lang = reader_language(engine=engine, client=client, settings=settings, team_id=team_id, user_id=user_id, now=now)
    if not is_admin:
        ack(response_action="errors", errors={IMPORT_BLOCK: t("admin.only", lang, command="/deliverables import")})
        return
    files = submitted(view.get("state", {}).get("values", {}), IMPORT_BLOCK)
    if not files:
        ack(response_action="errors", errors={IMPORT_BLOCK: t("evidence.empty", lang)})
        return
    try:
        name, content = _download(client, settings, files[0]["id"])
        text = decode(content, path=name)  # as the command line reads a file: UTF-8, UTF-16 or an old cp1252
        plan = parse_document(text, path=name)
    except DocumentError as exc:
        error = t("import.failed", lang, error=exc.text(lang))
        ack(response_action="errors", errors={IMPORT_BLOCK: blocks.clip(error, 2000)})
        return
    with session_scope(engine) as session:
        report = import_plan(
            session=session,
            plan=plan,
            team_id=team_id,
            source_name=name,
            source_text=text,
            actor=user_id,
            source="slack:modal",
        )
        summary = report.summary(lang)
    ack()
    meta = json.loads(view.get("private_metadata") or "{}")
    message = t("import.done", lang, summary=f"```{blocks.clip(summary, 2800)}```")
    channel = meta.get("channel")
    if channel and str(channel).startswith(("C", "G")):
        client.chat_postEphemeral(channel=channel, user=user_id, text=message)
    else:
        client.chat_postMessage(channel=user_id, text=message)


def _download(client: WebClient, settings: Settings, file_id: str) -> tuple[str, bytes]:
    """A file's name and bytes: files.info, then its private URL with the bot token; a DocumentError when Slack
    does not hand it over or it is too large."""
    import requests

    from bot.document.plan import DocumentError

    try:
        info = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        raise DocumentError("document.not_handed", path=file_id, reason=error.response.get("error")) from None
    name = str(info.get("name") or file_id)
    if int(info.get("size") or 0) > MAX_DOCUMENT_BYTES:
        raise DocumentError("document.too_large", path=name)
    url = info.get("url_private_download") or info.get("url_private")
    token = client.token or (settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else "")
    try:
        response = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=15, allow_redirects=False)
    except requests.RequestException as error:
        raise DocumentError("document.not_handed", path=name, reason=type(error).__name__) from None
    if response.status_code != 200 or "text/html" in response.headers.get("Content-Type", ""):
        raise DocumentError("document.not_handed", path=name, reason=f"HTTP {response.status_code}")
    return name, response.content[: MAX_DOCUMENT_BYTES + 1]


def register(app: App) -> None:
    app.action(OPEN)(handle_open_evidence)
    app.action("evidence:withdraw")(handle_withdraw)
    app.view("evidence")(handle_evidence_submission)
    app.view("import")(handle_import_submission)
