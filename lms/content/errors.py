"""Problems found in course folders and quiz text, reported as `path:line: message`."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in a course file, with where it is and how to fix it."""

    path: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text
