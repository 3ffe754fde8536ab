"""`inkling serve` believes X-Forwarded-For/-Proto only from proxies it is told about (none by default)."""

from __future__ import annotations

import uvicorn

from inkling.cli.serve import SERVING_APP, uvicorn_options
from inkling.settings import Settings


def _config(settings: Settings, **options: object) -> uvicorn.Config:
    """The uvicorn configuration `inkling serve` would run with."""
    return uvicorn.Config(SERVING_APP, **uvicorn_options(settings, **options))


def test_no_proxy_is_trusted_by_default() -> None:
    config = _config(Settings())
    assert config.proxy_headers is False


def test_the_setting_names_the_proxies() -> None:
    config = _config(Settings(forwarded_allow_ips="10.0.0.1, 10.0.0.0/24"))
    assert config.proxy_headers is True and config.forwarded_allow_ips == "10.0.0.1,10.0.0.0/24"


def test_the_option_wins_over_the_setting() -> None:
    settings = Settings(forwarded_allow_ips="10.0.0.1")
    assert _config(settings, forwarded_allow_ips="192.0.2.5").forwarded_allow_ips == "192.0.2.5"
    assert _config(settings, forwarded_allow_ips="").proxy_headers is False  # --forwarded-allow-ips ""


def test_websocket_frames_are_bounded_and_not_deflated() -> None:
    config = _config(Settings())
    assert config.ws_max_size == 64 * 1024 and config.ws_per_message_deflate is False
