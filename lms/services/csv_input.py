"""Reading uploaded CSV files: UTF-8 with or without BOM, every bad line named."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from lms.errors import InvalidInput


@dataclass(frozen=True)
class LineError:
    """What is wrong with one line of a file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class CsvRejected(InvalidInput):
    """A file refused as a whole; `errors` names every bad line."""

    def __init__(self, errors: list[LineError]):
        self.errors = sorted(errors, key=lambda error: error.line)
        count = len(self.errors)
        super().__init__(f"{count} problem(s) found; nothing was imported.", field="file")


def decode(data: bytes) -> str:
    """The text of an uploaded file; a byte-order mark is dropped; CsvRejected if not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvRejected(
            [LineError(line, "the file is not UTF-8 text: save it as “CSV UTF-8” and try again")]
        ) from exc


def numbered_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number where the record starts, cells) for every non-blank record."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvRejected([LineError(start, f"this is not valid CSV ({exc})")]) from exc
        if any(cell.strip() for cell in row):
            yield start, row


def chunks(items: list, size: int = 500) -> Iterator[list]:
    """Slices of at most `size` items, to keep IN lists within every database's limits."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
