# gunicorn as deployed: sync workers behind a reverse proxy that buffers slow clients.
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
forwarded_allow_ips = "127.0.0.1"
