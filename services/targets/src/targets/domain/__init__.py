"""The targets' rules: plain Python, no Flask, no SQLAlchemy."""
