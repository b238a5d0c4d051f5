"""Pages for team (being built)."""
from __future__ import annotations

from flask import Blueprint

blp = Blueprint("team", __name__)
