"""Pages of query results: a count and one query for the rows of the page."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from lms.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    """One page of rows, and where it sits among the others."""

    rows: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: Select, page: int = 1, per_page: int = PER_PAGE, *, scalars=True) -> Page:
    """Run `stmt` for one page: two queries (count, rows) whatever the number of rows."""
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    window = stmt.limit(per_page).offset((page - 1) * per_page)
    result = db.session.execute(window)
    rows = list(result.unique().scalars() if scalars else result.all())
    return Page(rows=rows, page=page, per_page=per_page, total=total or 0)
