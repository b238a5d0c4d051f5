"""The notifications domain: which messages the trust's events mean, for whom."""
