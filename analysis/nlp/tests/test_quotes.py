"""Quoted text is another member's report, never the writer's: blanked before the tagger reads a post."""

import pytest

from analysis.nlp.quotes import blank_quotes, quoted_spans
from analysis.nlp.tagger import prepare_text

# Another member's stories, as they would be quoted (each tagged as its outcome when read on its own).
STORIES = {
    "helped": "Swimming in the warm pool eased my pain so much.\nI sleep better after every session now.",
    "worsened": "I tried a couch to 5k plan and it made everything worse.\n"
    "I crashed for three weeks after the second run.",
    "mixed": "Yoga helped my stiffness, but it left me exhausted for days afterwards.",
    "none": "I'm thinking about trying tai chi next month.\nDoes anyone know a good class?",
}
# The replier's own line, one of each outcome, each read reliably by the tagger on its own.
OWN_LINES = {
    "helped": "Walking every morning has made my back pain much better.",
    "worsened": "Pilates made my fatigue much worse.",
    "mixed": "Swimming eased my pain but it wiped me out for two days afterwards.",
    "none": "Thanks for sharing this, I hope you have a good week.",
}


def forum_quote(name: str, body: str) -> str:
    """A quote in the shape forum.selectors.post_quote_markdown gives (built by hand: no Django here)."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
    return f"**{name}** wrote:\n\n{quoted}\n\n"


def overlaps(evidence, start: int, end: int) -> bool:
    return evidence.start < end and start < evidence.end


# --- blank_quotes: what counts as quoted ---------------------------------------------------------------


def test_blanking_keeps_the_length_line_breaks_and_every_unquoted_character():
    # given a reply with a quote between two lines of the writer's own
    text = "Hi all.\r\n> Rowing helped me.\r\n>> So did rest.\n\nMy own line.\n"
    # when the quotes are blanked
    blanked = blank_quotes(text)
    # then only the quoted characters became spaces
    assert len(blanked) == len(text)
    breaks = [i for i, ch in enumerate(text) if ch in "\r\n"]
    assert [i for i, ch in enumerate(blanked) if ch in "\r\n"] == breaks
    assert blanked.startswith("Hi all.\r\n")
    assert blanked.endswith("\n\nMy own line.\n")
    assert blanked.split("\n")[1].strip() == "" and blanked.split("\n")[2].strip() == ""


def test_forum_quote_with_its_attribution_line_is_blanked_whole():
    quote = forum_quote("Rowan", "Tai chi calmed my joints.\n\nIt took a month.")
    text = quote + "Not for me."
    assert blank_quotes(text) == "".join(ch if ch == "\n" else " " for ch in quote) + "Not for me."
    assert quoted_spans(text)[0][0] == 0


def test_attribution_survives_a_display_name_with_spaces_underscores_and_stars():
    text = forum_quote("pool_swimmer *Jo* 2", "The hydro class helped.") + "Mine too."
    assert blank_quotes(text).strip() == "Mine too."


def test_plain_name_wrote_line_directly_before_a_quote_is_blanked():
    assert blank_quotes("Sam wrote:\n> Cycling hurt.\n\nOwn.").strip() == "Own."
    assert blank_quotes("@sam_k wrote:\n\n> Cycling hurt.\n\nOwn.").strip() == "Own."


def test_wrote_line_without_a_quote_after_it_is_the_writers_own():
    text = "My physio wrote:\n\nKeep the walks short."
    assert blank_quotes(text) == text


def test_a_sentence_ending_in_wrote_is_not_an_attribution():
    own = "Walking has eased my pain so much that I told my friend, who wrote:"
    assert blank_quotes(own + "\n> Glad to hear it").startswith(own)


@pytest.mark.parametrize("indent", ["", " ", "  ", "   "])
def test_quote_marker_may_be_indented_up_to_three_spaces(indent):
    assert blank_quotes(f"{indent}> Stretching helped.\n\nOwn.").strip() == "Own."


def test_four_spaces_before_the_marker_is_code_not_a_quote():
    text = "Own.\n\n    > a code sample"
    assert blank_quotes(text) == text


def test_nested_quotes_are_blanked_at_every_depth():
    text = "> outer\n>> inner\n> > spaced inner\n>>> deepest\n\nOwn."
    assert blank_quotes(text).strip() == "Own."


def test_lazy_continuation_line_belongs_to_the_quote():
    # CommonMark shows "kept going" inside the quote, so it is quoted too
    text = "> I walked daily\nand kept going for a year\n\nOwn."
    assert blank_quotes(text).strip() == "Own."


@pytest.mark.parametrize(
    "own",
    ["- my list item", "1. my first point", "# My heading", "---", "```", "<3 thanks", "==="],
)
def test_a_line_that_starts_a_block_ends_the_quote(own):
    text = f"> I walked daily\n{own}"
    assert blank_quotes(text).endswith(f"\n{own}")


def test_no_lazy_continuation_after_an_empty_quote_line_or_a_quoted_heading():
    assert blank_quotes(">\nOwn.").endswith("\nOwn.")
    assert blank_quotes("> # Title\nOwn.").endswith("\nOwn.")
    assert blank_quotes(">     code in a quote\nOwn.").endswith("\nOwn.")


def test_no_lazy_continuation_after_a_fenced_code_block_inside_a_quote():
    assert blank_quotes("> ```\n> a = 1\nOwn.").endswith("\nOwn.")


@pytest.mark.parametrize(
    "text",
    [
        "My pain went from 8 > 5 after a month of swimming.",
        "Walk -> rest -> walk again.",
        "Pacing >>> pushing through.",
        "a > b\nc >> d",
    ],
)
def test_greater_than_inside_a_line_is_text(text):
    assert blank_quotes(text) == text


def test_quote_lines_inside_a_fenced_code_block_are_text():
    text = "```\n> not a quote\n```\nOwn."
    assert blank_quotes(text) == text


def test_html_blockquote_is_blanked_nested_and_all():
    text = "Own. <blockquote>Running <BLOCKQUOTE cite='x'>hurt</blockquote> me</blockquote> Also own."
    assert blank_quotes(text).split() == ["Own.", "Also", "own."]


def test_unclosed_html_blockquote_leaves_the_writers_text_alone():
    text = "<blockquote>Own words I forgot to close."
    assert blank_quotes(text) == text


def test_blanking_agrees_with_the_forums_markdown_renderer():
    # every line the forum shows inside a quote is blanked, and nothing else (attribution lines aside)
    markdown_it = pytest.importorskip("markdown_it")
    md = markdown_it.MarkdownIt("commonmark", {"html": False})
    text = (
        forum_quote("Rowan", "Swimming helped.\n\nI sleep better.")
        + "Own line one.\n\n> one\n>> two\nlazy\n\n- item\n  > quote in a list\n\n"
        + "pain 8 > 5\n\n```\n> code\n```\n\n> last\n# heading\nOwn line two."
    )
    lines = text.split("\n")
    shown_quoted = set()
    for token in md.parse(text):
        if token.type == "blockquote_open":
            shown_quoted.update(range(*token.map))
    blanked = blank_quotes(text).split("\n")
    for number, (line, after) in enumerate(zip(lines, blanked, strict=True)):
        if not line.strip() or line == "**Rowan** wrote:":
            continue
        assert (after.strip() == "") == (number in shown_quoted), line


# --- the tagger: quotes never decide the tag, never are evidence -----------------------------------------


def test_prepare_text_blanks_quotes_and_keeps_every_other_offset():
    text = forum_quote("Rowan", STORIES["helped"]) + OWN_LINES["worsened"]
    prepared = prepare_text(text)
    assert len(prepared) == len(text)
    start, end = quoted_spans(text)[0][0], len(forum_quote("Rowan", STORIES["helped"]))
    assert prepared[start:end].strip() == ""
    assert prepared[end:] == text[end:]


@pytest.mark.parametrize("outcome", sorted(STORIES))
def test_the_quoted_stories_carry_their_outcome_when_read_as_own_words(outcome_of, outcome):
    # so that blanking them is what keeps them from deciding a reply's tag
    assert outcome_of(STORIES[outcome]) == outcome


@pytest.mark.parametrize("own_outcome", sorted(OWN_LINES))
def test_each_own_line_alone_reads_as_its_outcome(outcome_of, own_outcome):
    assert outcome_of(OWN_LINES[own_outcome]) == own_outcome


@pytest.mark.parametrize("quote_first", [True, False], ids=["reply-below", "reply-above"])
@pytest.mark.parametrize("own_outcome", sorted(OWN_LINES))
@pytest.mark.parametrize("quoted_outcome", sorted(STORIES))
def test_a_reply_is_tagged_by_its_own_line_whatever_it_quotes(tag, quoted_outcome, own_outcome, quote_first):
    # given a forum quote of another member's story and one line of the writer's own
    quote, own = forum_quote("Rowan", STORIES[quoted_outcome]), OWN_LINES[own_outcome]
    text = quote + own if quote_first else own + "\n\n" + quote
    quote_start = 0 if quote_first else len(own) + 2
    quote_end = quote_start + len(quote)
    # when the post is tagged
    result = tag(text)
    # then the tag is the own line's, and no evidence comes from the quote
    assert result.outcome == tag(own).outcome == own_outcome
    assert not any(overlaps(e, quote_start, quote_end) for e in result.evidence)
    for e in result.evidence:
        assert text[e.start : e.end] == e.text


@pytest.mark.parametrize(
    "text",
    [
        forum_quote("Rowan", STORIES["helped"]),
        forum_quote("Rowan", STORIES["worsened"]).rstrip(),
        "> " + STORIES["mixed"],
        "Sam wrote:\n" + "\n".join(">> " + line for line in STORIES["worsened"].splitlines()),
        "<blockquote>" + STORIES["helped"] + "</blockquote>",
    ],
    ids=["forum", "forum-no-trailing-blank", "plain", "plain-nested", "html"],
)
def test_a_post_that_is_only_a_quote_reads_as_no_outcome(tag, text):
    result = tag(text)
    assert result.outcome == "none"
    assert result.evidence == []


def test_nested_forum_quotes_never_decide_the_tag(tag):
    # given a reply quoting a post that itself quoted a third member
    inner = forum_quote("Ash", STORIES["worsened"])
    outer = forum_quote("Rowan", inner.rstrip() + "\n\n" + STORIES["mixed"])
    own = OWN_LINES["helped"]
    text = outer + own
    # when it is tagged, then only the own line counts
    result = tag(text)
    assert result.outcome == "helped"
    assert result.evidence
    assert all(e.start >= len(outer) and text[e.start : e.end] == e.text for e in result.evidence)


def test_lazy_continuation_of_a_quote_is_not_evidence(tag):
    story = STORIES["worsened"].splitlines()
    quote = f"> {story[0]}\n{story[1]}\n\n"
    text = quote + OWN_LINES["helped"]
    result = tag(text)
    assert result.outcome == "helped"
    assert all(e.start >= len(quote) for e in result.evidence)


def test_greater_than_mid_line_is_still_read(tag):
    own = OWN_LINES["helped"]
    text = "Pain scores 8 > 5 since May.\n" + own
    result = tag(text)
    assert result.outcome == tag(own).outcome == "helped"
    assert prepare_text(text) == text
    assert all(text[e.start : e.end] == e.text for e in result.evidence)


def test_tag_many_blanks_quotes_too(tagger):
    texts = [forum_quote("Rowan", STORIES[o]) + OWN_LINES["worsened"] for o in sorted(STORIES)]
    results = [r for r, _ in tagger.tag_many((t, i) for i, t in enumerate(texts))]
    assert [r.outcome for r in results] == ["worsened"] * len(texts)
