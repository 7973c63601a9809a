"""Offline course packages: static pages, a stylesheet and the self-check script.

Pure Python (no Flask, no database): `lms.services.offline` loads the course and
hands plain data to `pages.render_package`.
"""
