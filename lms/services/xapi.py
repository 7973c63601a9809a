"""Learning events as xAPI 1.0.3 statements: pure functions, no Flask, no database.

lms.services.xapi_forward stores them with their events and forwards them to an LRS.
"""

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

XAPI_VERSION = "1.0.3"
PLATFORM = "Mine action learning platform"
# Used when LMS_PUBLIC_URL is unset; ".invalid" is reserved, so it can never be a real site.
FALLBACK_BASE = "https://lms.invalid"
# Fixed once: with the site's base address it namespaces every statement id (uuid5).
NAMESPACE = uuid.UUID("9b5c3a1e-52e4-4f3c-9d6a-6f1d0b2c7e41")

ADL = "http://adlnet.gov/expapi"
VERBS = {name: f"{ADL}/verbs/{name}" for name in ("completed", "answered", "passed", "failed")}
ACTIVITY_TYPES = {
    "course": f"{ADL}/activities/course",
    "module": f"{ADL}/activities/module",
    "lesson": f"{ADL}/activities/lesson",
    "quiz": f"{ADL}/activities/assessment",
    "question": f"{ADL}/activities/cmi.interaction",
}
INTERACTION_TYPES = {
    "single": "choice",
    "truefalse": "true-false",
    "multiple": "choice",
    "shorttext": "fill-in",
    "numeric": "numeric",
    "matching": "matching",
    "ordering": "sequencing",
}


@dataclass(frozen=True)
class Site:
    """Where statements come from: the public base address and the key that hides learners."""

    base: str
    secret: bytes

    @classmethod
    def from_config(cls, config) -> "Site":
        """The site as the app config describes it (LMS_PUBLIC_URL, SECRET_KEY)."""
        base = (config.get("LMS_PUBLIC_URL") or FALLBACK_BASE).rstrip("/")
        return cls(base, str(config["SECRET_KEY"]).encode())

    def iri(self, *parts: str) -> str:
        """An activity IRI under the site's address, each part percent-encoded."""
        return "/".join([self.base, *(quote(str(p), safe="") for p in parts)])

    def account_name(self, user_id: int) -> str:
        """An opaque, stable name for the learner: never their email or database id."""
        digest = hmac.new(self.secret, f"xapi-actor|{user_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def actor(self, user_id: int) -> dict:
        """The learner as an xAPI Agent identified by an account on this site."""
        return {
            "objectType": "Agent",
            "account": {"homePage": self.base, "name": self.account_name(user_id)},
        }

    def statement_id(self, key: str) -> str:
        """A deterministic UUID for the event's natural key: a replay gets the same id."""
        return str(uuid.uuid5(uuid.uuid5(NAMESPACE, self.base), key))


@dataclass(frozen=True)
class Activity:
    """An xAPI Activity: a course, module, lesson, quiz or quiz question."""

    kind: str
    iri: str
    name: str
    language: str
    description: str = ""
    interaction_type: str | None = None

    def as_object(self) -> dict:
        """The Activity as a statement's object or context activity."""
        definition: dict = {"type": ACTIVITY_TYPES[self.kind], "name": {self.language: self.name}}
        if self.description:
            definition["description"] = {self.language: self.description}
        if self.interaction_type:
            definition["interactionType"] = self.interaction_type
        return {"objectType": "Activity", "id": self.iri, "definition": definition}


@dataclass(frozen=True)
class Place:
    """Where in a course an event happened, by slugs and titles (the stable identifiers)."""

    course_slug: str
    course_title: str
    language: str = "en"
    module_slug: str = ""
    module_title: str = ""

    def course(self, site: Site) -> Activity:
        return Activity(
            "course", site.iri("courses", self.course_slug), self.course_title, self.lang
        )

    def module(self, site: Site) -> Activity:
        iri = site.iri("courses", self.course_slug, self.module_slug)
        return Activity("module", iri, self.module_title, self.lang)

    def lesson(self, site: Site, slug: str, title: str) -> Activity:
        iri = site.iri("courses", self.course_slug, self.module_slug, slug)
        return Activity("lesson", iri, title, self.lang)

    def quiz(self, site: Site) -> Activity:
        iri = site.iri("courses", self.course_slug, self.module_slug, "quiz")
        return Activity("quiz", iri, f"Quiz: {self.module_title}", self.lang)

    def question(self, site: Site, question: dict) -> Activity:
        iri = site.iri("courses", self.course_slug, self.module_slug, "quiz", question["id"])
        return Activity(
            "question",
            iri,
            question["text"][:200],
            self.lang,
            description=question["text"],
            interaction_type=INTERACTION_TYPES.get(question["type"], "other"),
        )

    @property
    def lang(self) -> str:
        return self.language or "und"


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a Z; naive times (SQLite) are UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    """An ISO 8601 duration to the hundredth of a second, e.g. PT1H2M3.5S."""
    centis = max(0, round(seconds * 100))
    hours, centis = divmod(centis, 360_000)
    minutes, centis = divmod(centis, 6_000)
    text = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if centis or text == "PT":
        text += f"{centis // 100}.{centis % 100:02d}".rstrip("0").rstrip(".") + "S"
    return text


def statement(
    site: Site,
    *,
    key: str,
    user_id: int,
    verb: str,
    activity: Activity,
    when: datetime,
    parents: tuple[Activity, ...] = (),
    grouping: tuple[Activity, ...] = (),
    result: dict | None = None,
) -> dict:
    """One complete statement; `key` is the event's natural key, which fixes its id."""
    context: dict = {"platform": PLATFORM, "language": activity.language}
    activities = {}
    if parents:
        activities["parent"] = [a.as_object() for a in parents]
    if grouping:
        activities["grouping"] = [a.as_object() for a in grouping]
    if activities:
        context["contextActivities"] = activities
    made = {
        "id": site.statement_id(key),
        "actor": site.actor(user_id),
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": activity.as_object(),
        "context": context,
        "timestamp": timestamp(when),
        "version": XAPI_VERSION,
    }
    if result is not None:
        made["result"] = result
    return made


def completed(site: Site, user_id: int, activity: Activity, when: datetime, **links) -> dict:
    """A lesson, module or course completed; once per learner and activity."""
    key = f"{user_id}|completed|{activity.iri}"
    return statement(
        site,
        key=key,
        user_id=user_id,
        verb="completed",
        activity=activity,
        when=when,
        result={"completion": True},
        **links,
    )


def lesson_completed(
    site: Site, user_id: int, place: Place, slug: str, title: str, when: datetime
) -> dict:
    """The learner completed a lesson (parent: its module; grouping: its course)."""
    lesson = place.lesson(site, slug, title)
    return completed(
        site, user_id, lesson, when, parents=(place.module(site),), grouping=(place.course(site),)
    )


def module_completed(site: Site, user_id: int, place: Place, when: datetime) -> dict:
    """The learner completed a module: every lesson done and its quiz passed."""
    course = place.course(site)
    return completed(site, user_id, place.module(site), when, parents=(course,), grouping=(course,))


def course_completed(site: Site, user_id: int, place: Place, when: datetime) -> dict:
    """The learner completed the course."""
    return completed(site, user_id, place.course(site), when)


def question_answered(
    site: Site,
    user_id: int,
    place: Place,
    attempt_id: int,
    question: dict,
    outcome: dict,
    when: datetime,
) -> dict:
    """One graded quiz question: outcome holds score (0..1), correct and response."""
    activity = place.question(site, question)
    result: dict = {
        "score": {"scaled": round(outcome["score"], 4)},
        "success": bool(outcome["correct"]),
        "completion": True,
    }
    response = response_text(question, outcome.get("response"))
    if response is not None:
        result["response"] = response
    return statement(
        site,
        key=f"{user_id}|answered|{attempt_id}|{question['id']}",
        user_id=user_id,
        verb="answered",
        activity=activity,
        when=when,
        parents=(place.quiz(site),),
        grouping=(place.module(site), place.course(site)),
        result=result,
    )


def quiz_result(
    site: Site,
    user_id: int,
    place: Place,
    attempt_id: int,
    *,
    score: float,
    passed: bool,
    submitted: bool,
    started_at: datetime,
    ended_at: datetime,
) -> dict:
    """An attempt passed or failed; score is a percent. One per attempt, whichever it was."""
    score = min(100.0, max(0.0, float(score)))
    elapsed = (_aware(ended_at) - _aware(started_at)).total_seconds()
    result = {
        "score": {"scaled": round(score / 100, 4), "raw": round(score, 2), "min": 0, "max": 100},
        "success": bool(passed),
        "completion": bool(submitted),
        "duration": duration(elapsed),
    }
    return statement(
        site,
        key=f"{user_id}|quiz-result|{attempt_id}",
        user_id=user_id,
        verb="passed" if passed else "failed",
        activity=place.quiz(site),
        when=ended_at,
        parents=(place.module(site),),
        grouping=(place.course(site),),
        result=result,
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _choice(question: dict, answer) -> str:
    chosen = answer if isinstance(answer, list) else [answer]
    return "[,]".join(question["options"][i]["text"] for i in chosen)


def _number(question: dict, answer) -> str:
    return str(int(answer)) if float(answer).is_integer() else repr(float(answer))


def _matching(question: dict, answer) -> str:
    lefts = [p["left"] for p in question["pairs"] if p["left"]]
    given = zip(lefts, answer, strict=False)
    return "[,]".join(f"{left}[.]{right}" for left, right in given if right is not None)


def _ordering(question: dict, answer) -> str:
    # answer[i] is the position the learner gave to item i (items are in the correct order).
    placed = sorted((pos, i) for i, pos in enumerate(answer) if pos is not None)
    return "[,]".join(question["items"][i] for _, i in placed)


# How each question type's stored answer reads as an xAPI response string.
RESPONSES = {
    "single": _choice,
    "truefalse": _choice,
    "multiple": _choice,
    "shorttext": lambda question, answer: str(answer),
    "numeric": _number,
    "matching": _matching,
    "ordering": _ordering,
}


def response_text(question: dict, response: dict | None) -> str | None:
    """The learner's answer as xAPI response text (`[,]` between items), None if unanswered."""
    answer = (response or {}).get("answer")
    if answer is None or question["type"] not in RESPONSES:
        return None
    try:
        return RESPONSES[question["type"]](question, answer)
    except (IndexError, KeyError, TypeError, ValueError):  # a stored answer of an older shape
        return None
