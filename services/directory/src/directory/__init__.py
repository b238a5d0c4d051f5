"""Directory service: the trust's academies and staff, and the source of every staff.* event."""
