"""A validator for the required structure of xAPI 1.0.3 statements, and its own tests.

The integration tests run every statement the platform records through `problems()`.
Rules from the xAPI 1.0.3 specification, Data part, section 2.4 (Statement properties).
"""

import copy
import re
import uuid

import pytest

IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")
IRL = re.compile(r"^https?://[^\s/]+(/[^\s]*)?$")
LANGUAGE_TAG = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*|und)$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
DURATION = re.compile(r"^P(?!$)(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$")
VERSION = re.compile(r"^1\.0(?:\.\d+)?$")
STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context",
    "timestamp", "stored", "authority", "version", "attachments",
}  # fmt: skip
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching",
    "performance", "sequencing", "likert", "numeric", "other",
}  # fmt: skip
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}


def _language_map(value, where: str) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where}: a language map must be a non-empty object"]
    return [
        f"{where}: bad language map entry {tag!r}"
        for tag, text in value.items()
        if not LANGUAGE_TAG.match(str(tag)) or not isinstance(text, str)
    ]


def _uuid(value) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _actor(actor) -> list[str]:
    if not isinstance(actor, dict):
        return ["actor: must be an object"]
    out = []
    if actor.get("objectType", "Agent") != "Agent":
        out.append("actor: objectType must be Agent for a learner")
    ifis = [key for key in IFIS if key in actor]
    if len(ifis) != 1:
        out.append(f"actor: exactly one inverse functional identifier required, got {ifis}")
    account = actor.get("account")
    if "account" in actor:
        if not isinstance(account, dict) or set(account) != {"homePage", "name"}:
            out.append("actor.account: needs exactly homePage and name")
        else:
            if not IRL.match(str(account["homePage"])):
                out.append("actor.account.homePage: must be an IRL")
            if not isinstance(account["name"], str) or not account["name"]:
                out.append("actor.account.name: must be a non-empty string")
    return out


def _activity(activity, where: str) -> list[str]:
    if not isinstance(activity, dict):
        return [f"{where}: must be an object"]
    out = []
    if activity.get("objectType", "Activity") != "Activity":
        out.append(f"{where}: objectType must be Activity")
    if not IRI.match(str(activity.get("id", ""))):
        out.append(f"{where}.id: must be an IRI")
    definition = activity.get("definition", {})
    for key in ("name", "description"):
        if key in definition:
            out += _language_map(definition[key], f"{where}.definition.{key}")
    if "type" in definition and not IRI.match(str(definition["type"])):
        out.append(f"{where}.definition.type: must be an IRI")
    if "interactionType" in definition and definition["interactionType"] not in INTERACTION_TYPES:
        out.append(f"{where}.definition.interactionType: unknown")
    return out


def _result(result) -> list[str]:
    if not isinstance(result, dict):
        return ["result: must be an object"]
    out = []
    score = result.get("score", {})
    scaled = score.get("scaled")
    if scaled is not None and not (isinstance(scaled, int | float) and -1 <= scaled <= 1):
        out.append("result.score.scaled: must be a number in [-1, 1]")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and not low < high:
        out.append("result.score: min must be less than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        out.append("result.score.raw: must lie between min and max")
    for key in ("success", "completion"):
        if key in result and not isinstance(result[key], bool):
            out.append(f"result.{key}: must be a boolean")
    if "response" in result and not isinstance(result["response"], str):
        out.append("result.response: must be a string")
    if "duration" in result and not DURATION.match(str(result["duration"])):
        out.append("result.duration: must be an ISO 8601 duration")
    return out


def _context(context) -> list[str]:
    if not isinstance(context, dict):
        return ["context: must be an object"]
    out = []
    if "registration" in context and not _uuid(context["registration"]):
        out.append("context.registration: must be a UUID")
    if "language" in context and not LANGUAGE_TAG.match(str(context["language"])):
        out.append("context.language: must be a language tag")
    activities = context.get("contextActivities", {})
    for key, value in activities.items():
        if key not in CONTEXT_ACTIVITY_KEYS:
            out.append(f"context.contextActivities.{key}: unknown key")
        for n, activity in enumerate(value if isinstance(value, list) else [value]):
            out += _activity(activity, f"context.contextActivities.{key}[{n}]")
    return out


def problems(statement: dict) -> list[str]:
    """Every way the statement breaks the xAPI 1.0.3 required structure (empty: valid)."""
    if not isinstance(statement, dict):
        return ["statement: must be an object"]
    out = [f"unknown property {key!r}" for key in statement if key not in STATEMENT_KEYS]
    for key in ("id", "actor", "verb", "object", "timestamp", "version"):
        if key not in statement:
            out.append(f"{key}: missing (the platform always sets it)")
    if "id" in statement and not _uuid(statement["id"]):
        out.append("id: must be a UUID in canonical form")
    out += _actor(statement.get("actor"))
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not IRI.match(str(verb.get("id", ""))):
        out.append("verb.id: must be an IRI")
    else:
        out += _language_map(verb.get("display"), "verb.display")
    out += _activity(statement.get("object"), "object")
    if "result" in statement:
        out += _result(statement["result"])
    if "context" in statement:
        out += _context(statement["context"])
    if "timestamp" in statement and not TIMESTAMP.match(str(statement["timestamp"])):
        out.append("timestamp: must be ISO 8601 with a time zone")
    if "version" in statement and not VERSION.match(str(statement["version"])):
        out.append("version: must be 1.0.x")
    return out


GOOD = {
    "id": "0f2b1c6e-9a7d-5c1e-8b3a-2d4e6f8a0b1c",
    "actor": {
        "objectType": "Agent",
        "account": {"homePage": "https://lms.example.org", "name": "3f9a"},
    },
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
    "object": {
        "objectType": "Activity",
        "id": "https://lms.example.org/courses/c/m/quiz",
        "definition": {"type": "http://adlnet.gov/expapi/activities/assessment"},
    },
    "result": {
        "score": {"scaled": 0.8, "raw": 80, "min": 0, "max": 100},
        "success": True,
        "completion": True,
        "duration": "PT1M30.5S",
    },
    "context": {"contextActivities": {"parent": [{"id": "https://lms.example.org/courses/c/m"}]}},
    "timestamp": "2026-03-01T10:00:00.000Z",
    "version": "1.0.3",
}


def test_a_valid_statement_has_no_problems():
    assert problems(GOOD) == []


def _broken(path: str, value):
    statement = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    target = statement
    for key in parents:
        target = target[key]
    if value is KeyError:
        del target[last]
    else:
        target[last] = value
    return statement


@pytest.mark.parametrize(
    "path, value, expected",
    [
        ("id", "not-a-uuid", "id:"),
        ("id", "0F2B1C6E-9A7D-5C1E-8B3A-2D4E6F8A0B1C", "id:"),
        ("actor.mbox", "mailto:learner@example.org", "exactly one"),
        ("actor.account", KeyError, "exactly one"),
        ("actor.account.homePage", "not a url", "homePage"),
        ("verb.id", "passed", "verb.id"),
        ("verb.display", {}, "verb.display"),
        ("verb.display", {"not a tag!": "passed"}, "verb.display"),
        ("object.id", "no scheme", "object.id"),
        ("object.definition.type", "assessment", "definition.type"),
        ("result.score.scaled", 1.5, "scaled"),
        ("result.score.scaled", -1.01, "scaled"),
        ("result.score.raw", 101, "raw"),
        ("result.success", "yes", "success"),
        ("result.duration", "90 seconds", "duration"),
        ("context.contextActivities.parent", [{"id": "x y"}], "parent[0].id"),
        ("timestamp", "2026-03-01 10:00:00", "timestamp"),
        ("timestamp", "2026-03-01T10:00:00", "timestamp"),
        ("version", "2.0.0", "version"),
        ("version", KeyError, "version"),
        ("email", "learner@example.org", "unknown property"),
    ],
)
def test_each_broken_rule_is_reported(path, value, expected):
    found = problems(_broken(path, value))
    assert any(expected in problem for problem in found), found


@pytest.mark.parametrize("duration", ["PT0S", "PT1H", "PT2M3S", "PT0.25S", "P1DT2H"])
def test_durations_in_iso_8601_pass(duration):
    assert problems(_broken("result.duration", duration)) == []
