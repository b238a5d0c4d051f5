"""Pages for targets (being built)."""
from __future__ import annotations

from flask import Blueprint

blp = Blueprint("targets", __name__)
