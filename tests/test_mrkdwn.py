"""The converter every document text goes through on its way to Slack."""

from __future__ import annotations

import pytest

from bot.views.blocks import OPTION_TEXT, checkbox_elements
from bot.views.mrkdwn import cut_mrkdwn, to_mrkdwn, to_plain
from storage.models import ChecklistItem


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("read [the spec](https://example.com/spec)", "read <https://example.com/spec|the spec>"),
        ("[x](http://example.com)", "<http://example.com|x>"),
        ("**bold** and *em*", "*bold* and _em_"),
        ("run `make <target> && go`", "run `make &lt;target&gt; &amp;&amp; go`"),
        ("before <!-- hidden <!channel> --> after", "before  after"),
        ("tell <!channel>", "tell &lt;!channel&gt;"),
        ("tell <!here> now", "tell &lt;!here&gt; now"),
        ("ask <@U123>", "ask &lt;@U123&gt;"),
        ("R&D & QA", "R&amp;D &amp; QA"),
        ("a <b>tag</b>", "a &lt;b&gt;tag&lt;/b&gt;"),
        ("[a|b](https://example.com/x|<!channel>)", "<https://example.com/x%7C%3C!channel%3E|a∣b>"),
        ("[go](https://example.com/?a=1&b=2)", "<https://example.com/?a=1&amp;b=2|go>"),
        ("[**bold** label](https://example.com)", "<https://example.com|*bold* label>"),
        ("[mail](mailto:someone@example.com)", "mail"),
        ("<https://example.com>", "<https://example.com|https://example.com>"),
    ],
)
def test_markdown_becomes_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert to_mrkdwn(markdown) == mrkdwn


def test_a_javascript_link_is_not_made_a_link() -> None:
    drawn = to_mrkdwn("[click](javascript:alert(1)) <!channel>")
    assert "<javascript" not in drawn and "|click>" not in drawn
    assert "&lt;!channel&gt;" in drawn and "<!" not in drawn


def test_a_note_keeps_its_lines_its_code_block_and_drops_its_comments() -> None:
    note = "**Steps**:\n  - call <@U123>\n<!-- hidden\n<!channel> -->\n\n```bash\nmake <all>\n```\nend"
    assert to_mrkdwn(note) == "*Steps*:\n  - call &lt;@U123&gt;\n\n```bash\nmake &lt;all&gt;\n```\nend"


def test_plain_text_drops_marks_comments_and_link_targets() -> None:
    assert to_plain("**Launch** <!-- x --> [plan](https://example.com) & `v2`") == "Launch  plan & v2"


def test_a_long_label_is_cut_between_words_never_in_a_code_span() -> None:
    text = "Check that " + "`" + "the whole command line stays together" + "`" + " " + "word " * 20
    drawn, cut = cut_mrkdwn(text, 40)
    assert cut and drawn == "Check that…"
    drawn, cut = cut_mrkdwn("**" + ("word " * 30).strip() + "**", 40)
    assert cut and drawn.endswith("*…") and drawn.startswith("*word") and len(drawn) <= 40
    assert cut_mrkdwn("short", 40) == ("short", False)


def test_one_overlong_word_is_clipped_as_plain_text() -> None:
    drawn, cut = cut_mrkdwn("&" * 100, 20)
    assert cut and len(drawn) <= 20 and drawn.endswith("&amp;…")


def test_a_long_checkbox_label_fits_slack_and_its_description_holds_the_text() -> None:
    text = "Verify that `/api/chat answers quickly` with **every** model and " + "more words " * 10
    item = ChecklistItem(id=7, deliverable_id=1, text=text, depth=1, position=0)
    [element] = checkbox_elements("tick:1", [item])
    [option] = element["options"]
    label = option["text"]["text"]
    assert len(label) <= OPTION_TEXT and label.startswith("    Verify") and label.endswith("…")
    assert label.count("`") % 2 == 0
    description = option["description"]["text"]
    assert len(description) <= OPTION_TEXT
    assert description.startswith("Verify that /api/chat answers quickly with every")
