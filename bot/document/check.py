"""How a document was read, for its author: line by line, then a summary and the warnings.

`python -m bot check PATH` prints `line_report`; `parse` and `import` end with `summary_lines`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.document.plan import Deliverable, Plan
from bot.i18n import N_, number, t

SHOWN_WARNINGS = 20
_KINDS = {
    "title": N_("check.kind.title"),
    "front_matter": N_("check.kind.front_matter"),
    "date": N_("check.kind.date"),
    "section": N_("check.kind.section"),
    "owner": N_("check.kind.owner"),
    "deliverable": N_("check.kind.deliverable"),
    "item": N_("check.kind.item"),
    "evidence": N_("check.kind.evidence"),
    "due": N_("check.kind.due"),
    "priority": N_("check.kind.priority"),
    "today": N_("check.kind.today"),
    "note": N_("check.kind.note"),
    "text": N_("check.kind.text"),
    "not_understood": N_("check.kind.not_understood"),
}

_PRIORITIES = {
    "blocker": N_("check.priority.blocker"),
    "high": N_("check.priority.high"),
    "normal": N_("check.priority.normal"),
}


@dataclass(frozen=True)
class Counts:
    deliverables: int
    items: int
    owners: int
    dated: int
    nobody: int
    warnings: int


def counts(plan: Plan) -> Counts:
    """What the summary says: deliverables, items, distinct owners, dated entries, work that reaches nobody."""
    open_work = [d for d in plan.deliverables if d.number is not None]
    items = [item for d in plan.deliverables for item in d.items]
    named = {owner for d in plan.deliverables for owner in d.owners} | {o for i in items for o in i.owners}
    dated = sum(d.due is not None for d in open_work) + sum(i.due is not None for i in items)
    return Counts(
        deliverables=len(plan.deliverables),
        items=len(items) + sum(len(r.items) for r in plan.today),
        owners=len(named),
        dated=dated,
        nobody=sum(not d.owners for d in open_work if d.status == "open"),
        warnings=len(plan.warnings),
    )


def summary_lines(plan: Plan, lang: str) -> list[str]:
    """The summary, how numbers were assigned when the document's were not unique, and the first warnings."""
    found = counts(plan)
    lines = [t("check.summary", lang, **found.__dict__)]
    renumbered = [int(w.values["number"]) for w in plan.warnings if w.key == "document.warn.renumbered"]
    if renumbered:
        lines.append(t("document.numbering", lang, count=len(renumbered), first=min(renumbered), last=max(renumbered)))
    if plan.warnings:
        lines.append(t("check.warnings", lang))
        lines += [f"  {w.line}: {w.text(lang)}" for w in plan.warnings[:SHOWN_WARNINGS]]
        if len(plan.warnings) > SHOWN_WARNINGS:
            lines.append("  " + t("check.more_warnings", lang, count=len(plan.warnings) - SHOWN_WARNINGS))
    return lines


def line_report(plan: Plan, readings: dict[int, str], source: list[str], lang: str) -> list[str]:
    """Every non-blank line with what it was read as; deliverables with their owner, due date and priority."""
    warned = {warning.line for warning in plan.warnings}
    details = {d.line: d for d in plan.deliverables}
    out = []
    for index, raw in enumerate(source):
        text = " ".join(raw.split())
        if not text:
            continue
        kind = readings.get(index, "text")
        if index + 1 in warned and kind in ("text", "note"):
            kind = "not_understood"
        shown = text if len(text) <= 70 else text[:69] + "…"
        line = f"{index + 1:>5}  {t(_KINDS[kind], lang):<16} {shown}"
        if (deliverable := details.get(index + 1)) is not None and kind == "deliverable":
            line += "  " + _detail(deliverable, lang)
        out.append(line)
    return out


def _detail(deliverable: Deliverable, lang: str) -> str:
    parts = [f"#{number(deliverable.number, lang)}" if deliverable.number is not None else "✅"]
    parts.append(", ".join(deliverable.owners) if deliverable.owners else t("check.nobody", lang))
    if deliverable.due:
        parts.append(deliverable.due.isoformat())
    parts.append(t(_PRIORITIES[deliverable.priority], lang))
    return "[" + " · ".join(parts) + "]"
