"""Load a parsed plan into the database, keeping every tick, evidence and audit entry on re-import.

Deliverables are matched across versions of the document by title (exactly, then tolerantly), with
the number as a tie-breaker; items by their text the same way. A tick is never lost: an item is done
if the new document ticks it or someone already ticked it. What leaves the document is archived.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, col, select

from bot.document.plan import Deliverable as PlanDeliverable
from bot.document.plan import Item, Plan
from bot.tracking.matching import ITEM_SIMILARITY, TITLE_SIMILARITY, match, normalise
from storage import audit, deliverable_views, plans, roster, shape_cache
from storage.models import ChecklistItem, Deliverable, DeliverableOwner, Section, utcnow
from storage.models import Plan as PlanRow


@dataclass
class ImportReport:
    """What an import changed, for the person who ran it."""

    plan_id: int
    version: int
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    unchanged: int = 0
    archived_rows: list[Deliverable] = field(default_factory=list, repr=False)  # for the audit

    @property
    def nothing_changed(self) -> bool:
        return not (self.added or self.changed or self.archived)

    def summary(self, language: str = "en") -> str:
        """A few lines saying what changed."""
        from bot.i18n import N_, t

        lines = [
            t(
                "import.header",
                language,
                version=self.version,
                added=len(self.added),
                changed=len(self.changed),
                archived=len(self.archived),
                unchanged=self.unchanged,
            )
        ]
        for key, titles in (
            (N_("import.added"), self.added),
            (N_("import.changed"), self.changed),
            (N_("import.archived"), self.archived),
        ):
            shown = titles[:20]
            lines += [f"  {t(key, language)} {title}" for title in shown]
            if len(titles) > len(shown):
                lines.append("  " + t("import.more", language, count=len(titles) - len(shown)))
        return "\n".join(lines)


def label(deliverable: PlanDeliverable | Deliverable) -> str:
    """`#8 Worker/Queue para Imágenes` or the title alone."""
    return f"#{deliverable.number} {deliverable.title}" if deliverable.number is not None else deliverable.title


def import_plan(
    *,
    session: Session,
    plan: Plan,
    team_id: str,
    source_name: str,
    source_text: str,
    actor: str = "cli",
    source: str = "cli",
) -> ImportReport:
    """Store `plan` as the team's active plan, merging with what is already there."""
    digest = hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    session.info[shape_cache.IMPORTING] = True  # what this transaction reads of the plan is not committed yet
    row, created = _new_version(session, plan, team_id=team_id, source_name=source_name, digest=digest, actor=actor)
    assert row.id is not None
    report = ImportReport(plan_id=row.id, version=row.version, created=created)
    sections = _sync_sections(session, row.id, plan)
    new_rows = _merge_deliverables(session, row.id, plan, sections, report)
    for old in report.archived_rows:
        audit.audit(
            session=session,
            team_id=team_id,
            actor=actor,
            action="deliverable.archive",
            target_type="deliverable",
            target_id=old.id,
            source=source,
            detail={"title": old.title},
        )
    _insert_deliverables(session, row.id, new_rows, sections)
    _sync_today(session, row.id, plan)
    audit.audit(
        session=session,
        team_id=team_id,
        actor=actor,
        action="plan.import",
        target_type="plan",
        target_id=row.id,
        source=source,
        detail={
            "source": source_name,
            "sha256": digest,
            "version": row.version,
            "added": report.added[:200],
            "changed": report.changed[:200],
            "archived": report.archived[:200],
        },
    )
    session.flush()
    return report


def _new_version(
    session: Session, plan: Plan, *, team_id: str, source_name: str, digest: str, actor: str
) -> tuple[PlanRow, bool]:
    """The team's plan row, created or bumped to the next version, with the document's fields; and whether it is new."""
    row = plans.active_plan(session=session, team_id=team_id)
    created = row is None
    if row is None:
        row = PlanRow(team_id=team_id, title=plan.title, version=0)
    row.title, row.doc_date, row.updated, row.language = plan.title, plan.date, plan.updated, plan.language
    row.evidence_label, row.intro, row.heading = plan.evidence_label, list(plan.intro), plan.heading
    row.source_name, row.source_sha256, row.version = source_name, digest, row.version + 1
    row.imported_at, row.imported_by = utcnow(), actor
    session.add(row)
    session.flush()
    return row, created


def _merge_deliverables(
    session: Session, plan_id: int, plan: Plan, sections: dict[str, Section], report: ImportReport
) -> list[tuple[int, PlanDeliverable]]:
    """Update the deliverables the document still has, archive the ones it left; return the new ones to insert."""
    existing = list(
        session.exec(
            select(Deliverable)
            .where(Deliverable.plan_id == plan_id, col(Deliverable.archived).is_(False))
            .order_by(col(Deliverable.position))
        )
    )
    pairs = match(
        plan.deliverables,
        existing,
        lambda d: normalise(d.title),
        lambda d: normalise(d.title),
        TITLE_SIMILARITY,
        bonus=lambda new, old: new.number == old.number and new.section == _section_title(sections, old),
    )
    views = {v.id: v for v in deliverable_views.load_views(session=session, plan_id=plan_id, open_only=False)}
    new_rows: list[tuple[int, PlanDeliverable]] = []
    for position, wanted in enumerate(plan.deliverables):
        if position not in pairs:
            new_rows.append((position, wanted))
            report.added.append(label(wanted))
            continue
        old = existing[pairs[position]]
        assert old.id is not None
        if _update_deliverable(session, old, views[old.id], wanted, position, sections):
            report.changed.append(label(wanted))
        else:
            report.unchanged += 1
    matched_old = set(pairs.values())
    for index, old in enumerate(existing):
        if index not in matched_old:
            old.archived = True
            session.add(old)
            report.archived.append(label(old))
            report.archived_rows.append(old)
    return new_rows


def _section_title(sections: dict[str, Section], deliverable: Deliverable) -> str | None:
    for section in sections.values():
        if section.id == deliverable.section_id:
            return section.title
    return None


def _sync_sections(session: Session, plan_id: int, plan: Plan) -> dict[str, Section]:
    existing = {s.title: s for s in plans.sections_of(session=session, plan_id=plan_id)}
    result: dict[str, Section] = {}
    for position, wanted in enumerate(plan.sections):
        section = existing.pop(wanted.title, None) or Section(plan_id=plan_id, position=position, title=wanted.title)
        section.position, section.priority, section.deadline = position, wanted.priority, wanted.deadline
        section.due, section.milestone, section.kind, section.heading = (
            wanted.due,
            wanted.milestone,
            wanted.kind,
            wanted.heading,
        )
        section.body = list(wanted.body)
        session.add(section)
        result[wanted.title] = section
    for gone in existing.values():
        gone.kind, gone.position = "archived", 10_000 + gone.position
        session.add(gone)
    session.flush()
    return result


def _deliverable_fields(wanted: PlanDeliverable, position: int, sections: dict[str, Section]) -> dict[str, Any]:
    section = sections.get(wanted.section)
    return {
        "section_id": section.id if section else None,
        "position": position,
        "number": wanted.number,
        "title": wanted.title,
        "ref": wanted.ref,
        "priority": wanted.priority,
        "due": wanted.due,
        "evidence_requirement": wanted.evidence,
        "notes": list(wanted.notes),
        "detail": wanted.detail,
        "owner_heading": wanted.owner_heading,
    }


def _update_deliverable(
    session: Session,
    old: Deliverable,
    view: deliverable_views.DeliverableView,
    wanted: PlanDeliverable,
    position: int,
    sections: dict[str, Section],
) -> bool:
    """Bring a matched deliverable up to date; True when something a reader would notice changed."""
    changed = False
    for name, value in _deliverable_fields(wanted, position, sections).items():
        if getattr(old, name) != value:
            changed = changed or name != "position"
            setattr(old, name, value)
    if wanted.evidence_done and not old.evidence_done:
        old.evidence_done, changed = True, True
    if wanted.status == "done" and old.status != "done":
        old.status, old.completed_at, changed = "done", utcnow(), True
    owners = [role.strip() for role in wanted.owners]
    if [o.role for o in view.owners] != owners:
        changed = True
        for owner in view.owners:
            session.delete(owner)
        session.flush()
        _add_owners(session, old.id or 0, owners)
    if _sync_items(session, old.plan_id, view.items, wanted.items, deliverable_id=old.id):
        changed = True
    session.add(old)
    return changed


def _add_owners(session: Session, deliverable_id: int, owners: Sequence[str]) -> None:
    seen: set[str] = set()
    for position, role in enumerate(owners):
        key = roster.role_key(role)
        if key and key not in seen:
            seen.add(key)
            session.add(DeliverableOwner(deliverable_id=deliverable_id, role_key=key, role=role, position=position))


def _sync_items(
    session: Session,
    plan_id: int,
    old_items: Sequence[ChecklistItem],
    new_items: Sequence[Item],
    *,
    deliverable_id: int | None = None,
    today_role: str | None = None,
) -> bool:
    pairs = match(new_items, old_items, lambda i: normalise(i.text), lambda i: normalise(i.text), ITEM_SIMILARITY)
    changed = False
    for position, wanted in enumerate(new_items):
        if position in pairs:
            item = old_items[pairs[position]]
            if (item.text, item.position, item.depth) != (wanted.text, position, wanted.depth):
                changed = changed or item.text != wanted.text
                item.text, item.position, item.depth = wanted.text, position, wanted.depth
                session.add(item)
            if wanted.done and not item.done:  # a tick is never undone by an import
                item.done, item.done_by, item.done_at, changed = True, "import", utcnow(), True
                session.add(item)
        else:
            changed = True
            session.add(_new_item(plan_id, wanted, position, deliverable_id, today_role))
    matched = set(pairs.values())
    for index, item in enumerate(old_items):
        if index not in matched:
            item.archived, changed = True, True
            session.add(item)
    return changed


def _new_item(
    plan_id: int, wanted: Item, position: int, deliverable_id: int | None, today_role: str | None
) -> ChecklistItem:
    return ChecklistItem(
        plan_id=plan_id,
        deliverable_id=deliverable_id,
        position=position,
        depth=wanted.depth,
        text=wanted.text,
        done=wanted.done,
        done_by="import" if wanted.done else None,
        done_at=utcnow() if wanted.done else None,
        today_role=today_role,
        today_role_key=roster.role_key(today_role) if today_role else None,
    )


def _insert_deliverables(
    session: Session,
    plan_id: int,
    new_rows: Sequence[tuple[int, PlanDeliverable]],
    sections: dict[str, Section],
) -> None:
    """Insert new deliverables in bulk: a 2,000-deliverable document must import in well under 2 s."""
    if not new_rows:
        return
    now = utcnow()
    values = []
    for position, wanted in new_rows:
        fields = _deliverable_fields(wanted, position, sections)
        done = wanted.status == "done"
        values.append(
            {
                **fields,
                "plan_id": plan_id,
                "status": wanted.status,
                "archived": False,
                "evidence_done": wanted.evidence_done,
                "created_at": now,
                "completed_at": now if done else None,
                "completed_by": "import" if done else None,
            }
        )
    ids = list(
        session.scalars(insert(Deliverable).returning(col(Deliverable.id), sort_by_parameter_order=True), values)
    )
    owners, items = [], []
    for new_id, (_, wanted) in zip(ids, new_rows, strict=True):
        seen: set[str] = set()
        for position, role in enumerate(wanted.owners):
            key = roster.role_key(role)
            if key and key not in seen:
                seen.add(key)
                owners.append({"deliverable_id": new_id, "role_key": key, "role": role.strip(), "position": position})
        for position, item in enumerate(wanted.items):
            items.append(_new_item(plan_id, item, position, new_id, None).model_dump(exclude={"id"}))
    if owners:
        session.execute(insert(DeliverableOwner), owners)
    if items:
        session.execute(insert(ChecklistItem), items)


def _sync_today(session: Session, plan_id: int, plan: Plan) -> None:
    existing = plans.today_items(session=session, plan_id=plan_id)
    by_role: dict[str, list[ChecklistItem]] = {}
    for item in existing:
        by_role.setdefault(item.today_role_key or "", []).append(item)
    for role_list in plan.today:
        key = roster.role_key(role_list.role)
        _sync_items(session, plan_id, by_role.pop(key, []), role_list.items, today_role=role_list.role)
    for leftovers in by_role.values():
        for item in leftovers:
            item.archived = True
            session.add(item)
