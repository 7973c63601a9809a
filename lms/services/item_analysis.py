"""How a quiz's questions perform: SQL aggregates over the per-question score rows.

Three queries whatever the number of attempts: the score distribution, the per-question
shares (with the top and bottom 27% of attempts ranked by score, for the discrimination
index), and the wrong answers counted per question.
"""

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select

from lms.extensions import db
from lms.models import AttemptAnswer, Quiz, QuizAttempt

GROUP_SHARE = 0.27  # Kelley's upper and lower groups
EASY = 0.9
HARD = 0.2
BUCKET_WIDTH = 10


@dataclass
class QuestionStats:
    """One question's numbers."""

    id: str
    text: str
    answered: int
    correct: int
    mean_score: float
    discrimination: float | None = None
    wrong_answer: str | None = None
    wrong_count: int = 0

    @property
    def share_correct(self) -> float:
        """Share of the answers that got full marks, 0-1."""
        return self.correct / self.answered if self.answered else 0.0

    @property
    def flag(self) -> str | None:
        """ "easy" when nearly everyone gets it right, "hard" when nearly no one does."""
        if not self.answered:
            return None
        if self.share_correct > EASY:
            return "easy"
        if self.share_correct < HARD:
            return "hard"
        return None


@dataclass
class QuizAnalysis:
    """A quiz's attempts, pass rate, score distribution and questions."""

    attempts: int
    passed: int
    mean_score: float
    buckets: list[tuple[str, int]]
    group_size: int
    questions: list[QuestionStats] = field(default_factory=list)

    @property
    def pass_rate(self) -> float:
        """Share of submitted attempts that passed, 0-1."""
        return self.passed / self.attempts if self.attempts else 0.0


def _attempt_filter(quiz: Quiz, version: int | None):
    conditions = [QuizAttempt.quiz_id == quiz.id, QuizAttempt.state == "submitted"]
    if version is not None:
        conditions.append(QuizAttempt.quiz_version == version)
    return conditions


def _bucket_expression():
    steps = range(BUCKET_WIDTH, 100, BUCKET_WIDTH)
    whens = [(QuizAttempt.score < edge, n) for n, edge in enumerate(steps)]
    return case(*whens, else_=len(steps))


def _ones(condition):
    return func.sum(case((condition, 1), else_=0))


def analyse_quiz(quiz: Quiz, version: int | None = None) -> QuizAnalysis:
    """Attempts, pass rate, distribution and per-question statistics of a quiz."""
    where = _attempt_filter(quiz, version)
    bucket = _bucket_expression().label("bucket")
    rows = db.session.execute(
        select(
            bucket, func.count(), _ones(QuizAttempt.passed.is_(True)), func.sum(QuizAttempt.score)
        )
        .where(*where)
        .group_by(bucket)
    ).all()
    counts = {int(b): n for b, n, _, _ in rows}
    total = sum(counts.values())
    labels = [
        f"{low}–{low + BUCKET_WIDTH - 1}%" if low < 90 else "90–100%"
        for low in range(0, 100, BUCKET_WIDTH)
    ]
    analysis = QuizAnalysis(
        attempts=total,
        passed=sum(int(p or 0) for _, _, p, _ in rows),
        mean_score=sum(float(s or 0) for *_, s in rows) / total if total else 0.0,
        buckets=[(label, counts.get(n, 0)) for n, label in enumerate(labels)],
        group_size=max(1, round(GROUP_SHARE * total)) if total >= 2 else 0,
    )
    if total:
        analysis.questions = _question_stats(quiz, where, total, analysis.group_size)
    return analysis


def _question_stats(quiz: Quiz, where, total: int, group: int) -> list[QuestionStats]:
    rank = func.row_number().over(order_by=(QuizAttempt.score.desc(), QuizAttempt.id))
    ranked = select(QuizAttempt.id, rank.label("rank")).where(*where).subquery()
    upper = ranked.c.rank <= group
    lower = ranked.c.rank > total - group
    correct = AttemptAnswer.correct.is_(True)
    rows = db.session.execute(
        select(
            AttemptAnswer.question_id,
            func.count(),
            _ones(correct),
            func.avg(AttemptAnswer.score),
            _ones(upper),
            _ones(and_(upper, correct)),
            _ones(lower),
            _ones(and_(lower, correct)),
        )
        .join(ranked, ranked.c.id == AttemptAnswer.attempt_id)
        .group_by(AttemptAnswer.question_id)
    ).all()
    questions = _question_dicts(quiz)
    stats = []
    for qid, answered, right, mean, up_n, up_right, low_n, low_right in rows:
        item = QuestionStats(
            id=qid,
            text=questions.get(qid, {}).get("text", ""),
            answered=answered,
            correct=int(right or 0),
            mean_score=float(mean or 0),
        )
        if group and up_n and low_n:
            item.discrimination = int(up_right or 0) / up_n - int(low_right or 0) / low_n
        stats.append(item)
    _add_wrong_answers(quiz, where, stats, questions)
    order = {qid: n for n, qid in enumerate(questions)}
    return sorted(stats, key=lambda s: (order.get(s.id, len(order)), s.id))


def _add_wrong_answers(quiz: Quiz, where, stats: list[QuestionStats], questions: dict) -> None:
    """The most chosen wrong answer of each question (no answer does not count)."""
    given = (
        select(
            AttemptAnswer.question_id.label("qid"),
            AttemptAnswer.response["answer"].label("answer"),
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptAnswer.attempt_id)
        .where(*where, AttemptAnswer.correct.is_(False))
        .subquery()
    )
    rows = db.session.execute(
        select(given.c.qid, given.c.answer, func.count()).group_by(given.c.qid, given.c.answer)
    ).all()
    best: dict[str, tuple[int, str]] = {}
    for qid, answer, count in rows:
        if answer is None:
            continue
        label = answer_label(questions.get(qid), answer)
        if count > best.get(qid, (0, ""))[0] or (count == best[qid][0] and label < best[qid][1]):
            best[qid] = (count, label)
    for item in stats:
        if item.id in best:
            item.wrong_count, item.wrong_answer = best[item.id]


def _question_dicts(quiz: Quiz) -> dict[str, dict]:
    return {q["id"]: q for pool in quiz.pools or [] for q in pool["questions"]}


def answer_label(question: dict | None, answer) -> str:
    """A learner's answer in words, from the question as published."""
    if question is None:
        return str(answer)
    kind = question["type"]
    options = question.get("options", [])
    if kind in ("single", "truefalse") and isinstance(answer, int):
        return options[answer]["text"] if 0 <= answer < len(options) else str(answer)
    if kind == "multiple" and isinstance(answer, list):
        return "; ".join(options[i]["text"] for i in answer if 0 <= i < len(options)) or "none"
    if kind == "numeric" and isinstance(answer, int | float):
        return f"{answer:g}"
    if kind == "matching" and isinstance(answer, list):
        lefts = [p["left"] for p in question.get("pairs", []) if p["left"]]
        return "; ".join(
            f"{left} → {given or '—'}" for left, given in zip(lefts, answer, strict=False)
        )
    if kind == "ordering" and isinstance(answer, list):
        items = question.get("items", [])
        placed = sorted(
            (pos, items[i]) for i, pos in enumerate(answer) if pos is not None and i < len(items)
        )
        return " → ".join(text for _, text in placed)
    return str(answer)
