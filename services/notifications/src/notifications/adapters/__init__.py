"""Persistence for the notifications service."""
