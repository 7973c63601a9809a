"""Administrators download the recorded xAPI statements."""
