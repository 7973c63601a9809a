"""Parse quiz syntax (DESIGN.md "Quiz syntax") into a Quiz, reporting every error."""

from dataclasses import dataclass, field

from lms.content.errors import ContentError
from lms.content.frontmatter import key_line, split_front_matter
from lms.content.quiz_build import Answer, QuestionDraft, Report, build_question
from lms.content.quiz_lines import ANSWER_MARKERS, Line, classify
from lms.quiz.model import SHOW_ANSWERS, SHUFFLE_MODES, Pool, Question, Quiz, QuizSettings


def _int_in(low: int, high: int | None = None):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError
        if high is not None and value > high:
            raise ValueError
        return value

    return check


def _one_of(choices: tuple[str, ...]):
    def check(value):
        if value not in choices:
            raise ValueError
        return value

    return check


def _positive_minutes(value):
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError
    return value


# setting -> (check that returns the value or raises ValueError, hint when it does)
SETTINGS = {
    "pass_mark": (_int_in(0, 100), "a whole percent from 0 to 100"),
    "attempts": (_int_in(0), "a whole number, 0 for unlimited"),
    "shuffle": (_one_of(SHUFFLE_MODES), "one of: " + ", ".join(SHUFFLE_MODES)),
    "draw": (_int_in(1), "a whole number of questions, at least 1"),
    "show_answers": (_one_of(SHOW_ANSWERS), "one of: " + ", ".join(SHOW_ANSWERS)),
    "time_limit": (_positive_minutes, "minutes, a number above 0"),
}


def parse_quiz(
    text: str,
    path: str,
    *,
    default_pass_mark: int = 75,
    first_line: int = 1,
    allow_front_matter: bool = True,
) -> tuple[Quiz | None, list[ContentError]]:
    """Parse a quiz; return (quiz, []) or (None, every error found, in line order)."""
    report = Report(path)
    offset = first_line - 1
    settings, body, body_line = _read_settings(text, report, offset, allow_front_matter)
    settings = {"pass_mark": default_pass_mark, **settings}
    reader = _Reader(report)
    for number, raw in enumerate(body.splitlines(), start=body_line + offset):
        reader.feed(classify(raw, number))
    pools = reader.finish()
    if not pools and not report.errors:
        report(body_line + offset, "quiz has no questions", "start a question with `## text`")
    quiz = Quiz(QuizSettings(**settings), pools)
    _check_quiz(quiz, reader, report, key_line(text, "draw") + offset)
    errors = sorted(report.errors, key=lambda error: error.line)
    return (None, errors) if errors else (quiz, [])


def _read_settings(text: str, report: Report, offset: int, allowed: bool):
    if not allowed:
        lines = text.splitlines()
        if lines and lines[0].strip() == "---":
            report(1 + offset, "settings are not allowed here", "self-check questions take none")
        return {}, text, 1
    doc, errors = split_front_matter(text, report.path)
    for error in errors:
        report(error.line + offset, error.message, error.hint)
    settings = {}
    for key, value in doc.meta.items():
        line = key_line(text, str(key)) + offset
        if key not in SETTINGS:
            report(line, f"unknown setting {key!r}", "settings are: " + ", ".join(SETTINGS))
            continue
        check, hint = SETTINGS[key]
        try:
            settings[key] = check(value)
        except ValueError:
            report(line, f"bad value {value!r} for {key}", f"{key} is {hint}")
    return settings, doc.body, doc.body_line


@dataclass
class _PoolDraft:
    name: str
    line: int
    draw: int | None = None
    questions: list[Question] = field(default_factory=list)
    drafts: int = 0


class _Reader:
    """A line-by-line state machine: pools, then questions, then their parts."""

    def __init__(self, report: Report):
        self.report = report
        self.pools = [_PoolDraft("", 0)]
        self.question: QuestionDraft | None = None
        self.last = ""  # kind of the previous non-blank line inside the question
        self.id_lines: dict[str, int] = {}

    def feed(self, line: Line) -> None:
        """Take one classified line."""
        handler = getattr(self, f"_on_{line.kind}")
        handler(line)

    def finish(self) -> list[Pool]:
        """Close the last question and return the non-empty pools."""
        self._close_question()
        pools = []
        for pool in self.pools:
            if pool.line and not pool.drafts:
                self.report(pool.line, f"pool {pool.name!r} has no questions", "add ## questions")
            if pool.drafts:
                pools.append(Pool(pool.name, pool.draw, pool.questions))
        return pools

    def _on_blank(self, line: Line) -> None:
        if self.question and self.last == "text":
            self.question.text.append("")  # keeps Markdown paragraphs in the question text

    def _on_pool(self, line: Line) -> None:
        self._close_question()
        pool = _PoolDraft(line.value, line.number)
        if not line.value:
            self.report(line.number, "pool has no name", "write `# pool: name (draw N)`")
        if any(p.name == line.value and p.line for p in self.pools):
            self.report(line.number, f"pool {line.value!r} is defined twice", "rename one")
        if line.key:
            if line.key.isdigit() and int(line.key) > 0:
                pool.draw = int(line.key)
            else:
                hint = "write a whole number, e.g. `(draw 2)`"
                self.report(line.number, f"malformed draw {line.key!r}", hint)
        self.pools.append(pool)

    def _on_question(self, line: Line) -> None:
        self._close_question()
        self.question = QuestionDraft(line.number, self.pools[-1].name, [line.value])
        self.pools[-1].drafts += 1
        self.last = "text"

    def _on_heading(self, line: Line) -> None:
        hint = "write `# pool: name (draw N)` or `## question`; start with \\ for a literal #"
        self.report(line.number, f"unknown heading {line.value!r}", hint)

    def _on_answer(self, line: Line) -> None:
        question = self._inside(line, "answer line")
        if question is None:
            return
        if question.kind and question.kind != line.answer_kind:
            was, now = ANSWER_MARKERS[question.kind], ANSWER_MARKERS[line.answer_kind]
            hint = "a question has one kind of answer line; split it into two questions"
            self.report(line.number, f"`{now}` mixed with `{was}` answers", hint)
            self.last = "mixed"
            return
        question.kind = line.answer_kind
        question.answers.append(Answer(line))
        self.last = "answer"

    def _on_feedback(self, line: Line) -> None:
        question = self.question
        if question is None or self.last not in ("answer", "feedback"):
            if self.last != "mixed":
                hint = "put `> feedback` right under an answer line; start with \\ for a quote"
                self.report(line.number, "feedback with no answer line above it", hint)
            return
        if question.kind in ("matching", "ordering"):
            hint = "use `explain:` for matching and ordering questions"
            self.report(line.number, f"feedback is not supported on {question.kind} lines", hint)
            return
        question.answers[-1].feedback.append(line.value)
        self.last = "feedback"

    def _on_keyword(self, line: Line) -> None:
        question = self._inside(line, f"`{line.key}:`")
        if question is None:
            return
        if line.key in question.keywords:
            first = question.keywords[line.key].number
            self.report(line.number, f"second `{line.key}:`", f"the first is on line {first}")
        else:
            question.keywords[line.key] = line
        self.last = line.key

    def _on_text(self, line: Line) -> None:
        question = self._inside(line, "text")
        if question is None:
            return
        if self.last == "text":
            question.text.append(line.value)
        elif self.last in ("explain", "hint"):
            question.extra.setdefault(self.last, []).append(line.value.strip())
        else:
            hint = "question text goes right under `##`; continue feedback with `>`; "
            hint += "start a line with \\ if it is not syntax"
            self.report(line.number, "text after the answer lines", hint)

    def _inside(self, line: Line, what: str) -> QuestionDraft | None:
        if self.question is None:
            hint = "start a question with `## question text` first"
            self.report(line.number, f"{what} outside a question", hint)
        return self.question

    def _close_question(self) -> None:
        if self.question is None:
            return
        draft, self.question = self.question, None
        question = build_question(draft, self.report)
        id_line = draft.keywords.get("id")
        if id_line is not None and id_line.value:
            first = self.id_lines.setdefault(id_line.value, id_line.number)
            if first != id_line.number:
                hint = f"it is already used on line {first}; ids are unique in a quiz"
                self.report(id_line.number, f"duplicate id {id_line.value!r}", hint)
        if question is not None:
            self.pools[-1].questions.append(question)


def _check_quiz(quiz: Quiz, reader: _Reader, report: Report, draw_line: int) -> None:
    """Checks that need the whole quiz: pool draws, quiz draw and form field clashes."""
    drawable = 0
    for pool, draft in zip(quiz.pools, [p for p in reader.pools if p.drafts], strict=True):
        if pool.draw is not None and pool.draw > draft.drafts:
            hint = f"the pool has {draft.drafts} questions; lower the draw or add questions"
            report(draft.line, f"pool {pool.name!r} draws {pool.draw}", hint)
        drawable += min(pool.draw or draft.drafts, draft.drafts)
    draw = quiz.settings.draw
    if draw is not None and draw > drawable:
        hint = f"an attempt can have at most {drawable} questions"
        report(draw_line, f"draw {draw} is larger than the number of questions", hint)
    ids = {q.id: q for q in quiz.questions}
    for question in quiz.questions:
        count = len(question.left_pairs) or len(question.items)
        for n in range(1, count + 1):
            other = ids.get(f"{question.id}-{n}")
            if other is not None:
                hint = f"its answer field q-{other.id} would collide with {question.id!r}; rename"
                report(other.line, f"id {other.id!r} clashes with question {question.id!r}", hint)
