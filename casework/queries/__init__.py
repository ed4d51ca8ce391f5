"""Reads of casework: the statement drafts, the offence checklist."""
