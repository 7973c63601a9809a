"""Turn the lines gathered for one question into a checked Question."""

import re
from dataclasses import dataclass, field

from lms.content.errors import ContentError
from lms.content.quiz_lines import ANSWER_MARKERS, Line, parse_weight
from lms.quiz.model import NumberAnswer, Option, Pair, Question
from lms.quiz.numbers import parse_number_spec

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PARTIAL_TYPES = ("multiple", "ordering")


@dataclass
class Report:
    """Collects every problem found, so authors see them all at once."""

    path: str
    errors: list[ContentError] = field(default_factory=list)

    def __call__(self, line: int, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.path, line, message, hint))


@dataclass
class Answer:
    """An answer line and the `>` feedback lines under it."""

    line: Line
    feedback: list[str] = field(default_factory=list)


@dataclass
class QuestionDraft:
    """What has been read of a question so far."""

    line: int
    pool: str
    text: list[str]
    kind: str = ""
    answers: list[Answer] = field(default_factory=list)
    keywords: dict[str, Line] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)  # continuation of explain/hint

    def keyword(self, key: str) -> str:
        """A keyword's value with its continuation lines, or ''."""
        if key not in self.keywords:
            return ""
        return "\n".join([self.keywords[key].value, *self.extra.get(key, [])]).strip()


def build_question(draft: QuestionDraft, report: Report) -> Question | None:
    """A Question from a draft, or None after reporting each problem found."""
    before = len(report.errors)
    text = "\n".join(draft.text).strip()
    if not text:
        report(draft.line, "question has no text", "write the question after `## `")
    question_id = _check_id(draft, report)
    if not draft.answers:
        markers = ", ".join(ANSWER_MARKERS.values())
        report(draft.line, "question has no answer lines", f"add answer lines: {markers}")
        return None
    qtype, parts = BUILDERS[draft.kind](draft, report)
    scoring = _check_scoring(draft, qtype, report)
    case_sensitive = _check_case(draft, qtype, report)
    if len(report.errors) > before:
        return None
    return Question(
        id=question_id,
        type=qtype,
        text=text,
        line=draft.line,
        explain=draft.keyword("explain"),
        hint=draft.keyword("hint"),
        scoring=scoring,
        case_sensitive=case_sensitive,
        pool=draft.pool,
        **parts,
    )


def _check_id(draft: QuestionDraft, report: Report) -> str:
    line = draft.keywords.get("id")
    if line is None:
        hint = "add `id: a-short-slug` under the question; attempts and statistics rely on it"
        report(draft.line, "question has no id", hint)
        return ""
    if not ID_RE.match(line.value):
        hint = "use lower-case letters, digits, - and _, starting with a letter or digit"
        report(line.number, f"id {line.value!r} is not a valid slug", hint)
    return line.value


def _check_scoring(draft: QuestionDraft, qtype: str, report: Report) -> str:
    line = draft.keywords.get("scoring")
    if line is None:
        return "all"
    if line.value not in ("all", "partial"):
        report(
            line.number,
            f"unknown scoring {line.value!r}",
            "write `scoring: partial` or leave it out",
        )
    elif qtype not in PARTIAL_TYPES:
        hint = "partial scoring applies to multiple choice `[ ]` and ordering `order:` only"
        report(line.number, f"scoring has no effect on a {qtype} question", hint)
    return line.value


def _check_case(draft: QuestionDraft, qtype: str, report: Report) -> bool:
    line = draft.keywords.get("case")
    if line is None:
        return False
    if line.value not in ("sensitive", "insensitive"):
        report(line.number, f"unknown case {line.value!r}", "write `case: sensitive`")
    elif qtype != "shorttext":
        report(line.number, "case applies only to short text answers", "remove the `case:` line")
    return line.value == "sensitive"


def _feedback(answer: Answer) -> str:
    return "\n".join(answer.feedback).strip()


def _weight(answer: Answer, mark: str, report: Report) -> float:
    try:
        return parse_weight(mark)
    except ValueError:
        report(answer.line.number, f"weight {mark} is above 100%", "use a weight from 0% to 100%")
        return 0.0


def _too_few(draft: QuestionDraft, count: int, what: str, report: Report) -> None:
    if count < 2:
        report(draft.line, f"question has fewer than two {what}", f"add at least two {what}")


def _build_choice(draft: QuestionDraft, report: Report) -> tuple[str, dict]:
    options, full = [], 0
    for answer in draft.answers:
        mark, value = answer.line.mark, answer.line.value
        if not value:
            report(answer.line.number, "option has no text", "write the option after the marker")
        weight = 1.0 if mark == "x" else 0.0 if not mark else _weight(answer, mark, report)
        if weight == 1.0:
            full += 1
            if full == 2 and draft.kind == "single":
                hint = "single choice has one `(x)`; use `[x]` lines for several correct options"
                report(answer.line.number, "two options are marked correct", hint)
        options.append(Option(value, weight, _feedback(answer)))
    _too_few(draft, len(options), "options", report)
    if not full:
        marker = "(x)" if draft.kind == "single" else "[x]"
        report(draft.line, "no option is marked correct", f"mark the correct option with {marker}")
    texts = sorted(o.text.casefold() for o in options)
    qtype = "truefalse" if draft.kind == "single" and texts == ["false", "true"] else draft.kind
    return qtype, {"options": tuple(options)}


def _build_shorttext(draft: QuestionDraft, report: Report) -> tuple[str, dict]:
    options = []
    for answer in draft.answers:
        line = answer.line
        if not line.value:
            report(line.number, "answer has no text", f"write the answer after `{line.mark}:`")
        if line.mark == "wrong" and line.weight:
            report(line.number, "a wrong answer cannot carry a weight", "write `wrong: text`")
        weight = 0.0 if line.mark == "wrong" else _weight(answer, line.weight or "100%", report)
        options.append(Option(line.value, weight, _feedback(answer)))
    if not any(o.weight == 1.0 for o in options):
        hint = "add an `answer: text` line that gives full marks"
        report(draft.line, "no answer is accepted as fully correct", hint)
    return "shorttext", {"options": tuple(options)}


def _build_numeric(draft: QuestionDraft, report: Report) -> tuple[str, dict]:
    numbers = []
    for answer in draft.answers:
        line = answer.line
        try:
            low, high, value = parse_number_spec(line.value)
        except ValueError as exc:
            hint = "write `number: 4`, `number: 4 +- 0.5`, `number: 4 +- 5%` or `number: 3 .. 5`"
            report(line.number, f"malformed number {line.value!r}: {exc}", hint)
            continue
        weight = _weight(answer, line.weight or "100%", report)
        numbers.append(NumberAnswer(low, high, value, line.value, weight, _feedback(answer)))
    if numbers and not any(n.weight == 1.0 for n in numbers):
        report(draft.line, "no number gives full marks", "add a `number:` line without a weight")
    return "numeric", {"numbers": tuple(numbers)}


def _build_matching(draft: QuestionDraft, report: Report) -> tuple[str, dict]:
    pairs = []
    for answer in draft.answers:
        left, arrow, right = answer.line.value.partition("->")
        if not arrow or not right.strip():
            hint = "write `match: left -> right`, or `match: -> right` for a distractor"
            report(answer.line.number, "malformed match line", hint)
            continue
        pairs.append(Pair(left.strip(), right.strip()))
    lefts = [p.left for p in pairs if p.left]
    _too_few(draft, len(lefts), "pairs", report)
    if len(set(lefts)) != len(lefts):
        report(draft.line, "the same left item appears twice", "give each left item once")
    return "matching", {"pairs": tuple(pairs)}


def _build_ordering(draft: QuestionDraft, report: Report) -> tuple[str, dict]:
    items = [a.line.value for a in draft.answers]
    for answer in draft.answers:
        if not answer.line.value:
            report(answer.line.number, "order item has no text", "write the item after `order:`")
    _too_few(draft, len(items), "items", report)
    if len(set(items)) != len(items):
        report(draft.line, "the same item appears twice", "make each item different")
    return "ordering", {"items": tuple(items)}


BUILDERS = {
    "single": _build_choice,
    "multiple": _build_choice,
    "shorttext": _build_shorttext,
    "numeric": _build_numeric,
    "matching": _build_matching,
    "ordering": _build_ordering,
}
