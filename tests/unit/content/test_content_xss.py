"""A corpus of XSS attempts: none survives rendering, the visible text does."""

import re
from html.parser import HTMLParser

import pytest

from lms.content.render import render_markdown

MARK = "VISIBLE"
# Each payload wraps or follows the word VISIBLE, which must stay readable.
CORPUS = [
    f"<script>alert(1)</script>{MARK}",
    f"<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>{MARK}",
    f"<IMG SRC=\"javascript:alert('XSS');\">{MARK}",
    f"<IMG SRC=JaVaScRiPt:alert('XSS')>{MARK}",
    f"<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>{MARK}",
    f'<a href="jav&#x09;ascript:alert(1)">{MARK}</a>',
    f'<a href="jav&#x0A;ascript:alert(1)">{MARK}</a>',
    f'<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">{MARK}</a>',
    f'<a href="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)">{MARK}</a>',
    f'<a href=" &#14;  javascript:alert(1)">{MARK}</a>',
    f'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">{MARK}</a>',
    f'<a href="vbscript:msgbox(1)">{MARK}</a>',
    f"<svg onload=alert(1)>{MARK}</svg>",
    f'<svg><script xlink:href="data:,alert(1)"></script></svg>{MARK}',
    f'<img src=x onerror="alert(1)">{MARK}',
    f"<body onload=alert(1)>{MARK}",
    f'<iframe src="javascript:alert(1)"></iframe>{MARK}',
    f"<iframe srcdoc='<script>alert(1)</script>'></iframe>{MARK}",
    f"<style>body{{background:url('javascript:alert(1)')}}</style>{MARK}",
    f'<div style="width: expression(alert(1))">{MARK}</div>',
    f'<object data="javascript:alert(1)"></object>{MARK}',
    f'<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">{MARK}',
    f'<form action="javascript:alert(1)"><input type=submit></form>{MARK}',
    f'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">{MARK}',
    f'<link rel=stylesheet href="javascript:alert(1)">{MARK}',
    f"<scr<script>ipt>alert(1)</scr</script>ipt>{MARK}",
    f"{MARK}<script>alert(1)",
    f"{MARK}<img src=x onerror=alert(1)//",
    f'<img """><script>alert("XSS")</script>">{MARK}',
    f'<a href="#" onmouseover="alert(1)">{MARK}</a>',
    f'<details open ontoggle="alert(1)">{MARK}</details>',
    f"{MARK}<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style>",
    f"[{MARK}](javascript:alert(1))",
    f"[{MARK}](JAVASCRIPT:alert(1))",
    f"[{MARK}](javascript&#58;alert(1))",
    f"[{MARK}](  javascript:alert(1)  )",
    f"[{MARK}](<javascript:alert(1)>)",
    f"![{MARK}](javascript:alert(1))",
    f'![{MARK}](x" onerror="alert(1))',
    f"[{MARK}][ref]\n\n[ref]: javascript:alert(1)",
    f"<javascript:alert(1)>\n\n{MARK}",
    f"<a href='javascript:alert(1)'>{MARK}",
    f"<!-- <script>alert(1)</script> -->{MARK}",
    f'<p title="</p><script>alert(1)</script>">{MARK}</p>',
    f"&lt;script&gt;alert(1)&lt;/script&gt;{MARK}",
    f'<table background="javascript:alert(1)"><tr><td>{MARK}</td></tr></table>',
    f'<base href="javascript:alert(1)//">{MARK}',
]
DANGER = re.compile(
    r"<(script|iframe|svg|style|object|embed|form|meta|link|base|body|math|details)"
    r"|\son\w+\s*=|javascript:|vbscript:|data:|style=|expression\(",
    re.IGNORECASE,
)
ALLOWED_TAGS = {
    *("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "code"),
    *("pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "img", "hr", "br"),
    *("dl", "dt", "dd", "sup", "sub", "abbr"),
}
SAFE_URL = re.compile(r"^(https?:|mailto:|[^:]*$)", re.IGNORECASE)


class Markup(HTMLParser):
    """Collects every tag and attribute of an HTML fragment."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_harmless(html: str) -> None:
    """No dangerous markup: checked on the tags as text and as parsed elements."""
    markup = "".join(re.findall(r"<[^>]*>?", html))  # escaped text holds no '<'
    assert DANGER.search(markup) is None, html
    parser = Markup()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert name in {"href", "src", "alt", "title", "id", "align", "rel"}, html
            if name in {"href", "src"}:
                assert SAFE_URL.match(value or ""), html


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 25


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_is_harmless(payload):
    html = render_markdown(payload).html
    assert_harmless(html)
    assert MARK in html


@pytest.mark.parametrize("payload", CORPUS)
def test_payload_inside_a_lesson_keeps_the_heading(payload):
    html = render_markdown(f"# Title\n\n{payload}\n\nAfter the payload.\n").html
    assert_harmless(html)
    assert html.startswith('<h1 id="title">Title</h1>')


def test_the_checker_catches_real_markup():
    assert DANGER.search("<img src=x onerror=alert(1)>")
    with pytest.raises(AssertionError):
        assert_harmless('<a href="javascript:alert(1)">x</a>')
    assert_harmless("<p>&lt;script&gt;javascript:alert(1)</p>")
