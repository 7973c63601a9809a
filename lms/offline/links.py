"""Rewrite the links of stored lesson HTML from the site's URLs to the package's files."""

import html as htmllib
import posixpath
import re
from urllib.parse import quote, unquote, urljoin, urlsplit

# Stored HTML is nh3 output: attributes always double-quoted and escaped the same way.
TAG_RE = re.compile(r"<(a|img)\b([^>]*)>")
URL_ATTR_RE = re.compile(r'\s(href|src)="([^"]*)"')
ALT_RE = re.compile(r'\salt="([^"]*)"')
# A base that cannot exist, to resolve relative links the way a browser would online.
SITE = "http://lms.invalid"


class LinkMap:
    """Where each page of the online course lives in the package."""

    def __init__(self, slug: str, lessons: dict[tuple[str, str], str], glossary: bool):
        self.prefix = f"/courses/{slug}"
        self.lessons = lessons  # (module slug, lesson slug) -> package path
        self.glossary = glossary
        self.files: set[str] = set()  # course files the rewritten pages point to

    def online_url(self, package_path: str) -> str:
        """The address the page has on the site (for resolving its relative links)."""
        if package_path == "index.html":
            return self.prefix
        if package_path == "glossary.html":
            return f"{self.prefix}/glossary"
        return f"{self.prefix}/{package_path.removesuffix('.html')}"

    def package_path(self, online_path: str) -> str | None:
        """The package file for a site path, or None when it exists online only."""
        if online_path.rstrip("/") == self.prefix:
            return "index.html"
        if not online_path.startswith(self.prefix + "/"):
            return None
        rest = online_path[len(self.prefix) + 1 :]
        if rest == "glossary":
            return "glossary.html" if self.glossary else None
        if rest.startswith("files/"):
            path = unquote(rest[len("files/") :])
            if not path or path != posixpath.normpath(path) or path.startswith(("/", "..")):
                return None
            self.files.add(path)
            return "files/" + path
        module, _, lesson = rest.partition("/")
        return self.lessons.get((module, lesson))

    def rewrite(self, html: str, page: str) -> str:
        """The HTML of `page` with links to package files made relative; others dropped."""
        base = SITE + self.online_url(page)

        def attribute(match: re.Match) -> str:
            name, value = match.group(1), htmllib.unescape(match.group(2))
            new = self._target(value, base, page, name == "src")
            return "" if new is None else f' {name}="{htmllib.escape(new)}"'

        def tag(match: re.Match) -> str:
            attributes = URL_ATTR_RE.sub(attribute, match.group(2))
            if match.group(1) == "img" and " src=" not in attributes:
                # A picture from the web cannot show offline: say what it was instead.
                alt = ALT_RE.search(attributes)
                text = htmllib.escape(htmllib.unescape(alt.group(1))) if alt else ""
                return f'<span class="image-online-only">[Picture online only: {text}]</span>'
            return f"<{match.group(1)}{attributes}>"

        return TAG_RE.sub(tag, html)

    def _target(self, value: str, base: str, page: str, is_resource: bool) -> str | None:
        if value.startswith("#"):
            return value
        parts = urlsplit(urljoin(base, value))
        if parts.scheme in ("http", "https", "mailto") and parts.netloc != "lms.invalid":
            # A link to another site still works when the reader is online; an image
            # from another site would be a request the package must never make.
            return None if is_resource else value
        target = self.package_path(parts.path)
        if target is None:
            return None  # a quiz or another course: online only, so no link
        relative = posixpath.relpath(target, posixpath.dirname(page) or ".")
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return quote(relative) + fragment
