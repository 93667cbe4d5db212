"""The 500 and 400 pages, rendered like Django's own (no context processors, no database: whatever broke may be one of
them), but given the request so its inline style carries the Content-Security-Policy nonce."""

from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponseServerError:
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponseBadRequest:
    """A request Django could not read (a malformed upload, a header too long): the same standalone page."""
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render({"request": request}))
