"""Writes of the loyalty app (services: keyword-only, one transaction each)."""
