"""A long read (export) sees one snapshot while others write."""

import threading

import pytest
from django.core.management import call_command
from django.db import connections

from registry.models import Source
from registry.selectors.snapshot import consistent_snapshot
from tests.factories import SourceFactory


def _write_elsewhere(name: str) -> None:
    """Commit a new source from another connection (another thread)."""

    def write():
        try:
            SourceFactory(name=name)
        finally:
            connections.close_all()

    thread = threading.Thread(target=write)
    thread.start()
    thread.join()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_reads_in_the_snapshot_do_not_see_a_write_committed_meanwhile():
    SourceFactory(name="Before")
    with consistent_snapshot():
        before = sorted(Source.objects.values_list("name", flat=True))
        _write_elsewhere("Meanwhile")
        assert sorted(Source.objects.values_list("name", flat=True)) == before
    assert Source.objects.filter(name="Meanwhile").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_snapshot_is_read_only():
    from django.db import InternalError, ProgrammingError

    with (
        pytest.raises((InternalError, ProgrammingError), match="read-only"),
        consistent_snapshot(),
    ):
        Source.objects.create(name="Refused", kind="monitor", reliability="B")
    assert not Source.objects.filter(name="Refused").exists()


@pytest.mark.django_db(transaction=True)
def test_export_command_still_exports_inside_the_snapshot(tmp_path):
    SourceFactory(name="Exported")
    out = tmp_path / "registry.jsonl"
    call_command("export_registry", str(out))
    assert '"Exported"' in out.read_text()
