"""Reads for panel pages that span several apps (dashboard figures, reports)."""
