"""Split a Markdown file into its YAML front matter and its body."""

from dataclasses import dataclass, field

import yaml

from lms.content.errors import ContentError

FENCE = "---"


@dataclass
class Document:
    """A text file cut in two: front matter values and the body after them."""

    meta: dict = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line number (1-based) of the body's first line in the file


def split_front_matter(text: str, path: str) -> tuple[Document, list[ContentError]]:
    """Parse leading `---` YAML front matter; a file without it is all body."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n").strip() != FENCE:
        return Document(body=text), []
    for end in range(1, len(lines)):
        if lines[end].rstrip("\r\n").strip() == FENCE:
            break
    else:
        error = ContentError(
            path, 1, "front matter is not closed", "end it with a line of three dashes: ---"
        )
        return Document(body=text), [error]
    raw = "".join(lines[1:end])
    doc = Document(body="".join(lines[end + 1 :]), body_line=end + 2)
    try:
        meta = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        # The context mark points where the broken construct starts; the problem mark
        # often points at the end of the front matter.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(exc, "problem", None) or "invalid YAML"
        hint = "front matter is YAML: `key: value` lines; quote values that contain a colon"
        return doc, [ContentError(path, line, f"front matter is not valid YAML: {problem}", hint)]
    if not isinstance(meta, dict):
        hint = "write `key: value` lines between the --- fences"
        return doc, [
            ContentError(path, 2, "front matter must be a mapping of keys to values", hint)
        ]
    doc.meta = meta
    return doc, []


def key_line(text: str, key: str, default: int = 1) -> int:
    """The 1-based line where front matter `key:` is set, for error messages."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{key}:"):
            return number
    return default
