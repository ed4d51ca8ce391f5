"""The letters' templates, one file a letter in templates/ (the format is in casework/letter_text.py)."""
