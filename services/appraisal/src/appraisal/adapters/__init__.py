"""Database mapping and repositories for appraisal."""
