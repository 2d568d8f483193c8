from unittest import mock

from django.db import OperationalError


def test_healthz_answers_without_the_database(client):
    # No `db` fixture: any database access here would raise.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_readyz_checks_the_database(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200


def test_readyz_is_503_when_the_database_is_down(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute") as execute:
        execute.side_effect = OperationalError("connection refused")
        response = client.get("/readyz")
    assert response.status_code == 503


def test_pages_answer_503_with_a_friendly_page_when_the_database_is_down(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute") as execute:
        execute.side_effect = OperationalError("server closed the connection unexpectedly")
        response = client.get("/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Disallow: /admin/" in response.content.decode()
    assert "/sitemap.xml" in response.content.decode()
