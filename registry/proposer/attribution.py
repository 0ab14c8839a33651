"""Who a sentence says made its statement, and through whom it came.

Patterns, English and Spanish: "X said (that) ...", "..., X said on Monday.",
"according to X", "según X", "..., informó X.", "X told AFP", "informaron a
Efe X", "X cited Y as saying", "X, citing Y", "..., X reported, quoting Y",
"Así lo advirtió X" (the statement before), "Citing X, Y said". The words
found are resolved through the registry's aliases; descriptions ("the
ministry", "la ONG", "he") through the sources the article named before.

An originator the text does not name ("a military source", "local
activists", "medical sources", "fuentes militares", "testigos") is kept as
its description (``attributed_to``), never resolved to a registered
source, even one with such an alias: the citation scopes it, and the named
source it came through ("told AFP", "citing ...") is its relay.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field

_EN_VERBS = (
    r"said|says|say|told|tells|reported|reports|report|announced|announces|stated|states|"
    r"added|adds|noted|notes|confirmed|confirms|warned|warns|stressed|estimated|estimates|"
    r"recorded|records|documented|documents|claimed|claims|explained|insisted|revealed|"
    r"indicated|declared|believes?|believed|suspects?|suspected|condemned|called|put the figure|"
    r"put the toll|put the death toll|cited|quoted|saw|witnessed|counted|confirmed|"
    r"acknowledged|admitted|lamented|reiterated|emphasi[sz]ed|highlighted|specified|"
    r"disclosed|asserted|maintained|mentioned|tweeted|posted|wrote"
)
_ES_VERBS = (
    r"dijo|dijeron|informó|informaron|informa|informan|indicó|indicaron|indica|señaló|"
    r"señalaron|afirmó|afirmaron|aseguró|aseguraron|explicó|declaró|declararon|detalló|"
    r"precisó|denunció|destacó|anunció|anunciaron|confirmó|confirmaron|reportó|reportaron|"
    r"advirtió|agregó|añadió|estimó|estima|registró|documentó|contabilizó|apuntó|subrayó|"
    r"vieron|constataron|dio cuenta de|dieron cuenta de|habían dado cuenta de|había dado cuenta de|"
    r"ha confirmado|han confirmado|ha informado|han informado|ha detallado|ha señalado|"
    r"han señalado|ha asegurado|ha indicado|han indicado|ha precisado|ha explicado|ha denunciado|"
    r"ha advertido|ha registrado|ha documentado|citó|citaron|cifró|cifraron|ha cifrado|"
    r"han cifrado|rebajó|rebajaron|ha rebajado|elevó|elevaron|ha elevado|han elevado|"
    r"dicen|dice|"
    r"lamentó|lamentaron|reconoció|reconocieron|admitió|sostuvo|manifestó|expresó|"
    r"comunicó|comunicaron|notificó|reveló|aclaró|reiteró|enfatizó|insistió|puntualizó|"
    r"remarcó|mencionó|refirió|calculó|calcularon|"
    r"ha reportado|han reportado|ha contabilizado|publicó|escribió|tuiteó"
)
_AUX = r"(?:(?:has|have|had|also|earlier|previously|now|later|ha|han|también)\s+)*"
VERBS = {"en": _EN_VERBS, "es": _ES_VERBS}
_VERB_RE = {
    lang: re.compile(rf"(?<![\w-]){_AUX}(?P<verb>{v})(?![\w-])", re.I) for lang, v in VERBS.items()
}
_TIME = (
    r"(?:\s+(?:on\s+|this\s+|last\s+|late\s+|early\s+)?(?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|today|yesterday|tonight|earlier|later|in a statement|in a separate statement|"
    r"on \w+ \d+|este \w+|el \w+ pasado|hoy|ayer|esta \w+|en un comunicado|en rueda de prensa"
    r"|(?:night|morning|afternoon|evening)))*"
)
_ACCORDING = re.compile(
    r"(?:\baccording to|\bsegún|\bde acuerdo (?:con|a)|\bconforme a|\ba decir de|\bciting|\bcitando(?: a)?)"
    r"\s+(?P<who>[^,.;:()“”\"]+?)(?=\s*(?:[,.;:()“”\"]|$))",
    re.I,
)
_QUOTED_AS = re.compile(
    r"(?P<relay>[A-Z][^,.;]{1,80}?)\s+(?:cited|quoted)\s+(?P<who>[^,.;]+?)\s+as\s+(?:saying|stating)",
)
_AGENCIES = r"Efe|EFE|AFP|Reuters|AP|Europa Press|Xinhua|Anadolu|CNN|Sputnik|DPA|dpa|ANSA|Prensa Latina"
_TOLD = re.compile(
    r"\b(?:told|said to|confirmed to|sent to)\s+(?:the\s+)?"
    r"(?P<relay>[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})(?=[\s,.;]|$)"
    r"|\b(?:a|a la|al)\s+(?:agencia\s+(?:de noticias\s+)?)?(?P<relay_es>" + _AGENCIES + r")\b",
)
# "Citing activists inside the town, the watchdog said ...": the one cited
# made the statement, the one citing relays it.
_CITING_LEAD = re.compile(
    r"^\s*(?:citing|citando(?: a)?)\s+(?P<who>[^,]+),\s*(?P<rest>.+)$", re.I | re.S
)
# "X told Reuters." at the end of a sentence: the addressee after the verb.
_ADDRESSEE = re.compile(
    r"^\s+(?:(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3}"
    r"|reporters|journalists|the (?:media|press)|(?:local|state) (?:media|television|TV))"
)
# "fuentes policiales citadas por la agencia Efe", "officials quoted by
# Reuters", "el alcalde a la agencia Efe": the speaker, then the relay.
_CITED_BY = re.compile(
    r"^(?P<who>.+?)\s+(?:citad[oa]s?|cited|quoted|consultad[oa]s?)\s+(?:por|by)\s+(?P<relay>.+)$"
    r"|^(?P<who2>.+?)\s+(?:a|a la|al|to)\s+(?:(?:la\s+)?agencia\s+(?:de noticias\s+)?)?"
    r"(?P<relay2>" + _AGENCIES + r")$",
    re.I,
)
# "..., citing police." / "X, quoting a military source, said ...": the
# one cited made the statement; the one citing relays it.
_CITING_TAIL = re.compile(r",\s*(?:citing|quoting|citando a|citando)\s+(?P<who>[^,;]+)$", re.I)
# "X warned ..., reports CNN": an outlet that carries the statement at the
# sentence's end.
_REPORTS_TAIL = re.compile(
    r",\s*(?:reports|reported|according to|informa|según)\s+"
    r"(?P<relay>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*){0,3})$"
)
_CITING_INSIDE = re.compile(
    r"^(?P<relay>[^,]{2,80}),\s*(?:citing|quoting|citando a|citando)\s+(?P<who>[^,]+),\s*"
    r"(?:" + _EN_VERBS + "|" + _ES_VERBS + r")\b",
    re.I,
)
# After a verb of saying: an addressee and what was said ("told Anadolu that
# the toll ...", "told reporters the ..."), not the speaker of an inverted
# "..., said X."
_TOLD_THAT = re.compile(r"^\s*(?:[\w.'’-]+\s+){1,4}?(?:that|the|a|an)\s", re.I)
_SO_SAID = re.compile(r"^\s*(?:Así lo|So)\s+(?:" + _ES_VERBS + r"|said|reported)\s+(?P<who>.+)$", re.I)

_LEAD = re.compile(
    r"^(?:(?:since|on|in|at|after|following|meanwhile|however|earlier|later|citing|desde|en|"
    r"el pasado|por su parte|asimismo|además|sin embargo|mientras tanto|tras|hasta ahora|"
    r"por otro lado|this|last|on that day)\b[^,]*,(?:\s*\d{4},)?\s*)+",
    re.I,
)
_STRIP_LEAD_WORDS = re.compile(
    r"^(?:(?:(?:the|a|an)\s+)?(?:(?:latest|new|last|updated|official|final|preliminary)\s+)?"
    r"(?:reports?|data|figures|statement|statements|tally|count|toll|death toll|figure)\s+"
    r"(?:from|by|of)\s+"
    r"|(?:(?:un|una|el|la|los|las)\s+)?(?:(?:último|última|nuevo|nueva|primer|primera|"
    r"más reciente)\s+)?(?:comunicado|datos|balance|informe|cifras|recuento)\s+"
    r"(?:del|de la|de los|de las|de)\s+)",
    re.I,
)
_TRAILING = re.compile(
    r"\s+(?:in a (?:separate |brief )?statement|in a news conference|at a news conference|"
    r"en (?:la |una |un )?(?:rueda|conferencia|comunicado|mensajes?|su cuenta).*|who\s.*|"
    r"que\s.*|,?\s*aunque\s.*|desde\s.*|on\s+\w+day.*|en\s+\w+.*)$",
    re.I,
)
_DETERMINER = re.compile(r"^(?:the|a|an|el|la|los|las|un|una|este|esta|ese|esa|this|that|its)\s+", re.I)
_GENERIC = re.compile(
    r"^(?:the|this|that|el|la|los|las|este|esta|ese|esa|dicho|dicha)\s+"
    r"(?:(?:[\w.-]+\s+){0,2})(?:ministry|ministerio|agency|agencia|organi[sz]ation|organización|"
    r"group|grupo|ong|ngo|monitor|observatory|observatorio|official|officials|funcionario|"
    r"funcionaria|spokesman|spokeswoman|portavoz|vocero|statement|comunicado|department|"
    r"office|oficina|body|organismo|institución|entidad)$"
    r"|^(?:he|she|they|it|él|ella|ellos)$",
    re.I,
)
_PARENTHESISED = re.compile(r"(?P<name>[^()]+?)\s*\((?P<short>[^()]+)\)")
_SINGULAR_PRONOUN = re.compile(r"^(?:he|she|él|ella)$", re.I)
_NOT_SUBJECT = re.compile(
    r"\b(?:were|was|is|are|been|being|killed|died|fueron|murieron|fue|es|son|resultaron|"
    r"han muerto|han|had|have|has)\b",
    re.I,
)


@dataclass
class KnownSource:
    id: str
    name: str
    kind: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class Attribution:
    originator_text: str
    originator: KnownSource | None = None
    relays: list[dict] = field(default_factory=list)
    verb: str = ""
    # "", "anaphora", "carried over", "so said", "quotation continues"
    inferred: str = ""
    refers_to: str = ""  # the words of the source a description refers to
    attributed_to: str = ""  # an unnamed originator's description


def normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold().strip(" .,'\"“”")


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w+", normalise(text)) if len(w) > 3]


class AliasIndex:
    """Aliases to sources: whole-text matches, and matches inside a phrase
    ("Palamu Superintendent of Police Reeshma Ramesan").

    Lookups go through dictionaries (aliases, their words), not one pattern
    of every alias: a registry of 100,000 sources builds its index in well
    under a second, where compiling that pattern took minutes."""

    def __init__(self, sources: list[KnownSource]):
        self.by_key: dict[str, KnownSource] = {}
        for source in sources:
            for alias in [source.name, *source.aliases]:
                if alias:
                    self.by_key.setdefault(normalise(alias), source)
        # Longest alias, in words: how far a match inside a text can reach.
        self._longest = max((k.count(" ") + 1 for k in self.by_key), default=0)
        self._by_word: dict[str, dict[str, KnownSource]] = defaultdict(dict)
        for key, source in self.by_key.items():
            for word in key.split():
                self._by_word[word][source.id] = source
        # The word a name is called by on its own: its first ("the
        # Observatorio" for "Observatorio Sirio ..."), not one inside it
        # ("Media" in "... de la Media Luna Roja").
        self._by_head: dict[str, dict[str, KnownSource]] = defaultdict(dict)
        for key, source in self.by_key.items():
            head = normalise(_DETERMINER.sub("", key)).split()
            if head:
                self._by_head[head[0]][source.id] = source
        self._content: dict[str, list[tuple[frozenset, KnownSource]]] = defaultdict(list)
        for key, source in self.by_key.items():
            words = frozenset(_content_words(key))
            if len(words) >= 2:
                for word in words:
                    self._content[word].append((words, source))

    def exact(self, text: str) -> KnownSource | None:
        key = normalise(text)
        hit = self.by_key.get(key)
        if hit is None:
            hit = self.by_key.get(normalise(_DETERMINER.sub("", text)))
        return hit

    def containing(self, word: str) -> KnownSource | None:
        """The one source some alias of which has this word, and begins with
        it ("Observatorio")."""
        word = normalise(word)
        if len(word) < 4:
            return None
        hits = self._by_word.get(word, {})
        if len(hits) != 1:
            return None
        heads = self._by_head.get(word, {})
        return next(iter(heads.values())) if len(heads) == 1 else None

    def covering(self, text: str) -> KnownSource | None:
        """The one source an alias of two or more content words of which the
        words cover, whatever the small words between them ("Observatorio
        Sirio por los Derechos Humanos": "... de Derechos Humanos")."""
        words = set(_content_words(text))
        best: dict[str, KnownSource] = {}
        size = 0
        for word in words:
            for alias_words, source in self._content.get(word, ()):
                if len(alias_words) >= size and alias_words <= words:
                    if len(alias_words) > size:
                        best, size = {}, len(alias_words)
                    best[source.id] = source
        return next(iter(best.values())) if len(best) == 1 else None

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        """Aliases inside a text, left to right, the longest at each place,
        each whole words: (start, end, alias) in the normalised text."""
        norm = normalise(text)
        starts = [m.start() for m in _WORD_START.finditer(norm)]
        ends = [m.end() for m in _WORD_END.finditer(norm)]
        found, after = [], 0
        for start in starts:
            if start < after:
                continue
            first = bisect.bisect_right(ends, start)
            best = None
            for end in ends[first : first + self._longest + 8]:
                if norm[start:end] in self.by_key:
                    best = end
            if best is not None:
                found.append((start, best, norm[start:best]))
                after = best
        return found

    def mentions(self, text: str) -> list[KnownSource]:
        """Every registered source a text names: its aliases, and a
        capitalised word after an article, ending its phrase, that only one
        source's aliases hold ("los datos del Observatorio.")."""
        found = [self.by_key[key] for _, _, key in self._matches(text)]
        for m in _NAMED_AFTER_ARTICLE.finditer(text):
            source = self.containing(m.group(1))
            if source is not None:
                found.append(source)
        return found

    def inside(self, text: str) -> KnownSource | None:
        matches = self._matches(text)
        if not matches:
            return None
        _, _, key = max(matches, key=lambda m: (m[1], len(m[2])))
        return self.by_key[key]


# Where an alias may begin and end inside a text: at a word's edges.
_WORD_START = re.compile(r"(?<!\w)\S")
_WORD_END = re.compile(r"\S(?!\w)")
_ADJECTIVAL = re.compile(
    r"(?:^|\s)(?:the|a|an|its|their|his|her|el|la|los|las|un|una|su|sus)\s+$", re.I
)
# What may follow "..., X said Monday" besides the time: a participle clause
# (", warning that ...") or where it was said ("in a press release ...").
_SAID_TAIL = re.compile(
    r"(?:,\s*(?:warning|adding|noting|saying|stressing|explaining|citing|speaking|after|as|while|"
    r"amid|following|because|since)\b.*"
    r"|\s+in (?:a|an|its|their) [\w\s-]{0,40}?(?:release|statement|report|briefing|"
    r"conference|post|interview)\b.*)$",
    re.I,
)
_NAMED_AFTER_ARTICLE = re.compile(
    r"\b(?:the|el|la|del|los|las|al)\s+([A-ZÁÉÍÓÚÑ][\w-]{3,})(?=\s*(?:[.,;:)]|$))"
)
# A description that names no one in particular: it stands for the
# organisation the article names, wherever that is.
_ORGANISATION_WORD = re.compile(
    r"(?:the|this|that|el|la|esta|este|dicha|dicho)\s+(?:organi[sz]ation|organización|"
    r"ong|ngo|group|grupo|monitor|observatory|observatorio)|it",
    re.I,
)
_RELATIVE_SPEAKER = re.compile(r",\s*which\s+(?P<who>[^,]+?)\s*$", re.I)
_DATELINE = re.compile(r"^[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ .'-]+,[^()]{0,40}\([^)]{1,30}\)\s*[—–-]+\s*")


def _clean_subject(text: str) -> str:
    relative = _RELATIVE_SPEAKER.search(text)
    if relative:
        # "The explosion, which fire officials suspect (was caused ...)":
        # the speaker is inside the relative clause; "SOHR, which monitors
        # the war, said" closes its clause with a comma and keeps SOHR.
        return _clean_subject(relative.group("who"))
    text = _DATELINE.sub("", text.strip())
    text = text.strip(" ,\"'“”‘’«»—–-")
    text = _LEAD.sub("", text)
    text = re.sub(r"^(?:but|and|yet|pero|y|mientras que)\s+", "", text, flags=re.I)
    text = _STRIP_LEAD_WORDS.sub("", text)
    text = _TRAILING.sub("", text)
    # Apposition: "the governor, Enrique Alfaro" -> the name; "Rami Abdel
    # Rahman, director of SOHR" -> the name.
    parts = [p.strip() for p in re.split(r",\s*", text) if p.strip()]
    if len(parts) > 1:
        first, second = parts[0], parts[1]
        first_descriptive = bool(_DETERMINER.match(first)) or first[:1].islower()
        if first_descriptive and second[:1].isupper() and not _DETERMINER.match(second):
            text = second
        else:
            text = first
    text = re.sub(r"^(?:reportedly|also)\s+", "", text, flags=re.I)
    text = re.sub(r"\s+(?:also|earlier|previously|now|later|también)$", "", text, flags=re.I)
    return text.strip(" ,\"'“”‘’«»—–-")


def _relays(sentence: str, speaker_end: int) -> list[str]:
    out = []
    for m in _TOLD.finditer(sentence):
        relay = m.group("relay") or m.group("relay_es")
        relay = re.sub(r"^la\s+", "", relay)
        if relay.lower() in {"the", "a", "an"}:
            continue
        out.append(relay)
    return out


def _saying_verb(text: str, lang: str):
    """The first verb of saying, not a participle used as an adjective
    ("the confirmed number", "los reportados")."""
    for m in _VERB_RE[lang].finditer(text):
        if not _ADJECTIVAL.search(text[: m.start()]):
            return m
    return None


# A sentence that opens with a negation ("No ha precisado si ...") names no
# speaker: the subject is the one before.
_NEGATION = re.compile(r"^(?:no|not|never|nunca|tampoco|ni)$", re.I)


def _start_subject(text: str, lang: str) -> Attribution | None:
    m = _saying_verb(text, lang)
    if not m or m.start() == 0:
        return None
    subject = text[: m.start()]
    cleaned = _clean_subject(subject)
    if (
        cleaned
        and not _NEGATION.match(cleaned)
        and len(cleaned.split()) <= 14
        and not _NOT_SUBJECT.search(_LEAD.sub("", subject))
        and not re.search(r"\d", cleaned)
        and m.group("verb").lower() not in {"cited", "citó"}
        and not re.search(r"[\"“”«»]|''|\bsegún\b|\baccording\b", subject, re.I)
    ):
        return Attribution(cleaned, relays=[{"text": r} for r in _relays(text, 0)],
                           verb=m.group("verb").lower())
    return None


def find_attribution(sentence: str, lang: str) -> Attribution | None:
    """The speaker named in one sentence, before resolution, and the relays
    the sentence names between the speaker and the article."""
    text = sentence.rstrip(" .")
    citing = _CITING_LEAD.match(text)
    # Only an unnamed one cited is the originator: an agency "citing its
    # correspondent" speaks for itself.
    if citing and _is_unnamed(_clean_subject(citing.group("who"))):
        inner = find_attribution(citing.group("rest"), lang)
        if inner is not None and not inner.relays:
            return Attribution(
                _clean_subject(citing.group("who")),
                relays=[{"text": inner.originator_text}],
                verb=inner.verb,
            )
    inside = _CITING_INSIDE.match(text)
    if inside:
        return Attribution(
            _clean_subject(inside.group("who")),
            relays=[{"text": _clean_subject(inside.group("relay"))}],
            verb=inside.group(0).split()[-1].lower(),
        )
    found = _find_attribution(text, lang)
    if found is None:
        return None
    cited = _CITED_BY.match(found.originator_text)
    if cited:
        who = _clean_subject(cited.group("who") or cited.group("who2"))
        relay = _clean_subject(cited.group("relay") or cited.group("relay2"))
        if who:
            found.originator_text = who
            if all(normalise(r["text"]) != normalise(relay) for r in found.relays):
                found.relays.insert(0, {"text": relay})
    carried = _REPORTS_TAIL.search(text)
    if carried and normalise(carried.group("relay")) not in (
        normalise(found.originator_text), *(normalise(r["text"]) for r in found.relays)
    ):
        found.relays.append({"text": carried.group("relay")})  # "..., reports CNN."
    tail = _CITING_TAIL.search(text)
    origin = _clean_subject(tail.group("who")) if tail else ""
    if (
        origin
        and normalise(origin) != normalise(found.originator_text)
        and not any(normalise(r["text"]) == normalise(origin) for r in found.relays)
    ):
        found.relays.insert(0, {"text": found.originator_text})
        found.originator_text = origin
    return found


def _find_attribution(text: str, lang: str) -> Attribution | None:
    m = _QUOTED_AS.search(text)
    if m:
        return Attribution(
            _clean_subject(m.group("who")),
            relays=[{"text": _clean_subject(m.group("relay"))}],
            verb="quoted as saying",
        )
    so = _SO_SAID.match(text)
    if so:
        who = _clean_subject(re.split(r",\s*(?:que|which|who)\b", so.group("who"))[0])
        return Attribution(who, verb="so said", inferred="so said")
    relays = [{"text": r} for r in _relays(text, 0)]
    if lang == "es":
        first = _VERB_RE[lang].search(text)
        if first and len(text[: first.start()].split()) <= 16:
            start = _start_subject(text, lang)
            if start is not None:
                start.relays = relays
                return start
    # "..., X said on Monday." / "..., informó X."
    for verb_m in reversed(list(_VERB_RE[lang].finditer(text))):
        verb = verb_m.group("verb").lower()
        before = text[: verb_m.start()]
        after = text[verb_m.end():]
        comma = max(before.rfind(","), before.rfind("”"), before.rfind('"'), before.rfind("''"))
        tail = _SAID_TAIL.sub("", after)
        if verb == "told":
            tail = _ADDRESSEE.sub("", tail, count=1)
        if lang == "en" and comma >= 0 and re.fullmatch(_TIME + r"\s*", tail, re.I):
            subject = before[comma + 1 :]
            if 0 < len(subject.split()) <= 14 and not _NOT_SUBJECT.search(subject):
                inner = _start_subject(before[:comma], lang)
                if inner is not None:
                    inner.relays = [{"text": _clean_subject(subject)}, *relays]
                    return inner
                return Attribution(_clean_subject(subject), relays=relays, verb=verb)
        if lang == "en" and comma >= 0 and re.match(r"\s*,\s*(?:quoting|citing)\s", after, re.I):
            subject = before[comma + 1 :]
            origin = re.sub(r"^\s*,\s*(?:quoting|citing)\s+", "", after)
            return Attribution(
                _clean_subject(origin), relays=[{"text": _clean_subject(subject)}, *relays], verb=verb
            )
        if (lang == "es" and comma >= 0 and before[comma + 1 :].strip() == "") or (
            lang == "es" and re.search(r"(?:,|”|\")\s*(?:según\s+)?$", before)
        ) or (lang == "en" and re.search(r"(?:,|”|\"|'')\s*$", before) and verb in {"said", "says", "added", "told"}):
            # Inverted: ", informó X." / "”, said X."
            rest = after
            if verb == "told" and _TOLD_THAT.match(rest):
                continue  # "X, the undersecretary, told Anadolu that ...": X first
            rest = re.sub(r"^\s*(?:a|a la|al|to)\s+(?:Efe|EFE|AFP|Reuters|AP|Xinhua|Anadolu|CNN|Europa Press)\b", "", rest)
            rest = re.sub(r"^" + _TIME, "", rest, flags=re.I)
            rest = re.sub(r"^\s*en\s+[^,]*?(?=\s(?:el|la|los|las)\s)", "", rest)
            who = re.split(r",\s*(?:citando|citing|quoting|y agregó|aunque|que|and)\b", rest)[0]
            origin = re.search(
                r"(?:citando|citing|quoting|que cita|que citó|que citaba)\s+(?:al?\s+)?(.+)$",
                rest,
            )
            who = _clean_subject(who)
            # English puts only a name after "..., said" ("said Rami Abdel
            # Rahman"), never a clause ("..., said U.S. helicopters attacked").
            if lang == "en" and len(who.split()) > 6:
                continue
            # ", said 12 people were killed" after an apposition is no
            # inverted speaker: the subject comes first.
            if who and len(who.split()) <= 14 and not (
                _NOT_SUBJECT.search(who) or re.search(r"\d", who)
            ):
                if origin:
                    inner = _clean_subject(re.sub(r"^(?:un comunicado|a statement)\s+(?:del?|from|by)\s+", "", origin.group(1)))
                    return Attribution(inner, relays=[{"text": who}, *relays], verb=verb)
                return Attribution(who, relays=relays, verb=verb)
    # "X said (that) ..." near the start.
    m = _VERB_RE[lang].search(text)
    if m and m.start() > 0:
        subject = text[: m.start()]
        cleaned = _clean_subject(subject)
        if (
            cleaned
            and not _NEGATION.match(cleaned)
            and len(cleaned.split()) <= 14
            and not _NOT_SUBJECT.search(_LEAD.sub("", subject))
            and not re.search(r"\d", cleaned)
        ):
            verb = m.group("verb").lower()
            if verb in {"cited", "citó"}:
                return None
            return Attribution(cleaned, relays=relays, verb=verb)
    m = _ACCORDING.search(text)
    if m:
        who = re.sub(r"^(?:informó|informaron|dijo|dijeron|indicó|reports? from|the data of|los datos del?|datos del?)\s+", "", m.group("who"), flags=re.I)
        return Attribution(_clean_subject(who), relays=relays, verb=m.group(0).split()[0].lower())
    return None


def resolve(
    attribution: Attribution,
    index: AliasIndex,
    history: list[Attribution],
    mentions: tuple[list[KnownSource], list[KnownSource]] = ([], []),
) -> Attribution:
    """Resolve the words to a known source: the alias itself; else a
    description of a source named before; else an alias inside the words;
    else a description of a registered source the article names elsewhere
    (``mentions``: those named before this sentence, nearest last, and
    those named after it, nearest first)."""
    text = attribution.originator_text
    description = unnamed_description(text, index)
    if description:
        attribution.originator = None
        attribution.attributed_to = description
        return _resolve_relays(attribution, index)
    words = _description_words(text)
    if _is_unnamed(words) and _named_within(words, index) is not None:
        attribution.originator = _named_within(words, index)
        return _resolve_relays(attribution, index)
    hit = index.exact(text)
    named = _PARENTHESISED.fullmatch(text)
    if hit is None and named:
        # "the UN Office for the Coordination of Humanitarian Affairs (OCHA)":
        # the name or its abbreviation, before any reading as a description.
        hit = index.exact(named.group("name")) or index.exact(named.group("short"))
        text = named.group("name")
    described = (hit is None and _GENERIC.match(text)) or (
        hit is None and _DETERMINER.match(text) and not index.exact(text)
    )
    if described:
        previous = _antecedent(text, history)
        if previous is not None:
            attribution.originator = previous.originator
            attribution.inferred = attribution.inferred or "anaphora"
            if previous.originator is None:
                attribution.refers_to = previous.refers_to or previous.originator_text
                attribution.attributed_to = previous.attributed_to
            return _resolve_relays(attribution, index)
    bare = _DETERMINER.sub("", text).split()
    last = bare[-1] if len(bare) == 1 else ""
    if hit is None and last[:1].isupper():
        hit = index.containing(last)
    if hit is None:
        hit = index.inside(text)
    if hit is None:
        hit = index.covering(text)
    if hit is None and described:
        hit = _mentioned(text, mentions)
        if hit is not None:
            attribution.inferred = attribution.inferred or "anaphora"
    attribution.originator = hit
    return _resolve_relays(attribution, index)


# Who says it without being named. English: modifiers, then the noun, then
# where they are ("a doctor at a hospital", "witnesses in Husseiniya");
# Spanish: the noun, then adjectives ("fuentes militares", "una fuente
# policial", "fuentes cercanas a la investigación").
_UNNAMED_EN = re.compile(
    r"^(?!(?:the|this|that|these|those|its|their|his|her|our)\b)"
    r"(?:(?:a|an|one|two|three|four|five|several|some|other|another|many)\s+)?"
    r"(?:[\w'-]+\s+(?:and\s+)?){0,3}?"
    r"(?:sources?|officials?|activists?|residents?|witness(?:es)?|eyewitness(?:es)?|"
    r"medics?|doctors?|paramedics?|rescuers?|villagers?|locals|relatives|survivors|"
    r"diplomats?|workers|protesters|demonstrators)"
    r"(?:\s+(?:in|at|on|from|inside|near|close to|familiar with|with|tending)\b.*)?$",
    re.I,
)
_UNNAMED_ES = re.compile(
    r"^(?:(?:un|una|unos|unas|otra|otro|otras|otros|varios|varias|dos|tres|"
    r"algunos|algunas)\s+)?"
    r"(?:fuentes?|activistas?|testigos?|vecinos|residentes|médicos?|socorristas|"
    r"lugareños|pobladores|habitantes|funcionarios?|familiares|sobrevivientes|"
    r"supervivientes|diplomáticos?|manifestantes|trabajadores)"
    r"(?:\s+(?!(?:de|del|en|a|al|con)\b)[a-záéíóúñü-]+){0,2}"
    r"(?:\s+(?:de|del|en|a|al|con)\s+.+)?$",
    re.I,
)


def _is_unnamed(words: str) -> bool:
    return bool(_UNNAMED_EN.match(words) or _UNNAMED_ES.match(words))


def unnamed_description(text: str, index: AliasIndex) -> str:
    """The description of an originator the text does not name ("a
    military source", "local activists", "fuentes médicas"), as written, or
    "" when the words are no such description or name a registered source
    ("SOHR activists"). An alias that is itself such a description (a
    source registered with the alias "activists") does not name it."""
    words = _description_words(text)
    if not words or not _is_unnamed(words):
        return ""
    if _named_within(words, index) is not None:
        return ""
    return words


def _named_within(words: str, index: AliasIndex) -> KnownSource | None:
    """The registered source a description's words name, passing over
    aliases that are themselves descriptions ("SOHR activists": SOHR)."""
    named = [key for _, _, key in index._matches(words) if not _is_unnamed(key)]
    return index.by_key[named[-1]] if named else None


def _description_words(text: str) -> str:
    words = re.sub(rf"{_TIME}$", "", text.strip(), flags=re.I)
    return re.sub(
        r"\s+(?:el|este|esta)\s+(?:lunes|martes|miércoles|jueves|viernes|sábado|domingo)$",
        "",
        words,
        flags=re.I,
    ).strip(" ,")


def _mentioned(
    text: str, mentions: tuple[list[KnownSource], list[KnownSource]]
) -> KnownSource | None:
    """The registered source a description stands for when no attribution
    before it gives one: the nearest one the article names before it whose
    names hold every word of it ("the ministry": "Gaza Health Ministry");
    a bare "the organisation" ("la ONG", "the
    monitor") takes the nearest one named before it, else the first after."""
    before, after = mentions
    words = {
        w for w in re.findall(r"\w+", normalise(_DETERMINER.sub("", text))) if len(w) > 3
    }
    for source in reversed(before):
        names = " ".join(normalise(n) for n in [source.name, *source.aliases])
        if words and words <= set(re.findall(r"\w+", names)):
            return source
    if _ORGANISATION_WORD.fullmatch(text.strip()):
        if before:
            return before[-1]
        if after:
            return after[0]
    return None


def _resolve_relays(attribution: Attribution, index: AliasIndex) -> Attribution:
    for relay in attribution.relays:
        source = index.exact(relay["text"]) or index.inside(relay["text"])
        relay["source"] = source
    return attribution


def _antecedent(text: str, history: list[Attribution]) -> Attribution | None:
    words = {w for w in re.findall(r"[\w.]+", normalise(_DETERMINER.sub("", text))) if len(w) > 1}
    generic = bool(_GENERIC.match(text))
    for previous in reversed(history):
        if previous.inferred == "carried over":
            continue
        prev_text = normalise(previous.originator_text)
        if previous.originator is not None:
            prev_text += " " + " ".join(normalise(a) for a in previous.originator.aliases)
            prev_text += " " + normalise(previous.originator.name)
        prev_words = set(re.findall(r"[\w.]+", prev_text))
        if _SINGULAR_PRONOUN.match(text):
            last = previous.originator_text.split()[-1] if previous.originator_text else ""
            if last.endswith("s") and last[:1].isupper() and len(previous.originator_text.split()) == 1:
                continue
            return previous
        if words & prev_words:
            return previous
    if generic and history and re.fullmatch(
        r"(?:the|this|that|el|la|esta|este)\s+(?:organi[sz]ation|organización|ong|ngo|group|grupo|"
        r"funcionario|funcionaria|official|monitor)|he|she|él|ella|they|ellos|ellas",
        text.strip(),
        re.I,
    ):
        for previous in reversed(history):
            if previous.inferred != "carried over":
                return previous
    return None
