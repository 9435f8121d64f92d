"""Every response carries the security headers; static files are versioned and cached long."""

import re

import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from ordet import create_app
from ordet.extensions import db
from ordet.security_headers import CONTENT_SECURITY_POLICY

from .conftest import config_for
from .factories import enrol, make_round, make_tilbud

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def example_url(rule: Rule) -> str:
    """A concrete URL for ``rule``, with a harmless value for each argument."""
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if isinstance(converter, NumberConverter) else "x"
    if rule.endpoint == "static":
        values["filename"] = "ordet.css"
    return rule.build(values, append_unknown=False)[1]


def all_requests(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        url = example_url(rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, url))
    return found


def assert_secure_headers(response, what):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, f"{what}: {name}"
    assert "Strict-Transport-Security" not in response.headers, f"{what}: HSTS over plain HTTP"
    assert "Permissions-Policy" in response.headers


def test_every_route_sends_security_headers(app, client):
    tilbud = make_tilbud()
    make_round([tilbud])
    enrol(client, tilbud)
    checked = all_requests(app)
    assert len(checked) >= 8
    for method, url in checked:
        response = client.open(url, method=method)
        assert response.status_code < 500, (method, url)
        assert_secure_headers(response, f"{method} {url} → {response.status_code}")
        response.close()


def test_error_pages_send_security_headers(client):
    assert_secure_headers(client.get("/findes-ikke"), "404")
    assert_secure_headers(client.post("/kiosk/tilmeld", data={}), "CSRF failure")


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    secure = client.get("/healthz", base_url="https://ordet.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("proxies", [0, 1])
def test_proxy_fix_trusts_only_the_configured_proxies(app, proxies, tmp_path):
    config = config_for(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    served = create_app({**config, "PROXY_FIX": proxies})
    response = served.test_client().get("/healthz", headers={"X-Forwarded-Proto": "https"})
    with served.app_context():
        db.engine.dispose()
    assert ("Strict-Transport-Security" in response.headers) is bool(proxies)


def test_static_files_have_hashed_urls_and_long_cache(client):
    page = client.get("/kiosk/tilmeld").text
    css = re.search(r'href="(/static/ordet\.css\?v=[0-9a-f]{12})"', page)
    js = re.search(r'src="(/static/ordet\.js\?v=[0-9a-f]{12})"', page)
    assert css and js
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert_secure_headers(response, "static")
    response.close()
    plain = client.get("/static/ordet.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    plain.close()


def test_pages_have_no_inline_script_or_style(client):
    for url in ("/", "/kiosk/tilmeld", "/tilgaengelighed"):
        html = client.get(url).text
        assert "style=" not in html
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
