"""Pages for surveys (being built)."""
from __future__ import annotations

from flask import Blueprint

blp = Blueprint("surveys", __name__)
