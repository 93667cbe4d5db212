"""The error pages are Vietnamese, and the 500 and 400 pages render without any context."""

import pytest
from django.test import RequestFactory

from motcua.portal.views.errors import server_error


@pytest.mark.django_db
def test_missing_page_returns_vietnamese_404(client, settings):
    settings.DEBUG = False
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Không tìm thấy trang bạn yêu cầu" in html
    assert 'class="site-header"' in html  # the normal site shell, with navigation back
    assert 'href="/"' in html


@pytest.mark.django_db
def test_citizen_on_staff_page_gets_vietnamese_403(client, demo_data, settings):
    from motcua.accounts.models import User

    settings.DEBUG = False
    client.force_login(User.objects.get(username="congdan.hoa"))
    response = client.get("/can-bo/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Bạn không có quyền truy cập trang này" in html
    assert "Lê Thị Hoa" in html  # still signed in: the shell shows who they are


def test_server_error_page_is_standalone_vietnamese():
    # Like Django's own handler: no context processors, no database; only the request, for the CSP nonce.
    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"
    response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Hệ thống đang gặp sự cố" in html
    assert "{%" not in html
    assert "<link" not in html  # no stylesheet from static: it must work when everything else is broken
    assert '<style nonce="n0nce">' in html


def test_bad_request_page_carries_the_nonce():
    from motcua.portal.views.errors import bad_request

    request = RequestFactory().get("/")
    request.csp_nonce = "n0nce"
    response = bad_request(request, ValueError("bad multipart"))
    assert response.status_code == 400
    html = response.content.decode()
    assert '<style nonce="n0nce">' in html
    # Standalone like the 500 page (they share one layout): a request Django could not read must still get it.
    assert '<html lang="vi">' in html and "<title>Yêu cầu không hợp lệ — Cổng dịch vụ công</title>" in html
    assert "{%" not in html and "<link" not in html
    assert 'href="/"' in html and "Nothing was saved." in html
