"""Modals as Block Kit: the evidence form and the document import form. Pure."""

from __future__ import annotations

import json
from typing import Any

from bot.i18n import t
from bot.views import blocks
from bot.views.blocks import Block
from bot.views.deliverables import evidence_summary
from bot.views.mrkdwn import to_mrkdwn
from storage.deliverable_views import DeliverableView

LINK_BLOCK, TEXT_BLOCK, FILE_BLOCK = "evidence_link", "evidence_text", "evidence_files"
IMPORT_BLOCK = "import_file"


def _plain(text: str, limit: int = 24) -> dict[str, Any]:
    return {"type": "plain_text", "text": blocks.clip(text, limit), "emoji": True}


def evidence_modal(
    view: DeliverableView, *, lang: str, user_id: str, is_admin: bool, origin: dict[str, Any], label: str | None = None
) -> dict[str, Any]:
    """The form to hand in evidence for one deliverable, listing what is already in."""
    d = view.deliverable
    number = f"#{d.number} · " if d.number is not None else ""
    head = f"*{number}{to_mrkdwn(d.title)}*"
    if d.evidence_requirement:
        head += f"\n:paperclip: *{label or t('evidence.label', lang)}:* {to_mrkdwn(d.evidence_requirement)}"
    body: list[Block] = [blocks.section(head), blocks.context(t("evidence.hint", lang))]
    body += [
        {
            "type": "input",
            "block_id": LINK_BLOCK,
            "optional": True,
            "label": _plain(t("evidence.link", lang), 2000),
            "element": {"type": "url_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": TEXT_BLOCK,
            "optional": True,
            "label": _plain(t("evidence.text", lang), 2000),
            "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 3000},
        },
        {
            "type": "input",
            "block_id": FILE_BLOCK,
            "optional": True,
            "label": _plain(t("evidence.file", lang), 2000),
            "element": {"type": "file_input", "action_id": "value", "max_files": 10},
        },
    ]
    current = view.live_evidence[-20:]
    if current:
        body += [blocks.divider(), blocks.section(f"*{t('evidence.current', lang)}*")]
        for piece in current:
            row = blocks.section(evidence_summary(piece, lang), block_id=f"ev:{piece.id}")
            if piece.user_id == user_id or is_admin:
                row["accessory"] = blocks.button(
                    t("evidence.withdraw", lang), "evidence:withdraw", str(piece.id), style="danger"
                )
            body.append(row)
    return {
        "type": "modal",
        "callback_id": "evidence",
        "private_metadata": json.dumps({"deliverable": view.id, **origin}),
        "title": _plain(t("evidence.modal_title", lang)),
        "submit": _plain(t("evidence.submit", lang)),
        "close": _plain(t("evidence.cancel", lang)),
        "blocks": body[: blocks.VIEW_BLOCKS],
    }


def import_modal(*, lang: str, origin: dict[str, Any]) -> dict[str, Any]:
    """The form an admin uses to bring in a new version of the document."""
    return {
        "type": "modal",
        "callback_id": "import",
        "private_metadata": json.dumps(origin),
        "title": _plain(t("import.modal_title", lang)),
        "submit": _plain(t("import.submit", lang)),
        "close": _plain(t("evidence.cancel", lang)),
        "blocks": [
            blocks.context(t("import.hint", lang)),
            {
                "type": "input",
                "block_id": IMPORT_BLOCK,
                "label": _plain(t("import.file", lang), 2000),
                "element": {
                    "type": "file_input",
                    "action_id": "value",
                    "max_files": 1,
                    "filetypes": ["md", "markdown", "txt", "text"],
                },
            },
        ],
    }


def submitted(values: dict[str, Any], block_id: str) -> Any:
    """What the person entered in one input block of a submitted view."""
    element = (values.get(block_id) or {}).get("value") or {}
    if element.get("type") == "file_input":
        return element.get("files") or []
    return element.get("value")
