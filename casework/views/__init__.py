"""The casework pages: the statement drafts (and the offence checklist)."""
