"""What a sync is asked to do and what it reports back."""

from collections import Counter
from dataclasses import dataclass, field

from lms.content.errors import ContentError


@dataclass(frozen=True)
class SyncOptions:
    """Where the content comes from: a folder ("sync") or an upload in the browser ("web")."""

    origin: str = "sync"
    author_id: int | None = None
    force: bool = False  # take the folder's version even over browser revisions
    message: str = ""

    @property
    def from_folder(self) -> bool:
        """Whether this is a folder sync, which keeps `synced_hash` and checks conflicts."""
        return self.origin == "sync"

    @property
    def guarded(self) -> bool:
        """Whether browser revisions since the last sync are kept rather than overwritten."""
        return self.from_folder and not self.force


@dataclass
class SyncReport:
    """What a sync did, counted by kind of change ("lesson created", "quiz updated", ...)."""

    errors: list[ContentError] = field(default_factory=list)
    changes: Counter = field(default_factory=Counter)
    courses: list[str] = field(default_factory=list)
    # Items skipped because they were revised in the browser since the last sync.
    conflicts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything in the database changed."""
        return sum(self.changes.values()) > 0

    def summary(self) -> str:
        """One line per kind of change, or a note that nothing changed."""
        if not self.changed:
            return "No changes."
        return "\n".join(f"{what}: {count}" for what, count in sorted(self.changes.items()))

    def conflict(self, where: str, kind: str, removed: bool = False) -> None:
        """Record an item skipped because it was revised in the browser since the last sync."""
        change = "removed from" if removed else "changed in"
        self.conflicts.append(
            f"{where}: {kind} revised in the browser since the last sync and {change} the "
            "folder; skipped (--force takes the folder's version)"
        )
