"""Staffroom platform package: infrastructure and event contracts shared by every service."""
