"""The committed OpenAPI and AsyncAPI documents are the ones the code generates."""
from pathlib import Path

from staffroom.cli import write_docs

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_committed_api_documents_match_the_code():
    assert write_docs(DOCS, check=True) == 0, "run `.venv/bin/staffroom docs` and commit the result"
