"""Markdown to safe HTML: Python-Markdown, then nh3 against an explicit allow-list."""

import html as htmllib
import posixpath
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

import markdown
import nh3
from markdown.extensions.toc import slugify_unicode

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
ALLOWED_TAGS = {
    *HEADINGS,
    *("p", "ul", "ol", "li", "a", "em", "strong", "code", "pre", "blockquote"),
    *("table", "thead", "tbody", "tr", "th", "td", "img", "hr", "br"),
    *("dl", "dt", "dd", "sup", "sub", "abbr"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "abbr": {"title"},
    **{tag: {"id"} for tag in HEADINGS},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Tags whose content is dropped too, not only the tag: it is code or markup, not prose.
DROP_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript"}
# Self-check slots are the one place a <div> may appear, with exactly these values.
SLOT_CLASS = "self-check"
MAX_SLOTS = 1000
SLOT_RE = re.compile(r'<div class="self-check" data-check="(\d+)"></div>')
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)")
HEADING_RE = re.compile(r"^#\s+(.+?)(?:\s+#+)?\s*$")
IMG_SRC_RE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')
EXTENSIONS = ["tables", "fenced_code", "toc", "sane_lists", "def_list", "abbr"]
# slugify_unicode keeps Thai, Khmer, Lao, Burmese and Vietnamese headings linkable.
EXTENSION_CONFIGS = {"tables": {"use_align_attribute": True}, "toc": {"slugify": slugify_unicode}}


@dataclass
class Rendered:
    """Safe HTML of a Markdown text, its self-check blocks and its local images."""

    html: str
    self_checks: list[tuple[int, str]] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


def render_markdown(
    text: str, *, path: str = "", first_line: int = 1, asset_prefix: str = ""
) -> Rendered:
    """Render Markdown to sanitised HTML; `path` is the file's path in the course folder."""
    token = f"SELFCHECKSLOT{secrets.token_hex(8)}X"
    body, checks = cut_self_checks(text, token, first_line)
    raw = markdown.markdown(body, extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)
    html = clean_html(raw)
    html, images = rewrite_images(html, posixpath.dirname(path), asset_prefix)
    html = re.sub(
        rf"(?:<p>)?{token}(\d+)(?:</p>)?",
        lambda m: f'<div class="{SLOT_CLASS}" data-check="{int(m.group(1))}"></div>',
        html,
    )
    return Rendered(html=sanitise_html(html, slots=len(checks)), self_checks=checks, images=images)


def reuse_rendered(
    html: str, text: str, *, path: str = "", first_line: int = 1, asset_prefix: str = ""
) -> Rendered | None:
    """What `render_markdown(text, ...)` gives, from the HTML it gave for `text` before.

    None when that HTML may not fit `path`: an image path under the file's own folder
    comes out the same from any folder, but one elsewhere may have been resolved from
    the folder the file was in before it moved here.
    """
    if not asset_prefix:
        return None  # without the prefix, local images cannot be told from others
    images = local_images(html, asset_prefix)
    folder = posixpath.dirname(path)
    if folder and not all(image.startswith(folder + "/") for image in images):
        return None
    _, checks = cut_self_checks(text, "", first_line)
    return Rendered(html=html, self_checks=checks, images=images)


def local_images(html: str, asset_prefix: str) -> list[str]:
    """Course-relative paths of the images `rewrite_images` pointed at `asset_prefix`."""
    images: list[str] = []
    for match in IMG_SRC_RE.finditer(html):
        src = htmllib.unescape(match.group(2))
        if src.startswith(asset_prefix):
            local = unquote(src[len(asset_prefix) :])
            if local not in images:
                images.append(local)
    return images


def clean_html(html: str) -> str:
    """Sanitise HTML with the allow-list, without self-check slots."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROP_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def sanitise_html(html: str, *, slots: int = 0) -> str:
    """Sanitise HTML, keeping self-check slots numbered 0 to slots-1 and nothing else on div."""
    slot_values = {str(n) for n in range(min(slots, MAX_SLOTS))}
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS | ({"div"} if slots else set()),
        clean_content_tags=DROP_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values={"div": {"class": {SLOT_CLASS}, "data-check": slot_values}},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def split_self_checks(html: str) -> list[str | int]:
    """Cut lesson HTML at its self-check slots: HTML segments and check indices, in order."""
    parts: list[str | int] = []
    position = 0
    for match in SLOT_RE.finditer(html):
        if match.start() > position:
            parts.append(html[position : match.start()])
        parts.append(int(match.group(1)))
        position = match.end()
    if position < len(html):
        parts.append(html[position:])
    return parts


def cut_self_checks(text: str, token: str, first_line: int) -> tuple[str, list[tuple[int, str]]]:
    """Replace top-level ```quiz fences by placeholder paragraphs; return them with lines."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    checks: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        match = FENCE_RE.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        fence, info = match.group(1), match.group(2)
        end = fence_end(lines, index + 1, fence)
        if info == "quiz":
            checks.append((first_line + index + 1, "".join(lines[index + 1 : end])))
            out.append(f"\n{token}{len(checks) - 1}\n\n")
        else:
            out.extend(lines[index : end + 1])
        index = end + 1
    return "".join(out), checks


def fence_end(lines: list[str], start: int, fence: str) -> int:
    """Index of the line closing `fence`, or len(lines) when it is never closed."""
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start, len(lines)):
        if closing.match(lines[index]):
            return index
    return len(lines)


def rewrite_images(html: str, base_dir: str, asset_prefix: str) -> tuple[str, list[str]]:
    """Point relative image sources at `asset_prefix` + course-relative path; list them."""
    images: list[str] = []

    def replace(match: re.Match) -> str:
        src = htmllib.unescape(match.group(2))
        local = local_path(src, base_dir)
        if local is None:
            return match.group(0)
        if local not in images:
            images.append(local)
        if leaves_folder(local):
            return match.group(0)
        url = asset_prefix + quote(local)
        return f"{match.group(1)}{htmllib.escape(url)}{match.group(3)}"

    return IMG_SRC_RE.sub(replace, html), images


def leaves_folder(path: str) -> bool:
    """True when a course-relative path is absolute or climbs out of the course folder."""
    return path.startswith("/") or path == ".." or path.startswith("../")


def local_path(src: str, base_dir: str) -> str | None:
    """Course-relative path of a local image source; None for http(s) or empty sources."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = unquote(parts.path)
    if target.startswith("/"):
        return target  # absolute: the loader refuses it
    return posixpath.normpath(posixpath.join(base_dir, target))


def _first_heading_line(lines: list[str]) -> tuple[int, str]:
    """The index and text of the first `# heading` outside fenced code, or (-1, "")."""
    fence = ""
    for index, line in enumerate(lines):
        match = FENCE_RE.match(line)
        if match and (not fence or match.group(1).startswith(fence)):
            fence = "" if fence else match.group(1)
        elif not fence and (heading := HEADING_RE.match(line)):
            return index, heading.group(1).strip()
    return -1, ""


def first_heading(body: str) -> str:
    """The text of the first `# heading` outside fenced code, or ""."""
    return _first_heading_line(body.splitlines())[1]


def drop_heading(body: str, title: str) -> str:
    """The body with its first `# heading` blanked if that heading is the title.

    The line stays (empty) so that line numbers in error messages do not move.
    """
    lines = body.splitlines(keepends=True)
    index, text = _first_heading_line([line.rstrip("\r\n") for line in lines])
    if index < 0 or text != title:
        return body
    lines[index] = "\n"
    return "".join(lines)
