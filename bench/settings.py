"""Production settings plus the benchmark's bare ceiling view."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
