"""Handing in evidence: checks, masking, storing with who and when, and withdrawing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, col, select

from bot.i18n import LocalizedError
from bot.masking.mask import mask
from bot.tracking.ticks import owners_of, refresh_status
from storage import audit, completion, plans
from storage.models import Deliverable, Evidence, utcnow


class EvidenceError(LocalizedError, ValueError):
    """Evidence that cannot be taken, with the i18n key that says why."""


@dataclass
class Handed:
    """What a hand-in stored, and what was masked in it."""

    deliverable: Deliverable
    pieces: list[Evidence] = field(default_factory=list)
    masked_kinds: list[str] = field(default_factory=list)
    completed: bool = False


def valid_url(value: str) -> bool:
    """An http(s) link with a host, as a person would paste it."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value.strip()


def find_deliverable(*, session: Session, team_id: str, number: int) -> Deliverable | None:
    """The open plan's deliverable with this number."""
    plan = plans.active_plan(session=session, team_id=team_id)
    if plan is None:
        return None
    return session.exec(
        select(Deliverable).where(
            Deliverable.plan_id == plan.id, Deliverable.number == number, col(Deliverable.archived).is_(False)
        )
    ).first()


def hand_in(
    *,
    session: Session,
    team_id: str,
    deliverable_id: int,
    user_id: str,
    is_admin: bool,
    link: str | None = None,
    text: str | None = None,
    files: Sequence[dict[str, Any]] = (),
    source: str = "slack",
) -> Handed:
    """Store evidence for a deliverable: masked first, with who and when; may complete the deliverable."""
    deliverable = _deliverable_to_hand_in(
        session=session, team_id=team_id, deliverable_id=deliverable_id, user_id=user_id, is_admin=is_admin
    )
    link, text = (link or "").strip() or None, (text or "").strip() or None
    if not (link or text or files):
        raise EvidenceError("evidence.empty")
    if link and not valid_url(link):
        raise EvidenceError("evidence.bad_url")
    result = Handed(deliverable=deliverable)
    for kind, value, column, extra in _what_was_handed(link, text, files):
        masked = mask(value)
        result.masked_kinds.extend(finding.kind for finding in masked.findings)  # one per value, to say how many
        fields: dict[str, Any] = {column: masked.text, **extra}
        result.pieces.append(
            Evidence(
                deliverable_id=deliverable_id,
                user_id=user_id,
                kind=kind,
                source=source,
                masked_kinds=list(masked.kinds),
                **fields,
            )
        )
    _store(session=session, team_id=team_id, result=result, actor=user_id, source=source)
    with session.no_autoflush:  # counting reads the items and the pieces flushed above, nothing pending
        status = refresh_status(
            session, team_id=team_id, deliverable_id=deliverable_id, actor=user_id, source=source, locked=deliverable
        )
    result.completed = status == "done"
    return result


def _deliverable_to_hand_in(
    *, session: Session, team_id: str, deliverable_id: int, user_id: str, is_admin: bool
) -> Deliverable:
    """The deliverable, locked, if it is live and the person may hand in for it."""
    deliverable, owner = completion.locked_deliverable(
        session=session, deliverable_id=deliverable_id, team_id=team_id, user_id=None if is_admin else user_id
    )
    if deliverable is None or deliverable.archived:
        raise EvidenceError("evidence.unknown")
    if not (is_admin or owner):
        owners = ", ".join(o.role for o in owners_of(session, deliverable_id))
        raise EvidenceError("evidence.not_owner", title=deliverable.title, owners=owners)
    return deliverable


def _what_was_handed(
    link: str | None, text: str | None, files: Sequence[dict[str, Any]]
) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(kind, value to mask, the column it goes in, other columns) for each piece handed in."""
    pieces: list[tuple[str, str, str, dict[str, Any]]] = []
    if link:
        pieces.append(("link", link, "url", {}))
    if text:
        pieces.append(("text", text, "text", {}))
    for file in files:
        name = str(file.get("name") or file.get("title") or file.get("id") or "file")
        extra = {
            "file_id": str(file.get("id")),
            "file_type": file.get("filetype") or file.get("mimetype"),
            "permalink": file.get("permalink"),
        }
        pieces.append(("file", name, "file_name", extra))
    return pieces


def _store(*, session: Session, team_id: str, result: Handed, actor: str, source: str) -> None:
    """Write the pieces and their audit lines, and tick the evidence line."""
    session.add_all(result.pieces)
    session.flush()  # the pieces' ids, for the audit; the rest is written with the commit
    deliverable = result.deliverable
    for piece in result.pieces:
        audit.audit(
            session=session,
            team_id=team_id,
            actor=actor,
            action="evidence.add",
            target_type="evidence",
            target_id=piece.id,
            source=source,
            detail={"deliverable_id": deliverable.id, "kind": piece.kind, "masked": piece.masked_kinds},
        )
    if not deliverable.evidence_done:
        deliverable.evidence_done = True  # the evidence line is ticked by evidence, never by a click alone
        session.add(deliverable)


def withdraw(*, session: Session, team_id: str, evidence_id: int, user_id: str, is_admin: bool) -> Evidence:
    """Withdraw a piece of evidence (kept, marked withdrawn); only whoever handed it in or an admin may."""
    piece = session.get(Evidence, evidence_id)
    if piece is None or piece.withdrawn_at is not None:
        raise EvidenceError("evidence.unknown")
    if piece.user_id != user_id and not is_admin:
        raise EvidenceError("evidence.not_yours")
    deliverable = completion.locked_deliverable(session=session, deliverable_id=piece.deliverable_id)[0]
    piece.withdrawn_at, piece.withdrawn_by = utcnow(), user_id
    session.add(piece)
    still = session.exec(
        select(Evidence.id).where(
            Evidence.deliverable_id == piece.deliverable_id,
            col(Evidence.withdrawn_at).is_(None),
            Evidence.id != piece.id,
        )
    ).first()
    if deliverable is not None and still is None:
        deliverable.evidence_done = False
        session.add(deliverable)
    session.flush()
    audit.audit(
        session=session,
        team_id=team_id,
        actor=user_id,
        action="evidence.withdraw",
        target_type="evidence",
        target_id=evidence_id,
        detail={"deliverable_id": piece.deliverable_id},
        source="slack",
    )
    refresh_status(
        session, team_id=team_id, deliverable_id=piece.deliverable_id, actor=user_id, source="slack", locked=deliverable
    )
    return piece
