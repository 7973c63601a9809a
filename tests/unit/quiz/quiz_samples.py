"""Quiz texts and helpers shared by the quiz engine tests."""

from lms.content.quiz_parser import parse_quiz

SAMPLE = """\
---
pass_mark: 80
attempts: 3
shuffle: options
show_answers: after_pass
---

# pool: history (draw 2)

## When did the Convention enter into force?
id: entry-into-force
( ) 3 December 1997
(x) 1 March 1999
  > Right: six months after the 40th ratification.
( ) 18 September 1997
explain: Article 17 sets entry into force.
hint: Think of the 40th ratification.

## Which are obligations of every State Party? Select all that apply.
id: core-obligations
[x] Destroy stockpiled anti-personnel mines
[x] Report on implementation every year
[ ] Pay for clearance in every other State Party
  > No: assistance is voluntary.
scoring: partial

## Within how many years must stockpiles be destroyed?
id: art4-deadline
number: 4
  > Article 4 gives four years.

# pool: treaty

## Which city hosted the adoption of the Convention text?
id: adoption-city
answer: Oslo
  > Yes, Oslo in September 1997.
answer 50%: Norway
wrong: Ottawa
  > Ottawa hosted the signing.

## Match each article to its subject.
id: articles
match: Article 4 -> Stockpile destruction
match: Article 5 -> Clearance of mined areas
match: Article 7 -> Transparency reports
match: -> Withdrawal

## Put these events in order.
id: timeline
order: ICBL founded
order: Text adopted in Oslo
order: Entry into force
scoring: partial

## Anti-personnel mines may be used in self-defence.
id: self-defence
( ) True
(x) False
"""


def parse_ok(text: str, **kwargs):
    """Parse text that must be valid, failing with the errors otherwise."""
    quiz, errors = parse_quiz(text, "quiz.md", **kwargs)
    assert errors == [], [str(e) for e in errors]
    return quiz


def correct_form(snapshot: list[dict]) -> dict[str, list[str]]:
    """The form a learner who knows every answer submits, using presented ids."""
    form: dict[str, list[str]] = {}
    for q in snapshot:
        p, name = q["presentation"], f"q-{q['id']}"
        if q["type"] in ("single", "truefalse", "multiple"):
            form[name] = [o["id"] for o in p["options"] if q["options"][o["index"]]["weight"] == 1]
        elif q["type"] == "shorttext":
            form[name] = [next(o["text"] for o in q["options"] if o["weight"] == 1)]
        elif q["type"] == "numeric":
            form[name] = [str(next(n["low"] for n in q["numbers"] if n["weight"] == 1))]
        elif q["type"] == "matching":
            lefts = [pair for pair in q["pairs"] if pair["left"]]
            by_text = {c["text"]: c["id"] for c in p["choices"]}
            for n, left in enumerate(p["left"], start=1):
                form[f"{name}-{n}"] = [by_text[lefts[left["index"]]["right"]]]
        elif q["type"] == "ordering":
            for n, item in enumerate(p["items"], start=1):
                form[f"{name}-{n}"] = [str(item["index"] + 1)]
    return form
