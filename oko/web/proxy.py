"""The client's address and scheme behind a reverse proxy.

Rate limits key on ``request.remote_addr``. Behind nginx every request arrives from the
proxy, so all students and staff would share one counter; the client's own address is in the
``X-Forwarded-For`` header the proxy adds. A client can send that header too, so it is believed
only for the ``TRUSTED_PROXIES`` hops we run ourselves (0: the app is reached directly and the
header is ignored). ``X-Forwarded-Proto`` is taken from the same hops, so the app knows the
visitor used HTTPS.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
