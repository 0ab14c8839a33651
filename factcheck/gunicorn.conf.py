"""Gunicorn settings for production: ``make serve`` or
``gunicorn -c factcheck/gunicorn.conf.py factcheck.wsgi``.

Every value can be changed from the environment: GUNICORN_BIND,
WEB_CONCURRENCY, GUNICORN_TIMEOUT. App servers keep no state of their own
(sessions, throttle counters and cached pages live in the database or Redis),
so more of them behind a load balancer is more capacity.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: a request is CPU-bound page building plus a few short
# queries. Two per core plus one keeps the cores busy while some wait on the
# database; WEB_CONCURRENCY overrides (a container often sees the host's cores).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# A request slower than this is killed and its worker replaced: no public
# page takes seconds, and an export streams well within it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a load balancer that reuses connections: keep them a little longer
# than its idle timeout would close them.
keepalive = 5
# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200

# Access log as JSON on stdout; errors on stderr.
accesslog = "-"
errorlog = "-"
logger_class = "factcheck.gunicorn_logging.JsonAccessLogger"

# Behind a proxy on the same host or network: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# No control socket: its default path is one per user, which two servers on
# one machine (tests, the benchmark) would fight over.
control_socket_disable = True

# Load the app once in the master: a broken setting (no SECRET_KEY) stops the
# server at start instead of crash-looping workers.
preload_app = True


def child_exit(server, worker):
    # With METRICS=1 and PROMETHEUS_MULTIPROC_DIR set, /metrics adds up every
    # worker's numbers: a finished worker's live gauges must go.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
