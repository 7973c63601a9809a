"""Quiz to GIFT (Moodle's text format), with a warning for whatever cannot carry."""

import re

from lms.quiz.model import Question, Quiz, QuizSettings

_SPECIALS = "~=#{}:"


def _escape(text: str) -> str:
    """Escape GIFT's special characters; a blank line would end the question, so use \\n."""
    for char in _SPECIALS:
        text = text.replace(char, "\\" + char)
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    return re.sub(r"\n(?=\n)", r"\\n", text)


def _inline(text: str) -> str:
    return _escape(" ".join(text.split()))


def _number(value: float) -> str:
    return format(value, ".15g")


def _percent(weight: float) -> str:
    return f"%{format(weight * 100, '.5f').rstrip('0').rstrip('.')}%"


def _feedback(text: str) -> str:
    return f"#{_inline(text)}" if text else ""


def quiz_to_gift(quiz: Quiz) -> tuple[str, list[str]]:
    """GIFT text for a quiz; warnings name what Moodle's format cannot hold."""
    warnings: list[str] = []
    if quiz.settings != QuizSettings(pass_mark=quiz.settings.pass_mark):
        warnings.append("quiz settings (attempts, shuffle, draw, ...) are not part of GIFT")
    blocks = []
    for pool in quiz.pools:
        if pool.name:
            blocks.append(f"$CATEGORY: {pool.name}")
        if pool.draw is not None:
            warnings.append(f"pool {pool.name!r}: drawing {pool.draw} questions is not in GIFT")
        for question in pool.questions:
            block = _question(question, warnings)
            if block:
                blocks.append(block)
    return "\n\n".join(blocks) + "\n", warnings


def _question(q: Question, warnings: list[str]) -> str:
    if q.type not in _ANSWERS:
        warnings.append(f"{q.id}: GIFT has no {q.type} question; skipped")
        return ""
    if q.hint:
        warnings.append(f"{q.id}: hints are not part of GIFT; dropped")
    if q.case_sensitive:
        warnings.append(f"{q.id}: case-sensitive matching is not part of GIFT")
    if q.type == "multiple" and q.scoring != "partial":
        warnings.append(f"{q.id}: all-or-nothing scoring becomes partial credit in Moodle")
    answers = _ANSWERS[q.type](q)
    general = f"\n####{_escape(q.explain)}" if q.explain else ""
    return f"::{_escape(q.id)}::[markdown]{_escape(q.text)} {{\n{answers}{general}\n}}"


def _single(q: Question) -> str:
    lines = []
    for option in q.options:
        if option.weight == 1:
            mark = "="
        else:
            mark = "~" + (_percent(option.weight) if option.weight else "")
        lines.append(f"\t{mark}{_inline(option.text)}{_feedback(option.feedback)}")
    return "\n".join(lines)


def _truefalse(q: Question) -> str:
    right = next(o for o in q.options if o.weight == 1)
    wrong = next(o for o in q.options if o is not right)
    # GIFT true/false: the first feedback is for a wrong answer, the second for a right one.
    feedback = f"#{_inline(wrong.feedback)}#{_inline(right.feedback)}"
    return (
        "\t" + right.text.strip().upper() + (feedback if wrong.feedback or right.feedback else "")
    )


def _multiple(q: Question) -> str:
    # Moodle's multiple-answer weights: +1/n per right option, -1/n per wrong one (ours too).
    count = sum(1 for o in q.options if o.weight > 0)
    lines = []
    for option in q.options:
        weight = 1 / count if option.weight > 0 else -1 / count
        lines.append(f"\t~{_percent(weight)}{_inline(option.text)}{_feedback(option.feedback)}")
    return "\n".join(lines)


def _shorttext(q: Question) -> str:
    lines = []
    for option in q.options:
        weight = "" if option.weight == 1 else _percent(option.weight)
        lines.append(f"\t={weight}{_inline(option.text)}{_feedback(option.feedback)}")
    return "\n".join(lines)


def _numeric(q: Question) -> str:
    lines = ["\t#"]
    for n in q.numbers:
        if n.value is None:
            spec = f"{_number(n.low)}..{_number(n.high)}"
        elif n.high == n.value:
            spec = _number(n.value)
        else:
            spec = f"{_number(n.value)}:{_number(n.high - n.value)}"
        weight = "" if n.weight == 1 else _percent(n.weight)
        lines.append(f"\t={weight}{spec}{_feedback(n.feedback)}")
    return "\n".join(lines)


def _matching(q: Question) -> str:
    return "\n".join(f"\t={_inline(p.left)} -> {_inline(p.right)}" for p in q.pairs)


_ANSWERS = {
    "single": _single,
    "truefalse": _truefalse,
    "multiple": _multiple,
    "shorttext": _shorttext,
    "numeric": _numeric,
    "matching": _matching,
}
