"""add_document and propose_claims from the command line."""

import http.server
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.models import Document, Source
from tests import proposer_eval

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = proposer_eval.DATA / "articles" / proposer_eval.SEED_FILE

HTML = """<!doctype html><html lang="es"><head><title>Sismo en Guerrero | Diario</title>
<meta property="og:site_name" content="Diario Ejemplo">
<meta property="article:published_time" content="2025-01-03T10:00:00Z">
</head><body><nav><a href="/">Inicio</a> <a href="/mundo">Mundo</a></nav>
<article><h1>Dos muertos por un terremoto en el sur de México</h1>
<p>Las autoridades de México han confirmado la muerte de dos personas a causa del
terremoto de magnitud 6,5 registrado este viernes en el sur del país, un seísmo que
también ha dejado al menos doce heridos.</p>
<p>Hasta el momento se han contabilizado más de 850 réplicas del seísmo, la más intensa
con una magnitud de 4,7 en la escala abierta de Richter, según el servicio sismológico.</p>
</article><footer>Todos los derechos reservados. Envíanos tus noticias.</footer></body></html>"""


@pytest.mark.django_db
def test_add_document_from_text_detects_language(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(SEED_TEXT.read_text(encoding="utf-8"), encoding="utf-8")
    out = io.StringIO()
    call_command("add_document", str(path), "--published-on", "2020-06-01", stdout=out)
    document = Document.objects.get()
    assert document.language == "en"
    assert document.published_on.isoformat() == "2020-06-01"
    assert document.text.startswith("This terrorist organization")
    assert len(document.content_hash) == 64
    call_command("add_document", str(path), stdout=out)  # same text: not stored twice
    assert Document.objects.count() == 1
    assert "Already stored" in out.getvalue()


@pytest.mark.django_db
def test_add_document_from_saved_html_uses_page_metadata(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    call_command("add_document", str(path), stdout=io.StringIO())
    document = Document.objects.get()
    assert "Las autoridades de México" in document.text
    assert "Inicio" not in document.text
    assert document.language == "es"
    assert document.published_on.isoformat() == "2025-01-03"
    assert "Sismo en Guerrero" in document.title or "Dos muertos" in document.title


@pytest.mark.django_db
def test_add_document_names_a_registered_publisher(tmp_path):
    source = Source.objects.create(name="Agencia EFE", short_name="EFE", kind="news_agency")
    path = tmp_path / "a.txt"
    path.write_text("Al menos 12 personas han muerto, informaron fuentes oficiales.\n")
    call_command("add_document", str(path), "--publisher", "efe", "--language", "es",
                 "--title", "Kabul", stdout=io.StringIO())
    document = Document.objects.get()
    assert document.publisher == source and document.title == "Kabul"
    with pytest.raises(CommandError, match="names no registered source"):
        call_command("add_document", str(path), "--publisher", "nobody", stdout=io.StringIO())


@pytest.mark.django_db
def test_add_document_from_a_local_http_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = HTML.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/sismo"
    try:
        call_command("add_document", url, stdout=io.StringIO())
    finally:
        thread.join(5)
        server.server_close()
    document = Document.objects.get()
    assert document.url == url and document.retrieved_at is not None
    assert "doce heridos" in document.text


@pytest.mark.django_db
def test_propose_claims_resolves_registered_aliases(tmp_path):
    sohr = Source.objects.create(
        name="Syrian Observatory for Human Rights", short_name="SOHR", kind="monitor"
    )
    sohr.aliases.create(alias="the London-based agency")
    out = io.StringIO()
    call_command("propose_claims", str(SEED_TEXT), "--language", "en",
                 "--published-on", "2020-06-01", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    required = {"quote", "start", "end", "originator", "originator_text", "relays",
                "figures", "statement", "kind"}
    assert rows and all(required <= row.keys() for row in rows)
    text = SEED_TEXT.read_text(encoding="utf-8")
    assert all(text[r["start"] : r["end"]] == r["quote"] for r in rows)
    agency = next(r for r in rows if r["quote"].startswith("The London-based agency"))
    assert agency["originator"] == sohr.public_id
    keys = {"metric", "subject", "qualifier", "value", "value_high", "low", "high",
            "date", "date_precision", "period_start", "as_of"}
    assert all(keys <= f.keys() for r in rows for f in r["figures"])


def test_propose_claims_without_a_migrated_database(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "propose_claims", str(SEED_TEXT), "--language", "en"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) > 10
    assert all(row["originator"] is None for row in rows)
    assert any(row["originator_text"] == "The London-based agency" for row in rows)
    assert all(row["suggested_events"] == [] and row["duplicates"] == [] for row in rows)


@pytest.mark.django_db
def test_propose_claims_suggests_the_event_and_the_claims_already_entered():
    call_command("load_seeds", verbosity=0)
    out = io.StringIO()
    call_command("propose_claims", str(SEED_TEXT), "--language", "en",
                 "--published-on", "2020-06-01", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    places = [e["place"] for e in rows[0]["suggested_events"]]
    assert "Al-Mazare, Badiya al-Mayadeen, Deir Ezzor, Syria" in places
    eight = next(r for r in rows if "at least eight soldiers" in r["quote"])
    # The seed stored this very text: its claim citing the passage is found.
    assert "sohr-al-mazare-eight-soldiers" in {d["id"] for d in eight["duplicates"]}
