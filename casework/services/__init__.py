"""Writes of casework: every change to a statement draft, each in one transaction with its revision and audit event."""
