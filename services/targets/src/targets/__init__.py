"""Staffroom targets: the trust's staff targets, per academy and trust-wide, built only from the events it consumes."""
