"""Block Kit -> readable terminal text, so `preview` shows exactly what Slack would show."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_LINK = re.compile(r"<([^|<>]+)\|([^<>]+)>")
_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_BARE = re.compile(r"<(https?://[^<>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_EMOJI = {
    ":white_check_mark:": "✅",
    ":warning:": "⚠️",
    ":calendar:": "📅",
    ":paperclip:": "📎",
    ":hourglass_flowing_sand:": "⏳",
    ":clipboard:": "📋",
    ":tada:": "🎉",
    ":rotating_light:": "🚨",
    ":wave:": "👋",
    ":thread:": "🧵",
    ":alarm_clock:": "⏰",
    ":double_vertical_bar:": "⏸️",
    ":lock:": "🔒",
}


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn to plain text: links, mentions and emoji codes made readable."""
    text = _LINK.sub(lambda m: f"{m[2]} ({m[1]})", text)
    text = _MENTION.sub(lambda m: f"@{m[1]}", text)
    text = _BARE.sub(lambda m: m[1], text)
    text = _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))
    for code, emoji in _EMOJI.items():
        text = text.replace(code, emoji)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text_of(obj: dict[str, Any] | None) -> str:
    return mrkdwn_to_text(obj.get("text", "")) if obj else ""


def _element(element: dict[str, Any]) -> list[str]:
    kind = element.get("type")
    if kind == "checkboxes":
        selected = {o["value"] for o in element.get("initial_options", [])}
        return [f"  [{'x' if o['value'] in selected else ' '}] {_text_of(o['text'])}" for o in element["options"]]
    if kind == "button":
        return [f"  ( {_text_of(element['text'])} )"]
    if kind in ("mrkdwn", "plain_text"):
        return [_text_of(element)]
    if kind == "datepicker":
        return [f"  [📅 {element.get('initial_date') or _text_of(element.get('placeholder')) or 'date'}]"]
    if kind == "timepicker":
        return [f"  [🕘 {element.get('initial_time') or _text_of(element.get('placeholder')) or 'time'}]"]
    return [f"  <{kind}>"]


def blocks_to_text(blocks: Sequence[dict[str, Any]]) -> str:
    """Render blocks as lines a person can read in a terminal."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines += ["", f"== {_text_of(block['text'])} =="]
        elif kind == "section":
            lines.append(_text_of(block.get("text")))
            lines += [_text_of(f) for f in block.get("fields", [])]
            if block.get("accessory"):
                lines += _element(block["accessory"])
        elif kind == "actions":
            buttons = [e for e in block["elements"] if e.get("type") == "button"]
            for element in block["elements"]:
                if element.get("type") != "button":
                    lines += _element(element)
            if buttons:
                lines.append("  " + "  ".join(_element(b)[0].strip() for b in buttons))
        elif kind == "context":
            lines.append("  " + " ".join(" ".join(_element(e)) for e in block["elements"]))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "input":
            lines.append(f"[{_text_of(block.get('label'))}]")
    return "\n".join(lines).strip("\n")
