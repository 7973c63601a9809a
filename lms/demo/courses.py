"""The courses demo learners take, read once, and simulated quiz attempts graded for real."""

import random
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from lms.errors import LmsError
from lms.extensions import db
from lms.models import Course, Lesson, Module, Quiz
from lms.quiz.attempt import QuestionResult, draw_questions, grade_attempt
from lms.quiz.model import Quiz as QuizModel
from lms.services.quiz_store import quiz_from_record
from lms.services.sync import sync_folder

MAX_ATTEMPTS = 4  # when a quiz allows unlimited attempts, a demo learner stops here
SEED_POOL = 48  # snapshots drawn per quiz; attempts pick one


@dataclass(frozen=True)
class QuizInfo:
    """A live quiz with what an attempt records of it."""

    id: int
    version: int
    quiz: QuizModel
    pass_mark: int
    show_answers: str
    limit: int  # 0 = unlimited


@dataclass
class ModuleInfo:
    """A live module: its lessons (id, revision) in order and its quiz."""

    id: int
    lessons: list[tuple[int, int]] = field(default_factory=list)
    quiz: QuizInfo | None = None


@dataclass
class CourseInfo:
    """A live course and its live modules in order."""

    id: int
    slug: str
    title: str
    certificate: bool
    modules: list[ModuleInfo] = field(default_factory=list)


def ensure_courses(folder: Path) -> list[str]:
    """Import the course folder when the database holds no course yet; the slugs imported."""
    if db.session.scalar(select(Course.id).limit(1)) is not None:
        return []
    report = sync_folder(folder)
    if report.errors:
        raise LmsError(f"{folder} has errors; run `lms courses check`: {report.errors[0]}")
    db.session.flush()
    return report.courses


def load_courses() -> list[CourseInfo]:
    """Every live course with its live modules, lessons and quizzes (three queries)."""
    courses = {
        c.id: CourseInfo(c.id, c.slug, c.title, c.certificate)
        for c in db.session.scalars(
            select(Course).where(Course.archived.is_(False)).order_by(Course.id)
        )
    }
    modules: dict[int, ModuleInfo] = {}
    rows = db.session.execute(
        select(Module.id, Module.course_id, Lesson.id, Lesson.revision)
        .outerjoin(Lesson, (Lesson.module_id == Module.id) & Lesson.archived.is_(False))
        .where(Module.archived.is_(False), Module.course_id.in_(list(courses)))
        .order_by(Module.course_id, Module.position, Lesson.position)
    )
    for module_id, course_id, lesson_id, revision in rows:
        if module_id not in modules:
            modules[module_id] = ModuleInfo(module_id)
            courses[course_id].modules.append(modules[module_id])
        if lesson_id is not None:
            modules[module_id].lessons.append((lesson_id, revision))
    for quiz in db.session.scalars(
        select(Quiz).where(Quiz.archived.is_(False), Quiz.module_id.in_(list(modules)))
    ):
        settings = quiz.settings
        modules[quiz.module_id].quiz = QuizInfo(
            quiz.id,
            quiz.version,
            quiz_from_record(settings, quiz.pools),
            settings["pass_mark"],
            settings["show_answers"],
            settings.get("attempts", 0),
        )
    return [course for course in courses.values() if course.modules]


def answer(question: dict, right: bool, rng: random.Random) -> dict[str, list[str]]:
    """The form fields a learner submits for one snapshot question, answered right or not."""
    p, name, kind = question["presentation"], f"q-{question['id']}", question["type"]
    if kind in ("single", "truefalse", "multiple"):
        weights = {o["id"]: question["options"][o["index"]]["weight"] for o in p["options"]}
        best = max(weights.values())
        good = [i for i, w in weights.items() if (w > 0 if kind == "multiple" else w == best)]
        bad = [i for i in weights if i not in good]
        return {name: good if right or not bad else [rng.choice(bad)]}
    if kind == "shorttext":
        accepted = max(question["options"], key=lambda o: o["weight"])["text"]
        return {name: [accepted if right else "I am not sure"]}
    if kind == "numeric":
        number = max(question["numbers"], key=lambda n: n["weight"])["low"]
        return {name: [str(number) if right else "-987654321"]}
    if kind == "matching":
        lefts = [pair for pair in question["pairs"] if pair["left"]]
        ids = {c["text"]: c["id"] for c in p["choices"]}
        order = [ids[lefts[left["index"]]["right"]] for left in p["left"]]
        if not right:
            order = order[1:] + order[:1]
        return {f"{name}-{n}": [choice] for n, choice in enumerate(order, start=1)}
    if kind == "ordering":
        count = len(p["items"])
        positions = [i["index"] + 1 if right else count - i["index"] for i in p["items"]]
        return {f"{name}-{n}": [str(pos)] for n, pos in enumerate(positions, start=1)}
    return {}


@dataclass(frozen=True)
class Draw:
    """One seed's snapshot with every question graded answered right and answered wrong."""

    seed: int
    snapshot: list[dict]
    right: list[QuestionResult]
    wrong: list[QuestionResult]


@dataclass(frozen=True)
class SimulatedAttempt:
    """One graded attempt: its number, draw, per-question results, score and outcome."""

    number: int
    draw: Draw
    results: list[QuestionResult]
    score: float
    passed: bool


class Attempts:
    """Simulated attempts at the quizzes, graded by the real grader.

    Each quiz has a pool of seeds; a seed's snapshot and its questions graded right and
    wrong are computed once. Grading is per question (grade_attempt sums independent
    question grades), so an attempt mixing right and wrong answers gets exactly the results
    and score that grade_attempt gives for the same form.
    """

    def __init__(self, rng: random.Random, pool: int = SEED_POOL):
        self.rng = rng
        self.pool = pool
        self.draws: dict[int, list[Draw]] = {}

    def _draws(self, info: QuizInfo) -> list[Draw]:
        if info.id not in self.draws:
            draws = []
            for _ in range(self.pool):
                seed = self.rng.getrandbits(62)
                snapshot = draw_questions(info.quiz, seed)
                right, wrong = {}, {}
                for question in snapshot:
                    right.update(answer(question, True, self.rng))
                    wrong.update(answer(question, False, self.rng))
                draws.append(
                    Draw(
                        seed,
                        snapshot,
                        grade_attempt(snapshot, right).results,
                        grade_attempt(snapshot, wrong).results,
                    )
                )
            self.draws[info.id] = draws
        return self.draws[info.id]

    def attempt(self, info: QuizInfo, number: int, chance: float) -> SimulatedAttempt:
        """One attempt answering each question right with the given chance."""
        rng = self.rng
        draw = rng.choice(self._draws(info))
        results = [
            right if rng.random() < chance else wrong
            for right, wrong in zip(draw.right, draw.wrong, strict=True)
        ]
        score = 100 * sum(r.score for r in results) / len(results) if results else 0.0
        return SimulatedAttempt(number, draw, results, score, score >= info.pass_mark)

    def take(self, info: QuizInfo, skill: float, must_pass: bool) -> list[SimulatedAttempt]:
        """Attempts until the quiz is passed (must_pass), or one or two that fail."""
        limit = min(info.limit or MAX_ATTEMPTS, MAX_ATTEMPTS)
        failures = self.rng.randint(1, max(1, min(2, limit)))
        attempts = []
        for number in range(1, limit + 1):
            chance = 1.0 if must_pass and number == limit else skill
            attempt = self.attempt(info, number, chance)
            if not must_pass and attempt.passed:
                attempt = self.attempt(info, number, 0.0)  # this learner has not passed yet
            attempts.append(attempt)
            if attempt.passed or (not must_pass and number >= failures):
                break
        return attempts
