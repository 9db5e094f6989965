"""Block Kit checks the fake Slack applies before accepting a message or a view.

The model classes of ``slack_sdk.models`` carry most of Slack's per-field limits (section text 3,000,
header 150, button text 75, block_id/action_id 255); this module adds
what they skip (unknown types and properties, option counts, duplicate ids, surface rules) and
reports every problem the way Slack does: ``"<reason> [json-pointer:/blocks/0/text]"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from slack_sdk.models.blocks import Block, BlockElement

Surface = Literal["message", "modal", "home"]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_OPTIONS = {"checkboxes": 10, "radio_buttons": 10, "overflow": 5, "static_select": 100, "multi_static_select": 100}
VIEW_TITLE_LIMIT = 24
BLOCK_TYPES: frozenset[str] = frozenset(getattr(cls, "type", None) or "" for cls in Block.__subclasses__()) - {""}
ELEMENT_TYPES: frozenset[str] = frozenset(
    {getattr(cls, "type", "") for cls in BlockElement._get_sub_block_elements()} - {""}
) | {"plain_text", "mrkdwn"}
MESSAGE_ONLY_BLOCKS = frozenset({"file", "markdown"})


def _elements(block: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Yield (pointer suffix, element) for the interactive or context elements of one block."""
    if "accessory" in block:
        yield "/accessory", block["accessory"]
    if "element" in block:
        yield "/element", block["element"]
    if block.get("type") in ("actions", "context", "context_actions"):
        for j, element in enumerate(block.get("elements") or []):
            yield f"/elements/{j}", element


def _unknown_properties(obj: Any, raw: dict[str, Any]) -> list[str]:
    """Names in ``raw`` that the parsed model does not know (Slack rejects additional properties)."""
    known = set(getattr(obj, "attributes", set())) | {"type"}
    return sorted(set(raw) - known)


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    return str(value or "")


def _check_element(element: Any, pointer: str, surface: Surface, block_type: str, errors: list[str]) -> str | None:
    """Check one element; return its action_id, if any."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        errors.append(f"element must be an object with a type [json-pointer:{pointer}]")
        return None
    kind = element["type"]
    if kind not in ELEMENT_TYPES:
        errors.append(f"unsupported element type: {kind} [json-pointer:{pointer}/type]")
        return None
    if kind == "file_input" and not (surface == "modal" and block_type == "input"):
        errors.append(f"file_input is only allowed in a modal's input block [json-pointer:{pointer}]")
    limit = MAX_OPTIONS.get(kind)
    options = element.get("options")
    if limit is not None and isinstance(options, list) and len(options) > limit:
        errors.append(f"must provide at most {limit} items [json-pointer:{pointer}/options]")
    try:
        parsed = BlockElement.parse(dict(element))
        if parsed is not None:
            for name in _unknown_properties(parsed, element):
                errors.append(f"invalid additional property: {name} [json-pointer:{pointer}]")
    except Exception as exc:  # the models raise TypeError/KeyError on wrong shapes too
        errors.append(f"{exc} [json-pointer:{pointer}]")
    action_id = element.get("action_id")
    return action_id if isinstance(action_id, str) else None


def validate_blocks(
    blocks: Any, *, surface: Surface, pointer: str = "/blocks", strict_action_ids: bool = False
) -> list[str]:
    """Return Slack-style error strings for a ``blocks`` array on ``surface`` (empty when valid)."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    limit = MAX_MESSAGE_BLOCKS if surface == "message" else MAX_VIEW_BLOCKS
    if len(blocks) > limit:
        errors.append(f"must provide at most {limit} items [json-pointer:{pointer}]")
    block_ids: set[str] = set()
    message_action_ids: set[str] = set()
    for i, block in enumerate(blocks):
        here = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"block must be an object with a type [json-pointer:{here}]")
            continue
        kind = block["type"]
        if kind not in BLOCK_TYPES:
            errors.append(f"unsupported type: {kind} [json-pointer:{here}/type]")
            continue
        if kind in MESSAGE_ONLY_BLOCKS and surface != "message":
            errors.append(f"unsupported type in {surface} views: {kind} [json-pointer:{here}/type]")
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if block_id in block_ids:
                errors.append(f"duplicate block_id: {block_id} [json-pointer:{here}/block_id]")
            block_ids.add(block_id)
        try:
            parsed = Block.parse(dict(block))
            for name in _unknown_properties(parsed, block):
                errors.append(f"invalid additional property: {name} [json-pointer:{here}]")
            if parsed is not None:
                parsed.to_dict()  # validates nested text objects and elements too
        except Exception as exc:  # SlackObjectFormationError, or TypeError on a wrong shape
            errors.append(f"{exc} [json-pointer:{here}]")
        block_action_ids: set[str] = set()
        for suffix, element in _elements(block):
            action_id = _check_element(element, here + suffix, surface, kind, errors)
            if action_id is None:
                continue
            seen = message_action_ids if strict_action_ids else block_action_ids
            if action_id in seen:
                errors.append(f"duplicate action_id: {action_id} [json-pointer:{here}{suffix}/action_id]")
            seen.add(action_id)
    return list(dict.fromkeys(errors))


def validate_view(view: Any, *, allowed: tuple[str, ...], strict_action_ids: bool = False) -> list[str]:
    """Return Slack-style error strings for a ``view`` object whose type must be in ``allowed``."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in allowed:
        errors.append(f"must be one of {', '.join(allowed)} [json-pointer:/view/type]")
        return errors
    if kind == "modal":
        title = view.get("title")
        if not isinstance(title, dict) or title.get("type") != "plain_text":
            errors.append("must provide a plain_text title [json-pointer:/view/title]")
        elif not 1 <= len(_text_of(title)) <= VIEW_TITLE_LIMIT:
            errors.append(f"must be less than {VIEW_TITLE_LIMIT + 1} characters [json-pointer:/view/title/text]")
        for name in ("submit", "close"):
            if len(_text_of(view.get(name))) > VIEW_TITLE_LIMIT:
                errors.append(f"must be less than {VIEW_TITLE_LIMIT + 1} characters [json-pointer:/view/{name}/text]")
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and not view.get("submit"):
            errors.append("must provide submit when an input block is present [json-pointer:/view/submit]")
    for name, limit in (("private_metadata", 3000), ("callback_id", 255), ("external_id", 255)):
        if len(str(view.get(name) or "")) > limit:
            errors.append(f"must be less than {limit + 1} characters [json-pointer:/view/{name}]")
    if "blocks" not in view:
        errors.append("must provide blocks [json-pointer:/view/blocks]")
    else:
        errors += validate_blocks(
            view["blocks"], surface=kind, pointer="/view/blocks", strict_action_ids=strict_action_ids
        )
    return errors
