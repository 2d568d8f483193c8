# gunicorn as deployed: sync workers behind a reverse proxy that buffers slow clients.
wsgi_app = "gazette_site.wsgi"
worker_class = "sync"
timeout = 30
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
forwarded_allow_ips = "127.0.0.1"
