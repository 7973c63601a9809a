"""The audit log: every administrative action, with who did it and when."""

from lms.extensions import db
from lms.models import AuditEntry


def record(actor_id: int | None, action: str, target=None, **details) -> AuditEntry:
    """Add an audit entry for `action` (e.g. "user.deactivated") on `target`; caller commits."""
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        target_type=type(target).__tablename__ if target is not None else "",
        target_id=getattr(target, "id", None),
        details={key: value for key, value in details.items() if value is not None},
    )
    db.session.add(entry)
    return entry
