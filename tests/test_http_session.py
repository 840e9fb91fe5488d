"""The connectors' HTTP sessions take proxies and the CA bundle from the environment once."""

from __future__ import annotations

import pytest

from app.connectors.http_session import environment_session, with_environment_ca


def test_proxies_come_from_the_environment_when_the_session_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = environment_session("https://sl.example:50000/b1s/v2/")
    assert session.proxies.get("https") == "http://proxy.example:3128"
    assert session.trust_env is False
    monkeypatch.setenv("HTTPS_PROXY", "http://other.example:8080")
    assert session.proxies.get("https") == "http://proxy.example:3128"


def test_no_proxy_keeps_a_server_direct(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "sl.example")
    assert environment_session("https://sl.example:50000/b1s/v2/").proxies == {}


def test_a_ca_bundle_named_in_the_environment_is_used_when_verifying(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/company-ca.pem")
    https = "https://sl.example:50000/b1s/v2/"
    assert with_environment_ca(True, https) == "/etc/company-ca.pem"
    assert with_environment_ca(False, https) is False
    assert with_environment_ca("/own/ca.pem", https) == "/own/ca.pem"
    assert with_environment_ca(True, "http://127.0.0.1:50000/b1s/v2/") is True
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    assert with_environment_ca(True, https) is True
