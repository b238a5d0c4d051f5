"""Staffroom notifications: what the trust's events mean to each person, in their inbox and by email."""
