"""Pages for appraisal (being built)."""
from __future__ import annotations

from flask import Blueprint

blp = Blueprint("appraisal", __name__)
