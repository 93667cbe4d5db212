"""The 500 page, rendered like Django's own (no context processors, no database: whatever broke may be one of
them), but given the request so its inline style carries the Content-Security-Policy nonce."""

from django.http import HttpRequest, HttpResponseServerError
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponseServerError:
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request": request}))
