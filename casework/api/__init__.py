"""The REST face of casework: read-only views of the offence checklist."""
