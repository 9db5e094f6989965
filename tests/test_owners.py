"""Who owns work, only where the text names them: headings that read like roles, prefixes, parentheses, @handles."""

from __future__ import annotations

import pytest

from bot.document.owners import (
    bare_name,
    heading_owners,
    item_owners,
    label_owners,
    quote_role,
    reads_like_role,
    roster_role,
    signoff_owner,
)


@pytest.mark.parametrize(
    ("heading", "owners"),
    [
        ("Dev Lead", ["Dev Lead"]),
        ("Dev/CI Engineer", ["Dev/CI Engineer"]),
        ("SRE / Security", ["SRE", "Security"]),
        ("Security + QA", ["Security", "QA"]),
        ("SRE & Security", ["SRE", "Security"]),
        ("Backend team", ["Backend team"]),
        ("QA Lead", ["QA Lead"]),
        ("Release Lead tasks", ["Release Lead"]),
        ("CNCF staff tasks", ["CNCF staff"]),
        ("Tareas Finales (Todo el Equipo)", ["Todo el Equipo"]),
        ("`Tech Lead + Backend Senior` / QA", ["Tech Lead + Backend Senior", "QA"]),
    ],
)
def test_headings_that_read_like_roles_name_owners(heading: str, owners: list[str]) -> None:
    assert heading_owners(heading) == owners


@pytest.mark.parametrize(
    "heading",
    ["Functional Testing", "Rollback Steps", "Escalation Path", "Primary Goals", "Level 1:", "Network Security",
     "Prerequisites", "QA Phase", "Release", "Review and understand", "Technical Team Training", "BLOQUEADORES"],
)  # fmt: skip
def test_topic_and_step_headings_name_nobody(heading: str) -> None:
    assert heading_owners(heading) is None
    assert not reads_like_role(heading)


def test_owners_headings_trusts_every_heading() -> None:
    assert heading_owners("Functional Testing", trust=True) == ["Functional Testing"]


def test_a_bold_role_line_is_one_role_even_with_a_plus() -> None:
    assert heading_owners("Tech Lead + Backend Senior", one_role=True) == ["Tech Lead + Backend Senior"]
    assert heading_owners("Backend Developer + IA", one_role=True) == ["Backend Developer + IA"]
    assert quote_role("Tech Lead + Backend Senior") == "`Tech Lead + Backend Senior`"
    assert quote_role("Dev/CI Engineer") == "Dev/CI Engineer"


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("DEV/QA: Kickoff meeting", ["DEV", "QA"]),
        ("QA: [Compatibility test](https://example.com)", ["QA"]),
        ("[Release Lead] cut the branch", ["Release Lead"]),
        ("Review release (product owner)", ["product owner"]),
        ("Approve release (product owner and release manager)", ["product owner", "release manager"]),
        ("Update Roadmap (TPM/release manager)", ["TPM", "release manager"]),
        ("Write the tests (Dev 1)", ["Dev 1"]),
        ("Ship it (owner: @maria, due 2025-03-10)", ["@maria"]),
        ("Release Notes + Breaking Changes @tbsbdr", ["@tbsbdr"]),
        ("Branch Manager does mock release build.", ["Branch Manager"]),
        ("Release Notes Lead PRs final draft release notes", ["Release Notes Lead"]),
        ("Análisis de la situación actual. (Lud)", ["Lud"]),
    ],
)
def test_items_name_their_own_owners(text: str, owners: list[str]) -> None:
    assert item_owners(text) == owners


@pytest.mark.parametrize(
    "text",
    [
        "DEV/QA: Ping @hodyroff once the demo instances are running",
        "Notify @michaelstingl to publish client finals",
        "Optional: [Book time with staff](https://example.com)",
        "Smoke test on Web Office (Collabora, Onlyoffice, Microsoft office)",
        "Configurar pipeline CI/CD (si no existe)",
        "Release Lead Shadows are confirmed",
        "Notified team leads to update the contact sheet",
        "Team leads notified that all members read the guide",
        "**Admin Guide** (for engineers/admins)",
    ],
)
def test_people_to_ping_and_words_in_parentheses_are_not_owners(text: str) -> None:
    assert [owner for owner in item_owners(text) if owner not in ("DEV", "QA")] == []


def test_under_a_role_heading_a_bare_parenthetical_is_who_to_ask() -> None:
    assert item_owners("Solicitar reviews (Backend Lead + SRE)", named_above=True) == []
    assert item_owners("Solicitar reviews (owner: SRE)", named_above=True) == ["SRE"]


def test_owner_lines_and_columns_split_on_slashes_and_pluses() -> None:
    assert label_owners("QA/Security") == ["QA", "Security"]
    assert label_owners("@arquitecto-senior + @qa-lead") == ["@arquitecto-senior", "@qa-lead"]
    assert label_owners("scrum master/arquitecto-senior") == ["scrum master", "arquitecto-senior"]
    assert label_owners("Pendiente") == []
    assert label_owners("Backend / QA") == ["Backend", "QA"]


def test_signoffs_rosters_and_names() -> None:
    assert signoff_owner("QA **Due {{ env.qaDueDate }}**") == "QA"
    assert signoff_owner("Mobile Release Manager **Due after 10am EST**") == "Mobile Release Manager"
    assert signoff_owner("Images:") is None
    assert roster_role("Release Lead Shadow: (at)USERNAME") == "Release Lead Shadow"
    assert roster_role("Release Cycle: `Kubernetes 1.XX`") is None
    assert bare_name("Alcance del proyecto. (Juli)") == "Juli"
    assert bare_name("Run the audit (Optional)") is None
