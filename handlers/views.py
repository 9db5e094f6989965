"""Modals: the evidence form (opened by a button; the command opens it too) and the import form."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.i18n import t
from bot.tracking.evidence import EvidenceError, hand_in, valid_url, withdraw
from bot.views import blocks
from bot.views.modals import FILE_BLOCK, IMPORT_BLOCK, LINK_BLOCK, TEXT_BLOCK, submitted
from handlers.call import Call, form_metadata
from handlers.common import redraw, tell
from handlers.forms import evidence_form, stored_text
from storage.db import session_scope

log = logging.getLogger("deliverables.views")
OPEN = re.compile(r"^evidence:open:")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


# --- evidence -------------------------------------------------------------------------------------------


def handle_open_evidence(ack: Ack, action: dict[str, Any], call: Call) -> None:
    """Open the evidence form from an "Add evidence" button (within the trigger_id's 3 seconds)."""
    ack()
    # Where the button was, so that surface can be drawn again once the evidence is in.
    form = evidence_form(call, int(action["value"]), call.surface.origin())
    if form is not None:
        call.client.views_open(trigger_id=call.body["trigger_id"], view=form)


def handle_evidence_submission(ack: Ack, view: dict[str, Any], call: Call) -> None:
    """Store what the form holds; a bad link or an empty form is answered on the form itself."""
    lang = call.lang
    values = view.get("state", {}).get("values", {})
    link, text, files = submitted(values, LINK_BLOCK), submitted(values, TEXT_BLOCK), submitted(values, FILE_BLOCK)
    if link and not valid_url(link):
        ack(response_action="errors", errors={LINK_BLOCK: t("evidence.bad_url", lang)})
        return
    if not (link or (text or "").strip() or files):
        ack(response_action="errors", errors={LINK_BLOCK: t("evidence.empty", lang)})
        return
    details = [_file_details(call.client, file) for file in files]
    try:
        with session_scope(call.engine) as session:
            handed = hand_in(
                session=session,
                team_id=call.team_id,
                deliverable_id=int(form_metadata(view)["deliverable"]),
                user_id=call.user_id,
                is_admin=call.is_admin,
                link=link,
                text=text,
                files=details,
                source="slack:modal",
            )
            summary = stored_text(handed, lang)
    except EvidenceError as error:
        ack(response_action="errors", errors={TEXT_BLOCK: error.text(lang)})
        return
    ack()
    _tell_where_opened(call, summary)
    redraw(call, call.surface, keep_emptied=True)


def _tell_where_opened(call: Call, text: str) -> None:
    """Answer a form privately in the channel it was opened from, or in a DM."""
    channel = call.surface.channel
    if channel and str(channel).startswith(("C", "G")):
        call.client.chat_postEphemeral(channel=channel, user=call.user_id, text=text)
    else:
        call.client.chat_postMessage(channel=call.user_id, text=text)


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


def handle_withdraw(ack: Ack, action: dict[str, Any], call: Call) -> None:
    """Withdraw a piece of evidence from the form, and show the form again without it."""
    ack()
    lang = call.lang
    try:
        with session_scope(call.engine) as session:
            piece = withdraw(
                session=session,
                team_id=call.team_id,
                evidence_id=int(action["value"]),
                user_id=call.user_id,
                is_admin=call.is_admin,
            )
            deliverable_id = piece.deliverable_id
    except EvidenceError as error:
        tell(call, error.text(lang))
        return
    view = call.body.get("view") or {}  # the form the button is on (Bolt's `view` is a submission's only)
    origin = {k: v for k, v in form_metadata(view).items() if k != "deliverable"}
    form = evidence_form(call, deliverable_id, origin)
    if form is not None and view.get("id"):
        call.client.views_update(view_id=view["id"], hash=view.get("hash"), view=form)


# --- a new version of the document ------------------------------------------------------------------


def handle_import_submission(ack: Ack, view: dict[str, Any], call: Call) -> None:
    """Fetch the file through the Web API, parse it and import it with the command line's rules."""
    from bot.document.charset import decode
    from bot.document.check import summary_lines
    from bot.document.plan import DocumentError
    from bot.document.read import parse_document
    from bot.tracking.importer import import_plan

    lang = call.lang
    if not call.is_admin:
        ack(response_action="errors", errors={IMPORT_BLOCK: t("admin.only", lang, command="/deliverables import")})
        return
    files = submitted(view.get("state", {}).get("values", {}), IMPORT_BLOCK)
    if not files:
        ack(response_action="errors", errors={IMPORT_BLOCK: t("evidence.empty", lang)})
        return
    try:
        name, content = _download(call.client, call.settings, files[0]["id"])
        text = decode(content, path=name)  # as the command line reads a file: UTF-8, UTF-16 or an old cp1252
        plan = parse_document(text, path=name)
    except DocumentError as exc:
        error = t("import.failed", lang, error=exc.text(lang))
        ack(response_action="errors", errors={IMPORT_BLOCK: blocks.clip(error, 2000)})
        return
    with session_scope(call.engine) as session:
        report = import_plan(
            session=session,
            plan=plan,
            team_id=call.team_id,
            source_name=name,
            source_text=text,
            actor=call.user_id,
            source="slack:modal",
        )
        summary = "\n".join([report.summary(lang), *summary_lines(plan, lang)])  # as `import` ends
    ack()
    _tell_where_opened(call, t("import.done", lang, summary=f"```{blocks.clip(summary, 2800)}```"))


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
