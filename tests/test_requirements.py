"""The production install holds what the server runs, and no test tools."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-env",
    "pytest-playwright",
    "playwright",
    "schemathesis",
    "hypothesis",
    "factory-boy",
    "faker",
    "ruff",
    "pip-tools",
}


def _locked(name: str) -> dict[str, str]:
    """{package: version} of a pip-compile lock."""
    pins = re.findall(
        r"^([A-Za-z0-9._-]+)==(\S+)", (ROOT / name).read_text(), flags=re.M
    )
    return {re.sub(r"[-_.]+", "-", n).lower(): v for n, v in pins}


def test_production_lock_has_no_test_tools():
    assert not TEST_TOOLS & set(_locked("requirements.txt"))


def test_every_locked_requirement_carries_a_hash():
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (ROOT / name).read_text()
        for block in re.split(r"\n(?=[A-Za-z])", text.split("\n\n", 1)[-1]):
            if re.match(r"[A-Za-z]", block):
                assert "--hash=sha256:" in block, f"{name}: {block.splitlines()[0]}"


def test_development_lock_keeps_the_runtime_versions():
    runtime, dev = _locked("requirements.txt"), _locked("requirements-dev.txt")
    assert {n: dev.get(n) for n in runtime} == runtime


def test_runtime_packages_are_in_the_runtime_lock():
    # Imported by settings or the app at run time, so a production install needs them.
    runtime = _locked("requirements.txt")
    for name in (
        "django",
        "django-simple-history",
        "django-cors-headers",
        "redis",
        "drf-spectacular-sidecar",
        "gunicorn",
        "django-prometheus",
    ):
        assert name in runtime
