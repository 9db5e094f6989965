"""Each surface drawn from its read model: a person's checklist, a role's, the Home tab, `status`, `blockers`.
Pure. A paged checklist is drawn in two steps (bot.views.pages): its page is chosen here from outlines, then
drawn from the rows of the deliverables on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import t, tn
from bot.views import blocks
from bot.views.blocks import Block, Page
from bot.views.models import Blockers, Home, PersonChecklist, RoleChecklist, Status
from bot.views.mrkdwn import to_mrkdwn, to_plain
from bot.views.pages import PageChoice, choose_page, only_text
from bot.views.reminder_controls import control_blocks


def nothing_to_list(found: PersonChecklist) -> str | None:
    """Why a person's checklist lists nothing (no plan, no roles, nothing open), in their language; else None."""
    lang = found.ctx.lang
    if found.plan is None or found.plan.id is None:
        return t("plan.none", lang)
    if not found.role_keys:
        return t("mine.unassigned", lang, roles=found.role_names)
    if not found.outlines and not any(found.today.values()):
        return t("mine.nothing", lang)
    return None


def choose_person_page(
    found: PersonChecklist,
    *,
    surface: str,
    page: int = 1,
    max_blocks: int = blocks.MESSAGE_BLOCKS,
    extra_head: Sequence[Block] = (),
) -> PageChoice | Page | None:
    """The page of a person's checklist to draw; or, when it lists nothing, what to say instead (a reminder:
    None, nothing to send)."""
    nothing = nothing_to_list(found)
    if nothing is not None:
        return None if surface == "reminder" else only_text(nothing)
    lang = found.ctx.lang
    user = found.ctx.user_id
    intro = (
        t("reminder.intro", lang, user=user)
        if surface == "reminder"
        else tn("mine.intro", len(found.outlines), lang, user=user)
    )
    controls = control_blocks(found.controls, lang) if found.controls is not None else []
    return choose_page(
        found.outlines,
        found.today,
        found.ctx,
        intro=intro,
        surface=surface,
        page=page,
        max_blocks=max_blocks,
        extra_head=[*extra_head, *controls],
    )


def escalation_lead(found: PersonChecklist, days: int) -> Block:
    """The line over a reminder saying the person owns blockers overdue past `days` working days."""
    return blocks.section(t("reminder.escalated", found.ctx.lang, days=days))


def choose_role_page(found: RoleChecklist, *, page: int, max_blocks: int, interactive: bool) -> PageChoice | Page:
    """The page of a role's checklist to draw; or what to say instead when there is no plan or no such role."""
    lang = found.ctx.lang
    if found.plan is None or found.plan.id is None:
        return only_text(t("plan.none", lang))
    if found.role is None:
        return only_text(t("role.unknown", lang, role=found.asked, roles=", ".join(found.roles)))
    intro = f"*{t('mine.role_title', lang, role=to_mrkdwn(found.role))}* ({len(found.outlines)})"
    return choose_page(
        found.outlines,
        found.today,
        found.ctx,
        intro=intro,
        surface=f"role:{found.role_key}",
        page=page,
        max_blocks=max_blocks,
        interactive=interactive,
    )


def home_progress(found: Home) -> list[Block]:
    """The team's progress per section, under the person's checklist on the Home tab."""
    plan, lang = found.checklist.plan, found.checklist.ctx.lang
    if plan is None or plan.id is None:
        return []
    rows = blocks.progress_lines((s.title, done, total) for s, done, total in found.sections)
    title = f"📊 {t('status.title', lang)} — {to_mrkdwn(plan.title)}"
    return [blocks.divider(), *blocks.lines_to_sections(rows, title)]


def home_tab(mine: Page, progress: list[Block]) -> dict[str, object]:
    """The Home tab's view: the checklist's page, then the progress."""
    return {"type": "home", "blocks": [*mine.blocks, *progress][: blocks.VIEW_BLOCKS]}


def status_blocks(found: Status) -> list[Block]:
    """Progress per section and per owner, with text progress bars."""
    lang = found.ctx.lang
    if found.plan is None or found.progress is None:
        return [blocks.section(t("plan.none", lang))]
    result: list[Block] = [blocks.header(f"📊 {t('status.title', lang)} — {to_plain(found.plan.title)}")]
    rows = blocks.progress_lines((s.title, done, total) for s, done, total in found.progress.sections)
    result.append(blocks.section(f"*{t('status.by_section', lang)}*\n" + "\n".join(rows)))
    owner_rows = blocks.progress_lines(found.progress.owners)
    for start in range(0, len(owner_rows), 30):
        heading = f"*{t('status.by_owner', lang)}*\n" if start == 0 else ""
        result.append(blocks.section(heading + "\n".join(owner_rows[start : start + 30])))
    return result[: blocks.MESSAGE_BLOCKS]


def fills_message(lines: Sequence[str]) -> bool:
    """Whether these lines already fill a message's sections: more would not show."""
    return len(blocks.lines_to_sections(lines)) >= blocks.MESSAGE_BLOCKS


def blockers_blocks(found: Blockers, lines: Sequence[str]) -> list[Block]:
    """The header with how many blockers are open, and their lines (`deliverables.blocker_line`)."""
    lang = found.ctx.lang
    if found.plan is None or found.plan.id is None:
        return [blocks.section(t("plan.none", lang))]
    if not found.ids:
        return [blocks.section(t("blockers.none", lang))]
    title = blocks.header(f"🔴 {t('blockers.title', lang)} ({len(found.ids)})")
    return [title, *blocks.lines_to_sections(lines)][: blocks.MESSAGE_BLOCKS]
