"""Reports for administrators, organisation managers and trainers: SQL aggregates."""

from lms.services.reports.completion import CompletionReport, Counts, FunnelStep, completion_report
from lms.services.reports.export import completion_csv, csv_filename, neutralise
from lms.services.reports.filters import STATUS_LABELS, STATUSES, ReportFilter, parse_filter
from lms.services.reports.learners import LearnerPage, LearnerRow

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "CompletionReport",
    "Counts",
    "FunnelStep",
    "LearnerPage",
    "LearnerRow",
    "ReportFilter",
    "completion_csv",
    "completion_report",
    "csv_filename",
    "neutralise",
    "parse_filter",
]
