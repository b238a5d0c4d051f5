"""Pages for cpd (being built)."""
from __future__ import annotations

from flask import Blueprint

blp = Blueprint("cpd", __name__)
