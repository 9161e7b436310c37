"""The access log: one line per request (method, path, status, client address, milliseconds) on
the `chirvir.access` logger, at INFO, so CHIRVIR_LOG_LEVEL=WARNING turns it off."""

import logging
import time

from chirvir.core.addresses import client_address

logger = logging.getLogger("chirvir.access")


def middleware(get_response):
    def log_request(request):
        started = time.perf_counter()
        response = get_response(request)
        # The path without its query: a query may carry a token (access_token=) or a password reset.
        logger.info("%s %s %s for %s in %.1f ms", request.method, request.path, response.status_code,
                    client_address(request), (time.perf_counter() - started) * 1000)
        return response

    return log_request
