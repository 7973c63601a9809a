"""A small course for the offline package tests: every self-check question type, images,
glossary and quiz links, and titles that carry markup. Helpers only, no tests."""

import shutil
from pathlib import Path

from tests.conftest import TEST_COURSES

SLUG = "offline-practice"
HOSTILE = "<script>alert('x')</script> & Co"
MAP_PNG = TEST_COURSES / "test-course" / "01-first-steps" / "images" / "map.png"

COURSE_MD = f"""---
title: "Offline {HOSTILE}"
summary: Reading in the field, without a connection.
language: vi
version: "2.1"
---

See the [glossary](offline-practice/glossary#stockpile) first. ![Course logo](logo.png)
"""

GLOSSARY_MD = """---
title: Glossary
---

## Stockpile

Mines kept in storage. See also [clearance](#clearance).

## Clearance

Removing mines from the ground.
"""

MODULE_MD = """---
title: "Module {title}"
objectives:
  - "Name {title}"
---
"""

READING_MD = f"""---
title: "Reading {HOSTILE}"
---

A [stockpile](../glossary#stockpile) is destroyed within four years. The
[module quiz](quiz) is online only; the [treaty text](https://www.apminebanconvention.org/)
is on the web; the [next lesson](practice) follows.

![Map of the region](images/map.png)

![A remote picture](https://example.org/remote.png)
"""

PRACTICE_MD = """---
title: Practice
---

First a single choice.

```quiz
## The Convention bans anti-personnel mines.
id: bans
(x) True
  > Yes: Article 1.
( ) False
  > It does: Article 1.
```

Then the other types.

```quiz
## Which are obligations of every State Party? Select all that apply.
id: core-obligations
[x] Destroy stockpiled anti-personnel mines
  > Yes: Article 4.
[x] Report on implementation every year
[ ] Pay for clearance in every other State Party
  > No: cooperation is voluntary.
scoring: partial

## Which city hosted the adoption of the Convention text?
id: adoption-city
answer: Oslo
  > Right: Oslo, in September 1997.
wrong: Ottawa
  > Ottawa hosted the signing, in December 1997.

## Within how many years must stockpiles be destroyed?
id: art4-deadline
number: 4
explain: Article 4 gives **four** years.

## Match each article to its subject.
id: articles
match: Article 4 -> Stockpile destruction
match: Article 5 -> Clearance of mined areas
match: -> Withdrawal

## Put these events in order.
id: timeline
order: ICBL founded
order: Text adopted in Oslo
order: Entry into force
```
"""

# The graded quiz: its answer (1992) must never appear in a package.
QUIZ_MD = """---
pass_mark: 50
---

## In which year was the ICBL founded?
id: icbl-founded
number: 1992
"""
GRADED_ANSWER = "1992"

SECOND_MD = """---
title: Afterwards
---

Back to [the reading](../first/reading) and the [glossary](../glossary#clearance).
"""


def write_practice_course(root: Path) -> Path:
    """Write the course folder under root and return root (a folder of courses)."""
    course = root / SLUG
    first = course / "01-first"
    second = course / "02-second"
    (first / "images").mkdir(parents=True)
    second.mkdir()
    files = {
        course / "course.md": COURSE_MD,
        course / "glossary.md": GLOSSARY_MD,
        first / "module.md": MODULE_MD.format(title=HOSTILE.replace('"', "'")),
        first / "01-reading.md": READING_MD,
        first / "02-practice.md": PRACTICE_MD,
        first / "quiz.md": QUIZ_MD,
        second / "module.md": MODULE_MD.format(title="two"),
        second / "01-afterwards.md": SECOND_MD,
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    shutil.copy(MAP_PNG, first / "images" / "map.png")
    shutil.copy(MAP_PNG, course / "logo.png")
    return root
