"""Certificates: the public verification page and the PDF."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)
