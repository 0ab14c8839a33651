"""The registry's shared vocabulary of what figures count, in English and
Spanish: one canonical metric for "killed", "dead", "deaths", "muertos"...,
so that one quantity is never split by wording, and a small hierarchy of
subjects (people > civilians > children) with their aliases.

Metrics are a closed list: a figure's metric must be one of ``METRICS`` or
an alias of one, and is stored canonical. Subjects stay free text (a figure
may count "Syrian Arab Army soldiers"), but a subject that is an alias of a
vocabulary term is stored as that term, so "civiles" and "civilians" are one
quantity.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    code: str
    label: str
    kind: str  # "quantity" or "date"
    aliases: tuple[str, ...] = ()


# The words that name each metric in reporting, in English and Spanish, as
# the figure parser reads them; each is also an alias a stored figure's
# metric may be given in.
METRIC_WORDS: dict[str, list[str]] = {
    "killed": [
        "killed",
        "dead",
        "deaths",
        "death",
        "died",
        "dies",
        "die",
        "perished",
        "fatalities",
        "fatality",
        "bodies",
        "body",
        "deceased",
        "martyrs",
        "martyred",
        "executed",
        "slain",
        "lives",
        "corpses",
        "muertos",
        "muertas",
        "muerto",
        "muerta",
        "muertes",
        "fallecidos",
        "fallecidas",
        "fallecido",
        "fallecida",
        "fallecieron",
        "murieron",
        "murió",
        "perecieron",
        "mueren",
        "muere",
        "fallecen",
        "fallece",
        "falleció",
        "cuerpos",
        "decesos",
        "fatalidades",
        "cadáveres",
        "asesinados",
        "asesinadas",
        "beheaded",
        "massacred",
        "decapitados",
        "decapitadas",
        "ultimados",
        "ultimadas",
        "masacrados",
        "masacradas",
        "calcinados",
        "calcinadas",
        "mártires",
        "perdieron la vida",
        "perdido la vida",
        "víctimas mortales",
        "víctimas fatales",
        "sin vida",
    ],
    "injured": [
        "injured",
        "wounded",
        "hurt",
        "injuries",
        "injury",
        "heridos",
        "heridas",
        "herido",
        "herida",
        "lesionados",
        "lesionadas",
    ],
    "missing": [
        "missing",
        "unaccounted for",
        "unaccounted-for",
        "desaparecidos",
        "desaparecidas",
        "desaparecido",
        "desaparecida",
        "desaparecieron",
        "desaparecen",
        "desapareció",
        "no localizados",
        "no localizadas",
        "no localizado",
        "no localizada",
        "en paradero desconocido",
    ],
    "affected": [
        "affected",
        "homeless",
        "damnificados",
        "damnificadas",
        "afectados",
        "afectadas",
    ],
    "displaced": [
        "displaced",
        "refugees",
        "fled",
        "desplazados",
        "desplazadas",
        "refugiados",
        "huyeron",
    ],
    "evacuated": ["evacuated", "evacuees", "evacuados", "evacuadas"],
    "detained": [
        "detained",
        "arrested",
        "taken into custody",
        "in custody",
        "detenidos",
        "detenidas",
        "detenido",
        "detenida",
        "arrestados",
        "arrestadas",
        "arrestado",
        "arrestada",
        "aprehendidos",
        "aprehendidas",
    ],
    "kidnapped": [
        "kidnapped",
        "abducted",
        "secuestrados",
        "secuestradas",
        "secuestrado",
        "secuestrada",
    ],
    "casualties": ["casualties"],
}

_EXTRA_ALIASES = {
    "killed": ["death toll", "lives lost", "killings", "fallecimientos"],
    "injured": ["heridas"],
    "detained": ["captured", "taken prisoner", "capturados"],
}
_LABELS = {"casualties": "casualties (killed and injured)"}

METRICS: tuple[Term, ...] = (
    *(
        Term(
            code,
            _LABELS.get(code, code),
            "quantity",
            tuple(dict.fromkeys([*words, *_EXTRA_ALIASES.get(code, [])])),
        )
        for code, words in METRIC_WORDS.items()
        if code != "kidnapped"
    ),
    # Listed here, after the others, so the stored choices keep their order.
    Term("kidnapped", "kidnapped", "quantity", tuple(METRIC_WORDS["kidnapped"][1:])),
    Term(
        "to_be_repatriated",
        "to be repatriated",
        "quantity",
        ("awaiting repatriation", "por repatriar"),
    ),
    Term("attacks", "attacks", "quantity", ("ataques",)),
    Term("died_on", "died on", "date", ("date of death", "fecha de muerte")),
    Term("occurred_on", "occurred on", "date", ("happened on", "ocurrió el")),
    Term("photographed_on", "photographed on", "date", ("fotografiado el",)),
    Term("stated_on", "stated on", "date", ("said on", "declarado el")),
)

# Who is counted: the words for each subject, most specific first (the
# parser picks the first that matches: "civilian women" are women).
SUBJECT_WORDS: dict[str, list[str]] = {
    "children": [
        "children",
        "child",
        "schoolchildren",
        "schoolgirls",
        "schoolboys",
        "kids",
        "minors",
        "minor",
        "boys",
        "boy",
        "girls",
        "girl",
        "niños",
        "niñas",
        "niño",
        "niña",
        "menores",
        "menor",
        "infantes",
    ],
    "women": ["women", "woman", "mujeres", "mujer"],
    "men": ["men", "man", "hombres", "hombre", "varones", "varón"],
    "police": [
        "police officers",
        "policemen",
        "policeman",
        "policewoman",
        "police",
        "policías",
        "policía",
        "agentes policiales",
        "agentes de policía",
        "agentes de la policía",
    ],
    "soldiers": [
        "soldiers",
        "soldier",
        "troops",
        "marines",
        "service members",
        "servicemen",
        "troopers",
        "suboficiales",
        "suboficial",
        "soldados",
        "soldado",
        "militares",
        "efectivos",
    ],
    "fighters": [
        "fighters",
        "fighter",
        "militants",
        "militant",
        "rebels",
        "insurgents",
        "jihadists",
        "militiamen",
        "combatants",
        "gunmen",
        "combatientes",
        "combatiente",
        "milicianos",
        "guerrilleros",
        "rebeldes",
        "yihadistas",
        "insurgentes",
        "terrorists",
        "terroristas",
        "taliban",
        "paramilitaries",
        "paramilitary",
        "paramilitares",
        "subversivos",
        "subversivo",
        "rebelde",
        "rebel",
    ],
    "civilians": [
        "civilians",
        "civilian",
        "citizens",
        "citizen",
        "civiles",
        "civil",
    ],
    "people": [
        "people",
        "persons",
        "person",
        "individuals",
        "individual",
        "personas",
        "persona",
        "individuos",
        "adults",
        "adult",
        "adultos",
        "adultas",
    ],
}

# Each subject's whole: a part larger than its whole is an inconsistency.
SUBJECT_PARENTS: dict[str, str | None] = {
    "children": "civilians",
    "women": "civilians",
    "men": "people",
    "police": "people",
    "soldiers": "people",
    "fighters": "people",
    "civilians": "people",
    "people": None,
}
_SUBJECT_ALIASES = {
    "soldiers": ["government forces", "security forces", "fuerzas de seguridad"],
    "fighters": ["armed groups", "grupos armados"],
}
SUBJECTS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = tuple(
    (code, SUBJECT_PARENTS[code], (*words, *_SUBJECT_ALIASES.get(code, [])))
    for code, words in SUBJECT_WORDS.items()
)


def normalise(text: str) -> str:
    return " ".join((text or "").split()).casefold()


_METRIC_INDEX = {
    normalise(alias): term
    for term in METRICS
    for alias in (term.code, term.label, *term.aliases)
}
_SUBJECT_INDEX = {
    normalise(alias): code
    for code, _parent, aliases in SUBJECTS
    for alias in (code, *aliases)
}


class UnknownTerm(ValueError):
    """A metric the vocabulary does not know; the message lists the known ones."""


def metric_term(text: str) -> Term:
    """The vocabulary term a metric (or one of its aliases) names."""
    term = _METRIC_INDEX.get(normalise(text))
    if term is None:
        known = ", ".join(t.code for t in METRICS)
        raise UnknownTerm(f"unknown metric {text!r}; known metrics: {known}")
    return term


def canonical_metric(text: str) -> str:
    return metric_term(text).code


def canonical_subject(text: str) -> str:
    """A subject as stored: the vocabulary term it names, else as written
    (spaces folded)."""
    return _SUBJECT_INDEX.get(normalise(text), " ".join((text or "").split()))


def subject_ancestors(code: str) -> list[str]:
    """The wholes a vocabulary subject is part of, nearest first."""
    found, parent = [], SUBJECT_PARENTS.get(code)
    while parent is not None and parent not in found:
        found.append(parent)
        parent = SUBJECT_PARENTS.get(parent)
    return found


def subject_descendants(code: str) -> list[str]:
    """The parts of a vocabulary subject, at any depth."""
    found = []
    for child, parent, _aliases in SUBJECTS:
        if parent == code:
            found += [child, *subject_descendants(child)]
    return found


def is_term(subject: str) -> bool:
    return normalise(subject) in _SUBJECT_INDEX


METRIC_CHOICES = [(t.code, t.label) for t in METRICS]


def common_whole(codes) -> str | None:
    """The nearest vocabulary subject every one of ``codes`` is a part of
    (civilians and soldiers: people; women and children: civilians), or
    None when they share none."""
    chains = [subject_ancestors(code) for code in codes]
    if not chains or not all(chains):
        return None
    shared = set(chains[0]).intersection(*chains[1:])
    return next((code for code in chains[0] if code in shared), None)
