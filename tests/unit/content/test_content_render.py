"""Markdown rendering: tables, code, heading ids, images and self-check slots."""

import re

from lms.content.render import render_markdown, sanitise_html, split_self_checks

QUIZ_LESSON = """# Lesson

Before.

```quiz
## Is this a check?
(x) yes
( ) no
```

Between.

~~~~quiz
## Second?
answer: yes
~~~~

After.
"""


def test_table_with_alignment():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n").html
    assert '<th align="left">a</th>' in html
    assert '<td align="right">2</td>' in html
    assert "style=" not in html


def test_fenced_code_is_escaped_and_kept():
    html = render_markdown("```python\nif a < b:\n    pass\n```\n").html
    assert "<pre><code>if a &lt; b:\n    pass\n</code></pre>" in html


def test_headings_get_unique_ids():
    html = render_markdown("# Mine Ban\n\n## Mine Ban\n\n### IMAS & co\n").html
    assert '<h1 id="mine-ban">Mine Ban</h1>' in html
    assert '<h2 id="mine-ban_1">Mine Ban</h2>' in html
    assert '<h3 id="imas-co">IMAS &amp; co</h3>' in html


def test_non_latin_headings_get_ids():
    html = render_markdown("## ອະນຸສັນຍາ\n\n## Việt Nam\n").html
    assert '<h2 id="ອະນສນຍາ">ອະນຸສັນຍາ</h2>' in html  # combining marks are dropped
    assert '<h2 id="việt-nam">' in html


def test_attribute_lists_are_off():
    html = render_markdown("# Title {: onclick=alert(1) #x }\n").html
    tags = "".join(re.findall(r"<[^>]*>", html))
    assert re.search(r"\sonclick\s*=", tags) is None
    assert 'id="x"' not in html
    assert "{: onclick=alert(1) #x }" in html


def test_relative_images_are_rewritten_and_listed():
    text = "![Map](images/map.png)\n\n![Up](../shared/logo.webp)\n\n![Web](https://e.org/a.png)\n"
    result = render_markdown(text, path="01-first/01-intro.md", asset_prefix="/courses/c/files/")
    assert result.images == ["01-first/images/map.png", "shared/logo.webp"]
    assert 'src="/courses/c/files/01-first/images/map.png"' in result.html
    assert 'src="/courses/c/files/shared/logo.webp"' in result.html
    assert 'src="https://e.org/a.png"' in result.html


def test_images_leaving_the_folder_are_listed_not_rewritten():
    result = render_markdown("![x](../../etc/passwd.png)\n\n![y](/etc/a.png)\n", path="m/l.md")
    assert result.images == ["../etc/passwd.png", "/etc/a.png"]


def test_image_paths_with_spaces_are_quoted():
    result = render_markdown("![x](<images/my map.png>)\n", path="m/l.md", asset_prefix="/f/")
    assert result.images == ["m/images/my map.png"]
    assert 'src="/f/m/images/my%20map.png"' in result.html


def test_self_checks_are_cut_out_with_their_lines():
    result = render_markdown(QUIZ_LESSON, first_line=5)
    assert result.self_checks == [
        (5 + 5, "## Is this a check?\n(x) yes\n( ) no\n"),
        (5 + 13, "## Second?\nanswer: yes\n"),
    ]
    assert "Is this a check" not in result.html
    assert "(x) yes" not in result.html
    assert '<div class="self-check" data-check="0"></div>' in result.html
    assert '<div class="self-check" data-check="1"></div>' in result.html


def test_split_self_checks_interleaves_html_and_indices():
    parts = split_self_checks(render_markdown(QUIZ_LESSON).html)
    assert [type(p) for p in parts] == [str, int, str, int, str]
    assert parts[1] == 0 and parts[3] == 1
    assert "Before." in parts[0] and "Between." in parts[2] and "After." in parts[4]


def test_quiz_fence_inside_another_fence_is_code():
    text = "````markdown\n```quiz\n## Q\n```\n````\n"
    result = render_markdown(text)
    assert result.self_checks == []
    assert "```quiz" in result.html


def test_user_cannot_forge_a_slot():
    text = (
        '<div class="self-check" data-check="0"></div>\n\n'
        '<div class="self-check" data-check="0" onclick="x()">t</div>\n\n'
        "```quiz\n## Q\n(x) a\n```\n"
    )
    html = render_markdown(text).html
    assert html.count("<div") == 1
    assert split_self_checks(html).count(0) == 1
    assert "onclick" not in html


def test_sanitise_keeps_only_listed_slot_values():
    html = '<div class="self-check" data-check="7" id="x"></div><div class="evil"></div>'
    assert (
        sanitise_html(html, slots=8) == '<div class="self-check" data-check="7"></div><div></div>'
    )
    assert sanitise_html(html, slots=1) == '<div class="self-check"></div><div></div>'
    assert "<div" not in sanitise_html(html)


def test_links_get_rel_and_keep_relative_urls():
    html = render_markdown("[g](../glossary#imas) [m](mailto:a@b.org)\n").html
    assert '<a href="../glossary#imas" rel="noopener noreferrer">g</a>' in html
    assert 'href="mailto:a@b.org"' in html
