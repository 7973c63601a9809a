"""The shipped courses in courses/ meet the bar of docs/content-brief.md.

Two layers: checks on the raw files (pathlib + yaml, no project code), and the
same bar through `lms.content.loader.load_courses`, which must report no errors.
Everything runs over every course folder, so new modules are covered as they land.
"""

import re
from pathlib import Path

import pytest
import yaml
from markdown.extensions.toc import slugify

COURSES = Path(__file__).resolve().parents[2] / "courses"
NUMBERED = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_WORDS, MAX_WORDS = 300, 900
MIN_LESSONS, MAX_LESSONS = 2, 5
MIN_QUESTIONS = 8
MIN_QUESTION_TYPES = 3
PASS_MARK = 75
QUIZ_BLOCK = re.compile(r"^```quiz[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
GLOSSARY_LINK = re.compile(r"\]\(\.\./glossary(?:\.md)?#([^)\s]*)\)")
# An explanation names where its fact comes from: an article, a plan, a body, a record.
SOURCE = re.compile(
    r"Article|Art\.|Action|Convention|preamble|Review Conference|Meeting|MSP|\bISU\b|"
    r"presentation|Monitor|ICBL|ICRC|IMAS|GICHD|UNMAS|ARMAC|ASEAN|Declaration|decision|"
    r"record|report|apminebanconvention|Treaty Collection|Nobel|Lesson|glossary|"
    r"committee|Committee|table|United Nations|\bUN\b|\(.+\)",
)


def split_front_matter(path: Path) -> tuple[dict, str]:
    """Front matter as a dict and the body after it (no front matter: empty dict)."""
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---[ \t]*\n(.*?)^---[ \t]*\n?(.*)", text, re.S | re.M)
    if not match:
        return {}, text
    meta = yaml.safe_load(match.group(1)) or {}
    return (meta if isinstance(meta, dict) else {}), match.group(2)


def course_dirs() -> list[Path]:
    return sorted(p for p in COURSES.iterdir() if p.is_dir()) if COURSES.is_dir() else []


def module_dirs() -> list[Path]:
    return [m for c in course_dirs() for m in sorted(c.iterdir()) if m.is_dir()]


def lesson_files(module: Path) -> list[Path]:
    return sorted(p for p in module.glob("*.md") if p.name not in {"module.md", "quiz.md"})


def all_lessons() -> list[Path]:
    return [lesson for m in module_dirs() for lesson in lesson_files(m)]


def quiz_files() -> list[Path]:
    return [m / "quiz.md" for m in module_dirs() if (m / "quiz.md").is_file()]


def rel(path: Path) -> str:
    return str(path.relative_to(COURSES))


def split_questions(text: str) -> list[list[str]]:
    """Question blocks of quiz-syntax text: each `## ` heading and the lines under it."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = [line]
            blocks.append(current)
        elif line.startswith("# "):  # a pool heading ends the question before it
            current = None
        elif current is not None:
            current.append(line)
    return blocks


ANSWER_KINDS = (
    (re.compile(r"\((?: |x|X|\d+%)\)"), "single"),
    (re.compile(r"\[(?: |x|X)\]"), "multiple"),
    (re.compile(r"(?:answer|wrong)(?: \d+%)?:"), "shorttext"),
    (re.compile(r"number:"), "numeric"),
    (re.compile(r"match:"), "matching"),
    (re.compile(r"order:"), "ordering"),
)


def question_type(lines: list[str]) -> str:
    """The question type from its answer lines, as in DESIGN.md's table ('' if none)."""
    answers = [(kind, line) for line in lines for rx, kind in ANSWER_KINDS if rx.match(line)]
    if not answers:
        return ""
    kind = answers[0][0]
    labels = sorted(re.sub(r"^\(.*?\)\s*", "", line).strip() for _, line in answers)
    return "truefalse" if kind == "single" and labels == ["False", "True"] else kind


def field(lines: list[str], key: str) -> str:
    return next((ln[len(key) + 1 :].strip() for ln in lines if ln.startswith(key + ":")), "")


def question_problems(text: str, where: str) -> list[str]:
    """Missing ids, duplicate ids, empty or unsourced explanations, unknown types."""
    problems, seen = [], set()
    for block in split_questions(text):
        head, qid, explain = block[0], field(block, "id"), field(block, "explain")
        if not qid:
            problems.append(f"{where}: {head!r} has no id:")
        elif qid in seen:
            problems.append(f"{where}: duplicate id {qid!r}")
        seen.add(qid)
        if not explain:
            problems.append(f"{where}: {head!r} has no explain:")
        elif not SOURCE.search(explain):
            problems.append(f"{where}: {head!r} explain names no source: {explain!r}")
        if not question_type(block):
            problems.append(f"{where}: {head!r} has no answer lines")
    return problems


def words(body: str) -> int:
    """Words of a lesson body: whitespace tokens holding a letter or digit (no bare markup)."""
    return sum(1 for token in body.split() if re.search(r"\w", token))


def glossary_anchors(course: Path) -> set[str]:
    """Ids that Python-Markdown's toc gives the glossary headings."""
    glossary = course / "glossary.md"
    if not glossary.is_file():
        return set()
    _, body = split_front_matter(glossary)
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", body, re.M)
    return {slugify(re.sub(r"[*_`]", "", h), "-") for h in headings}


# ---------------------------------------------------------------- raw files


def test_courses_folder_holds_courses():
    assert course_dirs(), f"no course folders in {COURSES}"
    assert all_lessons() and quiz_files(), "course folders hold no lessons or quizzes"


@pytest.mark.parametrize("course", course_dirs(), ids=rel)
def test_course_front_matter(course):
    assert (course / "course.md").is_file(), "course.md is missing"
    meta, body = split_front_matter(course / "course.md")
    for key in ("title", "summary", "audience"):
        assert isinstance(meta.get(key), str) and meta[key].strip(), f"{key} is missing"
    assert meta.get("language") == "en"
    assert meta.get("version") not in (None, "")
    assert meta.get("pass_mark") == PASS_MARK
    assert meta.get("certificate") is True
    assert isinstance(meta.get("estimated_minutes"), int) and meta["estimated_minutes"] > 0
    assert body.strip(), "course.md needs a course description"


@pytest.mark.parametrize("course", course_dirs(), ids=rel)
def test_course_has_glossary(course):
    glossary = course / "glossary.md"
    meta = split_front_matter(glossary)[0] if glossary.is_file() else {}
    assert meta.get("title") == "Glossary", "glossary.md with `title: Glossary` is missing"
    assert glossary_anchors(course), "glossary.md has no `## Term` headings"


@pytest.mark.parametrize("course", course_dirs(), ids=rel)
def test_course_folder_names(course):
    bad = [rel(p) for p in course.iterdir() if p.is_dir() and not NUMBERED.match(p.name)]
    lessons = [p for p in all_lessons() if p.parent.parent == course]
    bad += [rel(p) for p in lessons if not NUMBERED.match(p.stem)]
    assert not bad, f"folders and lessons are named NN-slug: {bad}"


@pytest.mark.parametrize("module", module_dirs(), ids=rel)
def test_module_front_matter(module):
    assert (module / "module.md").is_file(), "module.md is missing"
    meta, _ = split_front_matter(module / "module.md")
    assert isinstance(meta.get("title"), str) and meta["title"].strip()
    objectives = meta.get("objectives")
    assert isinstance(objectives, list) and objectives, "module.md needs objectives"
    assert all(isinstance(o, str) and o.strip() for o in objectives)
    assert isinstance(meta.get("estimated_minutes"), int) and meta["estimated_minutes"] > 0


@pytest.mark.parametrize("module", module_dirs(), ids=rel)
def test_module_lesson_count(module):
    assert MIN_LESSONS <= len(lesson_files(module)) <= MAX_LESSONS


@pytest.mark.parametrize("module", module_dirs(), ids=rel)
def test_module_quiz(module):
    quiz = module / "quiz.md"
    assert quiz.is_file(), "quiz.md is missing"
    meta, body = split_front_matter(quiz)
    assert meta.get("pass_mark") == PASS_MARK
    assert meta.get("attempts") == 0 and meta.get("shuffle") == "options"
    assert meta.get("show_answers") == "after_submit"
    blocks = split_questions(body)
    assert len(blocks) >= MIN_QUESTIONS, f"{len(blocks)} questions, want {MIN_QUESTIONS}"
    assert question_problems(body, rel(quiz)) == []
    types = {question_type(b) for b in blocks}
    assert len(types) >= MIN_QUESTION_TYPES, f"only question types {sorted(types)}"


@pytest.mark.parametrize("lesson", all_lessons(), ids=rel)
def test_lesson_shape(lesson):
    meta, body = split_front_matter(lesson)
    assert isinstance(meta.get("title"), str) and meta["title"].strip(), "lesson needs title:"
    count = words(body)
    assert MIN_WORDS <= count <= MAX_WORDS, f"{count} words, want {MIN_WORDS}-{MAX_WORDS}"
    prose = QUIZ_BLOCK.sub("", body)
    prose = re.sub(r"^```.*?^```", "", prose, flags=re.M | re.S)
    assert not re.search(r"^# ", prose, re.M), "lesson headings start at ##"


@pytest.mark.parametrize("lesson", all_lessons(), ids=rel)
def test_lesson_self_checks_well_formed(lesson):
    _, body = split_front_matter(lesson)
    problems = []
    for block in QUIZ_BLOCK.findall(body):
        if not split_questions(block):
            problems.append("a ```quiz block holds no question")
        problems += question_problems(block, rel(lesson))
    ids = [field(b, "id") for block in QUIZ_BLOCK.findall(body) for b in split_questions(block)]
    assert len(ids) == len(set(ids)), f"self-check ids repeat in the lesson: {ids}"
    assert problems == []


@pytest.mark.parametrize("module", module_dirs(), ids=rel)
def test_module_has_self_check(module):
    checks = [QUIZ_BLOCK.search(split_front_matter(p)[1]) for p in lesson_files(module)]
    assert any(checks), "no ```quiz self-check in any lesson of the module"


@pytest.mark.parametrize("lesson", all_lessons(), ids=rel)
def test_glossary_links_resolve(lesson):
    course = lesson.parent.parent
    anchors = glossary_anchors(course)
    _, body = split_front_matter(lesson)
    broken = [a for a in GLOSSARY_LINK.findall(body) if a not in anchors]
    assert not broken, f"no heading in {rel(course / 'glossary.md')} for: {broken}"


def test_anchor_rule_matches_python_markdown():
    import markdown

    source = "## Article 5 deadline / extension request\n## IMAS"
    html = markdown.markdown(source, extensions=["toc"])
    assert 'id="article-5-deadline-extension-request"' in html and 'id="imas"' in html
    assert slugify("Article 5 deadline / extension request", "-") in html


# ---------------------------------------------------------------- through the loader


@pytest.fixture(scope="module")
def loaded():
    """All courses through the real loader (an ImportError here means it is missing)."""
    from lms.content.loader import load_courses

    return load_courses(COURSES)


def loaded_modules(loaded):
    return [(course, module) for course in loaded[0] for module in course.modules]


def test_loader_reports_no_errors(loaded):
    _, errors = loaded
    assert [str(e) for e in errors] == []


def test_loader_finds_every_course_and_module(loaded):
    courses, _ = loaded
    assert len(courses) == len(course_dirs())
    assert sum(len(c.modules) for c in courses) == len(module_dirs())
    assert all(c.slug and c.title for c in courses)


def test_loaded_courses_pass_mark(loaded):
    assert {c.slug: c.pass_mark for c in loaded[0]} == {c.slug: PASS_MARK for c in loaded[0]}


def test_loaded_modules_have_objectives_and_lessons(loaded):
    bad = [
        f"{c.slug}/{m.slug}"
        for c, m in loaded_modules(loaded)
        if not m.objectives or not MIN_LESSONS <= len(m.lessons) <= MAX_LESSONS
    ]
    assert bad == []


def test_loaded_quizzes(loaded):
    problems = []
    for c, m in loaded_modules(loaded):
        where = f"{c.slug}/{m.slug}"
        if m.quiz is None:
            problems.append(f"{where}: no quiz")
            continue
        questions = m.quiz.quiz.questions
        ids = [q.id for q in questions]
        if len(questions) < MIN_QUESTIONS:
            problems.append(f"{where}: {len(questions)} questions")
        if len(set(ids)) != len(ids) or not all(ids):
            problems.append(f"{where}: question ids missing or repeated")
        problems += [f"{where}/{q.id}: no explain" for q in questions if not q.explain.strip()]
        if len({q.type for q in questions}) < MIN_QUESTION_TYPES:
            problems.append(f"{where}: only types {sorted({q.type for q in questions})}")
    assert problems == []


def test_loaded_modules_have_self_checks(loaded):
    problems = []
    for c, m in loaded_modules(loaded):
        checks = [q for lesson in m.lessons for quiz in lesson.self_checks for q in quiz.questions]
        if not checks:
            problems.append(f"{c.slug}/{m.slug}: no self-check")
        where = f"{c.slug}/{m.slug}"
        problems += [f"{where}/{q.id}: no explain" for q in checks if not q.explain.strip()]
    assert problems == []


def test_loaded_lessons_render_within_word_limits(loaded):
    bad = []
    for c, m in loaded_modules(loaded):
        for lesson in m.lessons:
            text = re.sub(r"<[^>]+>", " ", lesson.html)
            if not lesson.html.strip() or words(text) > MAX_WORDS or words(text) < MIN_WORDS // 2:
                bad.append(f"{c.slug}/{m.slug}/{lesson.slug}: {words(text)} words rendered")
    assert bad == []
