"""Property tests of the Markdown pipeline: whatever the text, the HTML that comes out
holds no script, no event handler and no javascript: URL, and sanitising is idempotent."""

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lms.content.render import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown, sanitise_html
from tests.unit.content.test_content_xss import CORPUS

# Pieces attackers combine: tags, handlers, URL schemes hidden by entities and whitespace,
# Markdown links and images, comments, CDATA, unclosed and mis-nested markup.
FRAGMENTS = [
    "<script>",
    "</script>",
    "<SCRIPT SRC=//x.example/x.js>",
    "<scr",
    "ipt>",
    "<img src=x",
    " onerror=alert(1)",
    " onload=",
    " ONCLICK='x'",
    "<svg",
    "<math>",
    "<iframe",
    "<style>",
    '<a href="',
    "javascript:",
    "JaVaScRiPt&colon;",
    "jav&#x09;ascript:",
    "&#106;avascript:",
    "java\x00script:",
    "vbscript:",
    "data:text/html,",
    '">',
    "'>",
    ">",
    "<",
    "/>",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "[x](",
    ")",
    "![y](",
    "<",
    "`",
    "```",
    "\n",
    "\n\n",
    "# ",
    "* ",
    "> ",
    "|a|b|\n|-|-|\n",
    '<p title="',
    "<div>",
    "</div>",
    "<details open ",
    "ontoggle=",
    "alert(1)",
    "&lt;",
    "&amp;",
    "&#",
    "x",
    " ",
    "\t",
    "\u2028",
    "<base href=",
    "<form action=",
    "<object data=",
    "<embed src=",
    "<meta http-equiv=refresh content=",
    "<table background=",
    "<a href='",
    '<img src="',
    "[r]: ",
    "<javascript:alert(1)>",
]
hostile_text = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=20).map("".join),
    st.sampled_from(CORPUS),
)
# What a browser ignores inside a URL's scheme: ASCII whitespace and control characters.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
DANGEROUS_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
# nh3 (ammonia) allows lang and title on every element; rel is the one it adds to links;
# class and data-check only ever on a self-check slot <div>.
GENERIC_ATTRIBUTES = {"lang", "title", "rel", "class", "data-check"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background"}


class Elements(HTMLParser):
    """Every element and attribute as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, attrs))


def assert_safe(html: str, extra_tags=frozenset()) -> None:
    parser = Elements()
    parser.feed(html)
    parser.close()
    assert "<script" not in html.lower(), html
    for tag, attrs in parser.found:
        assert tag in ALLOWED_TAGS | extra_tags, (tag, html)
        for name, value in attrs:
            assert not name.startswith("on"), (name, html)
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()) | GENERIC_ATTRIBUTES, (
                tag,
                name,
                html,
            )
            if name in URL_ATTRIBUTES:
                scheme = IGNORED_IN_SCHEME.sub("", value or "")
                assert not DANGEROUS_SCHEME.match(scheme), (value, html)


FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(hostile_text)
@example('<a href="jav&#x09;ascript:alert(1)">x</a>')
@example("[x](javascript&#58;alert(1))")
def test_rendered_markdown_is_safe(text):
    rendered = render_markdown(text)
    assert_safe(rendered.html, extra_tags=frozenset({"div"}) if rendered.self_checks else set())


@FAST
@given(hostile_text)
def test_sanitised_html_is_safe(text):
    assert_safe(sanitise_html(text))


@FAST
@given(hostile_text)
@example("<p>a<p>b")
@example("<table><tr><td>x</td></tr><p>y</p></table>")
def test_sanitising_twice_changes_nothing(text):
    once = sanitise_html(text)
    assert sanitise_html(once) == once


@FAST
@given(hostile_text)
def test_rendered_html_survives_sanitising_unchanged(text):
    """What the renderer stores is already a fixed point of the sanitiser."""
    rendered = render_markdown(text)
    assert sanitise_html(rendered.html, slots=len(rendered.self_checks)) == rendered.html
