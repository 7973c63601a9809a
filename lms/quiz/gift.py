"""GIFT (Moodle's text format) to quiz syntax, with a warning for whatever cannot carry."""

import re

from lms.content.quiz_lines import needs_escape
from lms.quiz.gift_export import quiz_to_gift

__all__ = ["gift_to_quiz_text", "quiz_to_gift"]

# Escaped GIFT specials become private-use characters while parsing, then come back.
_ESCAPES = {"\\~": "\ue000", "\\=": "\ue001", "\\#": "\ue002", "\\{": "\ue003", "\\}": "\ue004"}
_ESCAPES["\\:"] = "\ue005"
_RESTORE = {v: k[1] for k, v in _ESCAPES.items()}
_FORMAT_RE = re.compile(r"^\s*\[(html|markdown|plain|moodle)\]\s*")
_TITLE_RE = re.compile(r"^\s*::(.*?)::\s*", re.S)
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUEFALSE = {"t": True, "true": True, "f": False, "false": False}


def _restore(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def gift_to_quiz_text(gift: str) -> tuple[str, list[str]]:
    """Convert GIFT text into quiz syntax text; warnings name what was dropped or changed."""
    for escape, placeholder in _ESCAPES.items():
        gift = gift.replace(escape, placeholder)
    lines = [ln for ln in gift.replace("\r\n", "\n").split("\n") if not ln.strip().startswith("//")]
    blocks = re.split(r"\n\s*\n", "\n".join(lines))
    out: list[str] = []
    warnings: list[str] = []
    ids: set[str] = set()
    for block in (b.strip() for b in blocks):
        if block.startswith("$CATEGORY:"):
            out += ["", f"# pool: {_pool_name(block, warnings)}"]
        elif block:
            # `\n` is a newline inside a question; expanding it after the split keeps blocks.
            out += _convert_question(block.replace("\\n", "\n"), ids, warnings)
    return "\n".join(out).strip() + "\n", warnings


def _pool_name(block: str, warnings: list[str]) -> str:
    path = _restore(block.split(":", 1)[1].splitlines()[0])
    parts = [p for p in path.split("/") if p and p not in ("$course$", "$system$", "top")]
    name = parts[-1] if parts else "default"
    if len(parts) > 1:
        warnings.append(f"category {path!r} is flattened to pool {name!r}")
    return name


def _slug(title: str, ids: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-_") or f"q{len(ids) + 1}"
    slug, n = base, 2
    while slug in ids:
        slug, n = f"{base}-{n}", n + 1
    ids.add(slug)
    return slug


def _convert_question(block: str, ids: set[str], warnings: list[str]) -> list[str]:
    title_match = _TITLE_RE.match(block)
    title = _restore(title_match[1]) if title_match else ""
    body = block[title_match.end() :] if title_match else block
    body = _strip_format(body, warnings)
    start, end = body.find("{"), body.rfind("}")
    name = title or _restore(body[: max(start, 0)])[:40] or "untitled"
    if start < 0 or end < start:
        warnings.append(f"description {name!r} is not a question; skipped")
        return []
    before, inside, after = body[:start], body[start + 1 : end], body[end + 1 :]
    inside, _, general = inside.partition("####")
    text = _restore(before)
    if after.strip():
        warnings.append(f"missing word question {name!r}: the gap is shown as _____")
        text = f"{text} \\_\\_\\_\\_\\_ {_restore(after)}".strip()
    answers = _answer_lines(inside.strip(), name, warnings)
    if answers is None:
        return []
    question = ["", *_text_lines(text or title), f"id: {_slug(title or text[:40], ids)}"]
    question += answers
    if general.strip():
        question += _text_lines(_restore(general), prefix="explain: ")
    return question


def _strip_format(body: str, warnings: list[str]) -> str:
    match = _FORMAT_RE.match(body)
    if not match:
        return body
    if match[1] != "markdown":  # our question text is Markdown already
        warnings.append(f"[{match[1]}] text format marker dropped; the text is kept as Markdown")
    return body[match.end() :]


def _text_lines(text: str, prefix: str = "## ") -> list[str]:
    first, *rest = text.split("\n") or [""]
    return [prefix + first.strip()] + ["\\" + ln if needs_escape(ln) else ln for ln in rest]


def _split_answers(inside: str) -> list[tuple[str, float | None, str, str]]:
    """(marker, weight or None, text, feedback) for each `=`/`~` answer."""
    answers = []
    for token in re.findall(r"[=~][^=~]*", inside):
        marker, rest = token[0], token[1:].strip()
        weight = None
        if match := _WEIGHT_RE.match(rest):
            weight, rest = float(match[1]), rest[match.end() :]
        text, _, feedback = rest.partition("#")
        answers.append((marker, weight, _restore(text), _restore(feedback)))
    return answers


def _answer_lines(inside: str, name: str, warnings: list[str]) -> list[str] | None:
    if not inside:
        warnings.append(f"essay {name!r} cannot be graded automatically; skipped")
        return None
    head = inside.split("#", 1)[0].strip().lower()
    if head in _TRUEFALSE:
        return _truefalse(inside, _TRUEFALSE[head])
    if inside.startswith("#"):
        return _numeric(inside[1:], name, warnings)
    answers = _split_answers(inside)
    if not answers:
        warnings.append(f"question {name!r}: answers not understood; skipped")
        return None
    if all(m == "=" for m, *_ in answers) and all("->" in t for _, _, t, _ in answers):
        return _matching(answers, name, warnings)
    if any(m == "~" for m, *_ in answers):
        return _choice(answers, name, warnings)
    return _shorttext(answers)


def _feedback_lines(feedback: str) -> list[str]:
    return [f"  > {line.strip()}" for line in feedback.split("\n") if line.strip()]


def _truefalse(inside: str, true_is_right: bool) -> list[str]:
    # GIFT true/false: the first feedback is for a wrong answer, the second for a right one.
    bits = [_restore(b) for b in inside.split("#")] + ["", ""]
    wrong, right = bits[1], bits[2]
    true_fb, false_fb = (right, wrong) if true_is_right else (wrong, right)
    lines = ["(x) True" if true_is_right else "( ) True", *_feedback_lines(true_fb)]
    return lines + ["( ) False" if true_is_right else "(x) False", *_feedback_lines(false_fb)]


def _percent(weight: float) -> str:
    return f"{weight:g}%"


def _choice(answers, name: str, warnings: list[str]) -> list[str]:
    # Without any `=` answer, Moodle reads `~%w%` weights as a multiple-answer question.
    multiple = not any(m == "=" for m, *_ in answers)
    right = [w for m, w, *_ in answers if (w or 0) > 0]
    lines = []
    for marker, weight, text, feedback in answers:
        weight = 100.0 if marker == "=" and weight is None else weight or 0.0
        if multiple:
            lines.append(f"[{'x' if weight > 0 else ' '}] {text}")
        elif weight < 0:
            warnings.append(f"question {name!r}: negative weight on {text!r} becomes 0%")
            lines.append(f"( ) {text}")
        else:
            mark = "x" if weight >= 100 else " " if weight == 0 else _percent(weight)
            lines.append(f"({mark}) {text}")
        lines += _feedback_lines(feedback)
    if multiple:
        lines.append("scoring: partial")
        even = 100 / len(right) if right else 0
        if any(abs(w - even) > 0.01 for w in right):
            warnings.append(f"question {name!r}: uneven weights become even partial credit")
    return lines


def _shorttext(answers) -> list[str]:
    lines = []
    for _marker, weight, text, feedback in answers:
        if weight == 0:
            lines.append(f"wrong: {text}")
        elif weight is None or weight >= 100:
            lines.append(f"answer: {text}")
        else:
            lines.append(f"answer {_percent(weight)}: {text}")
        lines += _feedback_lines(feedback)
    return lines


def _matching(answers, name: str, warnings: list[str]) -> list[str]:
    lines = []
    for _marker, _weight, text, feedback in answers:
        left, _, right = text.partition("->")
        lines.append(f"match: {left.strip()} -> {right.strip()}".replace("match:  ->", "match: ->"))
        if feedback:
            warnings.append(f"matching {name!r}: feedback on a pair is dropped")
    return lines


def _numeric(inside: str, name: str, warnings: list[str]) -> list[str] | None:
    inside = inside.strip()
    tokens = (
        _split_answers(inside) if inside.startswith(("=", "~")) else [("=", None, *_nf(inside))]
    )
    lines = []
    for marker, weight, spec, feedback in tokens:
        if marker == "~":
            warnings.append(f"numerical {name!r}: wrong answer {spec!r} is dropped")
            continue
        if ":" in spec and ".." not in spec:
            value, _, tolerance = spec.partition(":")
            spec = f"{value.strip()} +- {tolerance.strip()}"
        spec = spec.replace("..", " .. ") if ".." in spec else spec
        label = "number" if weight is None or weight >= 100 else f"number {_percent(weight)}"
        lines += [f"{label}: {' '.join(spec.split())}", *_feedback_lines(feedback)]
    if not lines:
        warnings.append(f"numerical {name!r} has no right answer; skipped")
        return None
    return lines


def _nf(token: str) -> tuple[str, str]:
    text, _, feedback = token.partition("#")
    return _restore(text), _restore(feedback)
