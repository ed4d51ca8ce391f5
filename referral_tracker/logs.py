"""Logging filters named in settings.LOGGING.

A refused request (403: PermissionDenied on a page, the API's 403) is an everyday answer, not a fault:
Django logs it as a WARNING with the exception's traceback. The filter turns it into one plain INFO line.
"""

import logging


class RefusalsAsInfo(logging.Filter):
    """On django.request and django.server: a 403 becomes an INFO line without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.levelno, record.levelname = logging.INFO, "INFO"
            record.exc_info, record.exc_text = None, None
        return True
