"""A parsed quiz as plain frozen data, with a JSON-friendly form for attempt snapshots."""

from dataclasses import dataclass, field

QUESTION_TYPES = ("single", "truefalse", "multiple", "shorttext", "numeric", "matching", "ordering")
SHUFFLE_MODES = ("none", "options", "questions", "both")
SHOW_ANSWERS = ("never", "after_submit", "after_pass", "after_last_attempt")


@dataclass(frozen=True)
class Option:
    """A choice (single, true/false, multiple) or an accepted/wrong short-text answer."""

    text: str
    weight: float = 0.0  # share of the question's mark, 0..1; wrong: answers have 0
    feedback: str = ""


@dataclass(frozen=True)
class NumberAnswer:
    """An accepted number: the interval [low, high], kept with how it was written."""

    low: float
    high: float
    value: float | None = None  # None for a range `a .. b`
    source: str = ""  # as written after `number:`, e.g. "4 +- 5%"
    weight: float = 1.0
    feedback: str = ""

    def accepts(self, number: float) -> bool:
        """True when number lies in the interval (with float rounding slack)."""
        slack = 1e-9 * max(1.0, abs(self.low), abs(self.high))
        return self.low - slack <= number <= self.high + slack


@dataclass(frozen=True)
class Pair:
    """A matching pair; an empty left side makes the right side a distractor."""

    left: str
    right: str


@dataclass(frozen=True)
class Question:
    """One question of any type; only the fields of its type are filled."""

    id: str
    type: str
    text: str
    line: int = 0
    options: tuple[Option, ...] = ()  # single, truefalse, multiple, shorttext
    numbers: tuple[NumberAnswer, ...] = ()  # numeric
    pairs: tuple[Pair, ...] = ()  # matching
    items: tuple[str, ...] = ()  # ordering, in the correct order
    explain: str = ""
    hint: str = ""
    scoring: str = "all"  # "all" (all-or-nothing) or "partial"
    case_sensitive: bool = False
    pool: str = ""

    @property
    def left_pairs(self) -> tuple[Pair, ...]:
        """Matching pairs that are asked (distractors excluded), in source order."""
        return tuple(pair for pair in self.pairs if pair.left)


@dataclass(frozen=True)
class QuizSettings:
    """Front matter settings of a quiz, validated."""

    pass_mark: int = 75
    attempts: int = 0  # 0 = unlimited
    shuffle: str = "none"
    draw: int | None = None
    show_answers: str = "after_submit"
    time_limit: float | None = None  # minutes


@dataclass(frozen=True)
class Pool:
    """Questions from which an attempt draws `draw` (None: all of them)."""

    name: str
    draw: int | None
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class Quiz:
    """A whole quiz: settings and pools of questions."""

    settings: QuizSettings
    pools: list[Pool]

    @property
    def questions(self) -> list[Question]:
        """All questions in source order."""
        return [question for pool in self.pools for question in pool.questions]


def question_to_dict(question: Question) -> dict:
    """A JSON-serialisable dict holding everything about the question."""
    return {
        "id": question.id,
        "type": question.type,
        "text": question.text,
        "line": question.line,
        "options": [
            {"text": o.text, "weight": o.weight, "feedback": o.feedback} for o in question.options
        ],
        "numbers": [
            {
                "low": n.low,
                "high": n.high,
                "value": n.value,
                "source": n.source,
                "weight": n.weight,
                "feedback": n.feedback,
            }
            for n in question.numbers
        ],
        "pairs": [{"left": p.left, "right": p.right} for p in question.pairs],
        "items": list(question.items),
        "explain": question.explain,
        "hint": question.hint,
        "scoring": question.scoring,
        "case_sensitive": question.case_sensitive,
        "pool": question.pool,
    }


def question_from_dict(data: dict) -> Question:
    """Rebuild a Question from question_to_dict output (extra keys are ignored)."""
    return Question(
        id=data["id"],
        type=data["type"],
        text=data["text"],
        line=data.get("line", 0),
        options=tuple(Option(**o) for o in data.get("options", ())),
        numbers=tuple(NumberAnswer(**n) for n in data.get("numbers", ())),
        pairs=tuple(Pair(**p) for p in data.get("pairs", ())),
        items=tuple(data.get("items", ())),
        explain=data.get("explain", ""),
        hint=data.get("hint", ""),
        scoring=data.get("scoring", "all"),
        case_sensitive=data.get("case_sensitive", False),
        pool=data.get("pool", ""),
    )
