"""The stored plan -> a Plan again, with ticks and evidence, so `export` can write the document back."""

from __future__ import annotations

from typing import Any, cast

from sqlmodel import Session

from bot.document.plan import Deliverable, Item, Plan, RoleList, Section
from bot.document.text import clip
from storage import deliverable_views, plans
from storage.models import Evidence


def evidence_entry(piece: Evidence) -> str:
    """A markdown line for a piece of evidence: a link where there is one."""
    when = piece.created_at.date().isoformat()
    if piece.kind == "file":
        name = piece.file_name or piece.file_id or "file"
        target = f"[{name}]({piece.permalink})" if piece.permalink else name
    elif piece.kind == "link" and piece.url:
        target = f"<{piece.url}>"
    else:
        target = "“" + clip((piece.text or "").replace("\n", " "), 200) + "”"
    return f"{target} — <@{piece.user_id}>, {when}"


def stored_plan(*, session: Session, team_id: str) -> tuple[Plan, dict[int, list[str]]] | None:
    """The team's active plan as a Plan, and the evidence lines of each deliverable (by index)."""
    row = plans.active_plan(session=session, team_id=team_id)
    if row is None or row.id is None:
        return None
    sections = [s for s in plans.sections_of(session=session, plan_id=row.id) if s.kind != "archived"]
    plan = Plan(
        title=row.title,
        heading=row.heading,
        date=row.doc_date,
        language=cast(Any, row.language),
        evidence_label=row.evidence_label,
        intro=list(row.intro),
        updated=row.updated,
        sections=[
            Section(
                title=s.title,
                priority=cast(Any, s.priority),
                deadline=s.deadline,
                due=s.due,
                milestone=s.milestone,
                kind=cast(Any, s.kind),
                heading=s.heading,
                body=list(s.body),
            )
            for s in sections
        ],
    )
    links: dict[int, list[str]] = {}
    for index, view in enumerate(deliverable_views.load_views(session=session, plan_id=row.id, open_only=False)):
        d = view.deliverable
        plan.deliverables.append(
            Deliverable(
                number=d.number,
                title=d.title,
                section=view.section.title if view.section else "",
                priority=cast(Any, d.priority),
                owners=view.role_names,
                due=d.due,
                ref=d.ref,
                status=cast(Any, d.status),
                evidence=d.evidence_requirement,
                evidence_done=view.evidence_in,
                items=[Item(text=i.text, done=i.done, depth=i.depth) for i in view.items],
                notes=list(d.notes),
                detail=d.detail,
                owner_heading=d.owner_heading,
            )
        )
        pieces = [evidence_entry(p) for p in view.live_evidence]
        if pieces:
            links[index] = pieces
    lists: dict[str, RoleList] = {}
    for item in plans.today_items(session=session, plan_id=row.id):
        role = item.today_role or ""
        lists.setdefault(role, RoleList(role=role)).items.append(Item(text=item.text, done=item.done, depth=item.depth))
    plan.today = list(lists.values())
    return plan, links
