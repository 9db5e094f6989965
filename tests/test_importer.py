"""Import and re-import: nothing a team did is lost when the document changes."""

from __future__ import annotations

import copy
from datetime import date

from sqlmodel import Session, select

from bot.document.plan import Deliverable, Item, Plan, RoleList, Section
from bot.tracking.importer import import_plan
from storage import audit, deliverable_views, open_deliverables, plans, roster
from storage.models import AuditEntry, ChecklistItem, Evidence
from storage.models import Deliverable as Row
from tests.conftest import TEAM


def sample_plan() -> Plan:
    return Plan(
        title="Launch",
        date=date(2025, 12, 7),
        language="en",
        sections=[
            Section(title="BLOCKERS", priority="blocker", due=date(2025, 12, 9)),
            Section(title="DOCS", priority="normal"),
        ],
        deliverables=[
            Deliverable(
                number=1,
                title="Final PR approved",
                section="BLOCKERS",
                priority="blocker",
                owners=["Dev Lead"],
                due=date(2025, 12, 9),
                evidence="Link to the PR",
                items=[Item("Open the PR"), Item("Ask for reviews")],
            ),
            Deliverable(
                number=2,
                title="Secrets in the secret manager",
                section="BLOCKERS",
                priority="blocker",
                owners=["SRE", "Security"],
                items=[Item("Provision LOG_TOKEN"), Item("Provision DB creds")],
            ),
            Deliverable(number=3, title="Playbooks", section="DOCS", owners=["SRE"], items=[Item("High 5xx rate")]),
        ],
        today=[RoleList(role="SRE", items=[Item("Provision secrets")])],
    )


def load(session: Session, plan: Plan, actor: str = "cli"):
    report = import_plan(
        session=session, plan=plan, team_id=TEAM, source_name="doc.md", source_text=repr(plan), actor=actor
    )
    session.commit()
    return report


def items_by_text(session: Session) -> dict[str, ChecklistItem]:
    return {i.text: i for i in session.exec(select(ChecklistItem).where(ChecklistItem.archived == False))}  # noqa: E712


def test_first_import_stores_everything(session: Session) -> None:
    report = load(session, sample_plan())
    assert report.created and report.version == 1
    assert len(report.added) == 3 and not report.changed and not report.archived
    plan = plans.active_plan(session=session, team_id=TEAM)
    assert plan is not None and plan.id is not None
    views = deliverable_views.load_views(session=session, plan_id=plan.id)
    assert [v.deliverable.title for v in views] == ["Final PR approved", "Secrets in the secret manager", "Playbooks"]
    assert views[1].role_names == ["SRE", "Security"]
    assert [i.text for i in views[0].items] == ["Open the PR", "Ask for reviews"]
    owned = open_deliverables.outlines_for_roles(session=session, plan=plan, role_keys=["security"])
    assert [outline.id for outline in owned] == [views[1].id]
    todays = plans.today_items(session=session, plan_id=plan.id, role_keys=["sre"])
    assert [i.text for i in todays] == ["Provision secrets"]


def test_reimport_unchanged_changes_nothing(session: Session) -> None:
    load(session, sample_plan())
    report = load(session, sample_plan())
    assert report.nothing_changed and report.unchanged == 3 and report.version == 2


def test_reimport_of_an_edited_document_keeps_ticks_and_evidence(session: Session) -> None:
    load(session, sample_plan())
    items = items_by_text(session)
    tick = items["Open the PR"]
    tick.done, tick.done_by = True, "U1"
    session.add(tick)
    first = session.exec(select(Row).where(Row.number == 1)).one()
    session.add(Evidence(deliverable_id=first.id or 0, user_id="U1", kind="link", url="https://git.example/pr/1"))
    session.commit()

    edited = copy.deepcopy(sample_plan())
    edited.deliverables[0].title = "Final PR Approved!"  # a small edit: still the same deliverable
    edited.deliverables[0].items[0].text = "Open the PR with all the commits"
    edited.deliverables[0].items[1].text = "Get two approvals"  # a different item: the old one is archived
    edited.deliverables[0].items.append(Item("Merge it"))
    del edited.deliverables[2]  # removed: archived, not deleted
    edited.deliverables.append(Deliverable(number=4, title="Redis provisioned", section="DOCS", owners=["SRE"]))
    report = load(session, edited)

    assert report.added == ["#4 Redis provisioned"]
    assert report.archived == ["#3 Playbooks"]
    assert report.changed == ["#1 Final PR Approved!"]
    same = session.get(Row, first.id)
    assert same is not None and same.title == "Final PR Approved!"
    evidence = session.exec(select(Evidence).where(Evidence.deliverable_id == first.id)).all()
    assert len(evidence) == 1
    items = items_by_text(session)
    grown = items["Open the PR with all the commits"]  # the item only grew: same item, tick kept
    assert grown.id == tick.id and grown.done and grown.done_by == "U1"
    assert "Merge it" in items and "Get two approvals" in items
    replaced = session.exec(select(ChecklistItem).where(ChecklistItem.text == "Ask for reviews")).one()
    assert replaced.archived
    playbooks = session.exec(select(Row).where(Row.title == "Playbooks")).one()
    assert playbooks.archived
    actions = [e.action for e in session.exec(select(AuditEntry))]
    assert actions.count("plan.import") == 2 and "deliverable.archive" in actions


def test_a_tick_survives_a_reimport_of_the_unticked_document(session: Session) -> None:
    load(session, sample_plan())
    item = items_by_text(session)["Ask for reviews"]
    item.done, item.done_by = True, "U2"
    session.add(item)
    session.commit()
    load(session, sample_plan())  # the document still says [ ]
    again = items_by_text(session)["Ask for reviews"]
    assert again.id == item.id and again.done and again.done_by == "U2"


def test_document_ticks_and_small_item_edits_are_taken(session: Session) -> None:
    load(session, sample_plan())
    item = items_by_text(session)["Provision LOG_TOKEN"]
    item.done = True
    session.add(item)
    session.commit()
    edited = sample_plan()
    edited.deliverables[1].items[0].text = "Provision LOG_TOKEN."
    edited.deliverables[1].items[1].done = True
    load(session, edited)
    items = items_by_text(session)
    assert items["Provision LOG_TOKEN."].id == item.id and items["Provision LOG_TOKEN."].done
    assert items["Provision DB creds"].done and items["Provision DB creds"].done_by == "import"


def test_owner_changes_are_applied(session: Session) -> None:
    load(session, sample_plan())
    edited = sample_plan()
    edited.deliverables[2].owners = ["SRE", "QA"]
    report = load(session, edited)
    assert report.changed == ["#3 Playbooks"]
    plan = plans.active_plan(session=session, team_id=TEAM)
    assert plan and plan.id
    assert open_deliverables.outlines_for_roles(session=session, plan=plan, role_keys=["qa"])


def test_members_come_in_the_order_they_were_assigned(session: Session) -> None:
    """Mentions in `blockers` and the digest follow the order people were given a role, past the ninth (10 after
    9, not before), with the roles in the order of their first member, however the database aggregates them."""
    people = [f"UZ{n}" for n in range(12, 0, -1)]  # assigned in an order their ids do not sort in
    for index, user in enumerate(people):
        role = "Dev Lead" if index % 3 == 1 else "SRE, on call"  # a comma in a role's name
        roster.assign_role(session=session, team_id=TEAM, role=role, user_ids=[user], actor="cli")
    roster.assign_role(session=session, team_id=TEAM, role="QA", user_ids=["UA1", "UA0"], actor="cli")
    session.commit()
    members = roster.members_by_role(session=session, team_id=TEAM)
    assert list(members) == ["sre, on call", "dev lead", "qa"]
    assert members["sre, on call"] == [u for i, u in enumerate(people) if i % 3 != 1]
    assert members["dev lead"] == ["UZ11", "UZ8", "UZ5", "UZ2"]
    assert members["qa"] == ["UA1", "UA0"]


def test_roles_are_assigned_once_and_audited(session: Session) -> None:
    added = roster.assign_role(session=session, team_id=TEAM, role="SRE", user_ids=["U1", "U2"], actor="cli")
    assert added == ["U1", "U2"]
    assert roster.assign_role(session=session, team_id=TEAM, role="sre", user_ids=["U2", "U3"], actor="cli") == ["U3"]
    session.commit()
    assert roster.members_by_role(session=session, team_id=TEAM) == {"sre": ["U1", "U2", "U3"]}
    assert sorted(roster.roles_of_user(session=session, team_id=TEAM, user_id="U2")) == ["sre"]
    assert roster.unassign_role(session=session, team_id=TEAM, role="SRE", user_id="U2", actor="cli")
    session.commit()
    assert roster.members_by_role(session=session, team_id=TEAM)["sre"] == ["U1", "U3"]
    assert len(audit.audit_entries(session=session, team_id=TEAM, action="role.assign")) == 2


def test_people_given_a_role_are_counted_before_the_commit(session: Session) -> None:
    """`roles assign` prints how many play the role in all, read in the same transaction as the assignment."""
    roster.assign_role(session=session, team_id=TEAM, role="SRE", user_ids=["U1", "U2"], actor="cli")
    assert roster.members_by_role(session=session, team_id=TEAM) == {"sre": ["U1", "U2"]}
