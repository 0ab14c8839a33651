"""The Spanish catalog is complete and compiled, and every string for people
is marked for translation.

The compiled ``django.mo`` is committed beside ``django.po`` (so the site
runs without GNU gettext); these tests fail when one moves without the
other, when a marked string has no Spanish, and when a template has words
outside ``{% translate %}``. Update with ``make messages``.
"""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
# The admin scripts' strings (gettext() in registry/static/registry/*.js),
# served by the registry's JavaScriptCatalog at /i18n/registry.js.
JS_PO = PO.with_name("djangojs.po")


def _catalog(path: Path = PO):
    with path.open("rb") as handle:
        return read_po(handle)


def _key(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{message.context}\x04{msgid}" if message.context else msgid


def test_spanish_catalog_is_complete_and_well_formed():
    catalog = _catalog()
    assert catalog.locale and str(catalog.locale) == "es"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert not untranslated, f"no Spanish yet for: {untranslated}"
    assert not fuzzy, f"fuzzy (check and unmark): {fuzzy}"
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)}"
    # xgettext keeps a Python "\u201c" escape as written: such a msgid never
    # matches the string at run time (write the character itself).
    escaped = [m.id for m in catalog if m.id and re.search(r"\\u[0-9a-fA-F]{4}", str(m.id))]
    assert not escaped, f"write these characters, not \\u escapes: {escaped}"
    # Placeholders (%(name)s) the same in English and Spanish.
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert not problems, problems
    assert len(catalog) > 150


def test_javascript_catalog_is_complete_and_well_formed():
    catalog = _catalog(JS_PO)
    assert catalog.locale and str(catalog.locale) == "es"
    assert catalog.plural_forms == "nplurals=2; plural=(n != 1);"
    missing = [
        m.id
        for m in catalog
        if m.id
        and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))
    ]
    assert not missing, f"no Spanish yet (or fuzzy) for: {missing}"
    assert not catalog.obsolete, f"obsolete entries: {list(catalog.obsolete)}"
    problems = [(m.id, errors) for m, errors in catalog.check() if errors]
    assert not problems, problems
    assert len(catalog) > 5


@pytest.mark.parametrize("po", [PO, JS_PO], ids=["django", "djangojs"])
def test_compiled_catalog_matches_the_po_file(po):
    """Each .mo says exactly what its .po says (compile with
    ``make messages`` after editing the .po)."""
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)
    expected = {}
    for message in _catalog(po):
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            for index, text in enumerate(message.string):
                expected[(_key(message), index)] = text
        else:
            expected[_key(message)] = message.string
    compiled.pop("", None)  # the header
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, (
        f"django.mo is out of step with django.po for {sorted(map(str, stale))[:10]}: "
        "run make messages"
    )


def test_django_serves_the_spanish_catalog():
    from django.utils import translation

    with translation.override("es"):
        assert translation.gettext("Latest published claims") == (
            "Últimas afirmaciones publicadas"
        )
        assert translation.pgettext("claim", "Retracted") == "Retirada"
        assert translation.ngettext(
            "%(shown)s published claim", "%(shown)s published claims", 2
        ) % {"shown": 2} == "2 afirmaciones publicadas"


@pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="needs GNU gettext (xgettext, msgmerge): apt-get install gettext",
)
def test_makemessages_finds_nothing_new_to_translate(tmp_path):
    """Extract every marked string again (Django's makemessages, in a copy of
    the project): the Spanish catalog already has each one, translated."""
    for name in ("registry", "factcheck", "templates", "locale"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "PYTHONPATH": str(tmp_path),
        "DEBUG": "1",
        "DATA_DIR": str(tmp_path / "var"),
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("DATABASE_REPLICA_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES, "--domain=djangojs"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    for domain in ("django", "djangojs"):
        fresh = _catalog(tmp_path / "locale" / "es" / "LC_MESSAGES" / f"{domain}.po")
        new = [m.id for m in fresh if m.id and (m.fuzzy or not all(
            m.string if isinstance(m.string, tuple) else (m.string,)
        ))]
        assert not new, (
            f"{domain}: marked but not translated (run make messages, then translate): {new}"
        )
        gone = [m.id for m in fresh.obsolete.values()]
        assert not gone, f"{domain}: no longer in the code (run make messages): {gone}"


# What `make messages` runs (the Makefile's target says the same).
MAKEMESSAGES = [
    "makemessages",
    "--locale=es",
    "--no-location",
    "--ignore=.venv/*",
    "--ignore=var/*",
    "--ignore=tests/*",
    "--ignore=bench/*",
    "--ignore=seeds/*",
    "--ignore=docs/*",
]

# Templates whose words are not marked yet, each with the reason.
NOT_YET_MARKED: set[str] = set()
# Words that read the same in both languages (names of formats and
# standards).
SAME_IN_BOTH = {"API", "JSON", "ClaimReview", "Atom"}
# Attributes people read or hear.
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder", "label"}


class _Words(HTMLParser):
    """The words of a page's text and of its read attributes, outside
    <script> and <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES or (
                name == "value" and dict(attrs).get("type") in ("submit", "button")
            ):
                self._take(value or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._take(data)

    def _take(self, text):
        text = text.replace("\x00", " ")
        self.words += [
            w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w not in SAME_IN_BOTH
        ]


def _template_words(source: str) -> list[str]:
    """Words a template writes itself: its text outside tags, variables,
    comments and {% comment %} blocks. A {% translate %} or
    {% blocktranslate %} is a tag, so its words are not counted. The admin's
    {% block bodyclass %} holds CSS class names, not words."""
    parts, in_comment, in_block_translate, in_bodyclass = [], False, False, False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            in_comment = {"comment": True, "endcomment": False}.get(name, in_comment)
            if bits[:2] == ["block", "bodyclass"]:
                in_bodyclass = True
            elif name == "endblock":
                in_bodyclass = False
            in_block_translate = {
                "blocktranslate": True,
                "blocktrans": True,
                "endblocktranslate": False,
                "endblocktrans": False,
            }.get(name, in_block_translate)
            parts.append("\x00")
        elif token.token_type == TokenType.TEXT and not (
            in_comment or in_block_translate or in_bodyclass
        ):
            parts.append(token.contents)
        else:
            parts.append("\x00")
    parser = _Words()
    parser.feed("".join(parts))
    parser.close()
    return parser.words


def _templates():
    for folder in (ROOT / "registry" / "templates", ROOT / "templates"):
        for path in sorted(folder.rglob("*.html")):
            yield path.relative_to(folder).as_posix(), path


def test_every_template_word_is_marked_for_translation():
    unmarked = {}
    for name, path in _templates():
        if name in NOT_YET_MARKED:
            continue
        words = _template_words(path.read_text(encoding="utf-8"))
        if words:
            unmarked[name] = words
    assert not unmarked, f"words outside {{% translate %}}: {unmarked}"


def test_the_unmarked_words_check_can_fail():
    assert _template_words('<p>Hello {% translate "world" %}</p>') == ["Hello"]
    assert _template_words('<a aria-label="Next page" href="{{ x }}">→</a>') == [
        "Next",
        "page",
    ]
    assert _template_words("{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}") == []
    assert _template_words("{% comment %}Notes{% endcomment %}<b>{{ x }}</b>") == []
    assert _template_words(
        "{% block bodyclass %}app-{{ x }} change-form{% endblock %}<p>Hi</p>"
    ) == ["Hi"]
