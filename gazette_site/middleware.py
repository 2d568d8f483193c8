import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.response import TemplateResponse

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer 503 with a friendly page while the database cannot be reached.

    A lost connection or a server that is restarting raises OperationalError/InterfaceError;
    the visitor gets a page saying to try again shortly, never a traceback, and Django's
    CONN_HEALTH_CHECKS reconnects on the next request once the server is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, DatabaseError) and "statement timeout" in str(exception):
            logger.warning("Query timed out on %s", request.path)
        else:
            logger.error("Database unavailable on %s: %s", request.path, exception)
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = "10"
        return response.render()
