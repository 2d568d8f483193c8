"""Logging filters (named in settings.LOGGING, so loaded before the apps: no models here)."""

import logging


class OneLineWarning(logging.Filter):
    """Turns a record into a one-line WARNING: no traceback, whatever level it was logged at.

    For events that are expected and not our fault, such as a request for a host name we do
    not serve, which Django logs at ERROR with the exception attached."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True
