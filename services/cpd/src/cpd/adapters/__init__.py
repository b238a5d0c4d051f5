"""Database mapping and repositories for CPD."""
