"""gunicorn as deployed: sync workers behind a reverse proxy that buffers slow clients.

Bind to a Unix socket that only the proxy can open (README, "Deploying"), so that no other
process on the machine can reach gunicorn and write its own X-Forwarded-For."""

import os

from gunicorn.http import wsgi

wsgi_app = "gazette_site.wsgi"
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# A worker is replaced after this many requests (a bound on any slow leak). Every replacement
# boots Django again and its first requests pay for it: at 2000, under `make loadtest` each of 5
# workers was replaced every few seconds and p99 was ~2 s; at 20000 p99 was ~0.25 s.
max_requests = 20000
max_requests_jitter = 2000
accesslog = "-"
# X-Forwarded-Proto is believed from a Unix socket's peer (the proxy), and over TCP only from
# the proxies the deployment names, as for X-Forwarded-For (gazette_site.security.client_ip).
forwarded_allow_ips = ",".join(
    proxy.strip()
    for proxy in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",")
    if proxy.strip() and proxy.strip() != "unix"
)


def on_starting(server):
    """The master starts the embedded PostgreSQL (when DATABASE_URL is unset), once; a worker
    only connects, so one started during a planned outage does not start the database."""
    from gazette_site.embedded_db import start_unless_configured

    start_unless_configured()


# No Server header: which software answers is of use to an attacker only (gunicorn has no
# setting for it).
_default_headers = wsgi.Response.default_headers


def _default_headers_without_server(self):
    return [line for line in _default_headers(self) if not line.startswith("Server:")]


wsgi.Response.default_headers = _default_headers_without_server
