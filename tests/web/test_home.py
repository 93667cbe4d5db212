import pytest


@pytest.mark.django_db
def test_home_is_vietnamese_and_lists_demo_accounts(client, demo_data):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Hệ thống thông tin giải quyết thủ tục hành chính" in html
    assert "quantri.tinh" in html


@pytest.mark.django_db
def test_home_hides_demo_accounts_outside_demo_mode(client, demo_data, settings):
    settings.MOTCUA_DEMO = False
    html = client.get("/").content.decode()
    assert "quantri.tinh" not in html
    assert "motcua-demo-2026" not in html
