"""Database mapping and repositories for the directory."""
