"""`briefbot serve`: the web app (`app.py`) and what guards it: security headers, body limits,
an access log without secrets (`guards.py`), a bounded rate limiter (`ratelimit.py`), sign-ups
handled after the answer (`signups.py`), the output folder's public files (`static.py`)."""

from briefbot.web.app import WebApp, app_from_environment, make_app

__all__ = ["WebApp", "app_from_environment", "make_app"]
