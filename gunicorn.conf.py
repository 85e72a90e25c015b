"""gunicorn settings for production:
`gunicorn --config gunicorn.conf.py "brokerage:create_app()"`."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Two threads a worker: one runs Python while the other waits on PostgreSQL or Redis. The
# load benchmark (bench/load.py) served more, with a lower p95, than with one or four.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# gunicorn believes no X-Forwarded-* header: the app reads them, through as many proxies as
# PROXY_HOPS says (ProxyFix in create_app), so one setting decides the client's address,
# scheme and host.
forwarded_allow_ips = ""
# No access log: the app logs every request itself, as JSON with its request id.
accesslog = None
errorlog = "-"
