"""Database mapping for targets."""
