"""gunicorn's configuration: ``gunicorn -c config/gunicorn.conf.py config.wsgi`` (with the production environment).

App processes keep no state (the database, the shared Redis cache and Django storage hold it), so any number of
workers, on any number of machines behind the reverse proxy, behave like one.
"""

import multiprocessing
import os

bind = os.environ.get("ECOCIV_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("ECOCIV_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("ECOCIV_WEB_THREADS", 1))
# Long work runs as jobs; a request that takes this long is stuck: the worker is replaced.
timeout = int(os.environ.get("ECOCIV_WEB_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # workers are replaced now and then, so no slow leak builds up
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("ECOCIV_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'config.settings.prod')}"]
