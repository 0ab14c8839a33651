"""Evaluation of the claim proposer against hand-annotated articles.

`make eval` runs ``python -m tests.proposer_eval``. Articles and their
annotations are in tests/data/proposer/ (see annotations.yaml for the rules).
Scores, micro-averaged over articles:
- figures: (originator, metric, value) triples, sets per article; a proposed
  figure counts only when it has a metric (counts of missiles or aftershocks
  are proposed but not annotated);
- attributions: the set of originators other than the publisher per article.
An originator the proposer did not resolve to a registered source is matched
by its words against the aliases the annotation gives for that article.

``--unseen DIR`` scores the batch annotated in unseen_not_stored.yaml, whose
texts are not stored in the repository: DIR holds them under the annotated
file names, and each must have the annotated SHA-256.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from registry.proposer import KnownSource, propose
from registry.proposer.attribution import normalise

DATA = Path(__file__).resolve().parent / "data" / "proposer"
SEED_FILE = "seed_000_9be6a3769637ba68.txt"
SEED_REGISTRY = Path(__file__).resolve().parent.parent / "seeds" / "registry.yaml"
PUBLISHER = "publisher"


@dataclass
class Article:
    name: str
    text: str
    language: str
    published_on: dt.date | None
    published_precision: str
    figures: set
    attributions: set
    local_sources: dict = field(default_factory=dict)
    held_out: bool = False


def registered_sources() -> list[KnownSource]:
    data = yaml.safe_load((DATA / "sources.yaml").read_text(encoding="utf-8"))
    return [KnownSource(key, aliases[0], aliases=list(aliases)) for key, aliases in data.items()]


def _seed_article() -> Article:
    records = yaml.safe_load(SEED_REGISTRY.read_text(encoding="utf-8"))
    names = {r["id"]: r for r in records if r["type"] == "source"}
    alias_to_id = {}
    for key, record in names.items():
        for alias in [record["name"], record.get("short_name"), *record.get("aliases", [])]:
            if alias:
                alias_to_id[normalise(alias)] = key
    figures, attributions = set(), set()
    in_article = {"daesh-shadow-looms-over-syria", "caption-afp-malikiyah",
                  "caption-baghouz-civilians", "caption-idil-patrol"}
    for record in records:
        if record["type"] != "claim":
            continue
        cites = [c for c in record.get("citations", []) if c["document"] in in_article]
        if not cites:
            continue
        origin = cites[0]["originator"]
        origin = origin if origin in names else alias_to_id[normalise(origin)]
        origin = PUBLISHER if origin == "seed-article-publisher" else origin
        if origin != PUBLISHER:
            attributions.add(origin)
        for figure in record.get("figures", []):
            if figure.get("kind") == "date":
                continue
            figures.add((origin, figure["metric"], figure["value"]))
    return Article(
        "seed", (DATA / "articles" / SEED_FILE).read_text(encoding="utf-8"), "en",
        dt.date(2020, 6, 1), "month", figures, attributions,
    )


def load_articles() -> list[Article]:
    articles = [_seed_article()]
    for entry in yaml.safe_load((DATA / "annotations.yaml").read_text(encoding="utf-8")):
        published = entry.get("published_on")
        articles.append(
            Article(
                entry["file"],
                (DATA / "articles" / entry["file"]).read_text(encoding="utf-8"),
                entry["language"],
                published,
                "day",
                {(o, m, v) for o, m, v, *_ in entry["figures"]},
                set(entry.get("attributions", [])),
                entry.get("sources") or {},
                bool(entry.get("held_out")),
            )
        )
    return articles


def load_unseen(directory: Path, annotations: Path = DATA / "unseen_not_stored.yaml"):
    """The unseen batch, from texts kept outside the repository."""
    articles = []
    for entry in yaml.safe_load(annotations.read_text(encoding="utf-8")):
        path = Path(directory) / entry["file"]
        if not path.exists():
            raise SystemExit(f"{path}: missing (the excerpt of {entry['url']})")
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{path}: not the annotated excerpt (SHA-256 differs)")
        articles.append(
            Article(
                entry["file"], raw.decode("utf-8"), entry["language"], entry.get("published_on"),
                "day", {(o, m, v) for o, m, v, *_ in entry["figures"]},
                set(entry.get("attributions", [])), entry.get("sources") or {}, True,
            )
        )
    return articles


def _originator_key(proposal, article: Article) -> str:
    if proposal.inferred == "publisher":
        return PUBLISHER
    if proposal.originator:
        return proposal.originator
    words = normalise(proposal.refers_to or proposal.originator_text)
    for key, aliases in article.local_sources.items():
        for alias in aliases:
            if normalise(alias) == words:
                return key
    for key, aliases in article.local_sources.items():
        for alias in aliases:
            a = normalise(alias)
            if a and (a in words or words in a):
                return key
    return "new:" + words


def score_article(article: Article, sources: list[KnownSource]):
    proposals = propose(
        article.text, article.language, article.published_on, sources,
        KnownSource(PUBLISHER, "Publisher"), article.published_precision,
    )
    figures, attributions = set(), set()
    for p in proposals:
        key = _originator_key(p, article)
        if key != PUBLISHER:
            attributions.add(key)
        for f in p.figures:
            if f["kind"] == "quantity" and f["metric"]:
                figures.add((key, f["metric"], f["value"]))
    return figures, attributions


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, found: set, gold: set):
        self.tp += len(found & gold)
        self.fp += len(found - gold)
        self.fn += len(gold - found)

    @property
    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(articles=None, verbose=False):
    articles = articles if articles is not None else load_articles()
    sources = registered_sources()
    groups = {"seed": ("seed",), "tuned": ("tuned",), "held out": ("held",)}
    tallies = {g: (Tally(), Tally()) for g in groups}
    for article in articles:
        group = "seed" if article.name == "seed" else "held out" if article.held_out else "tuned"
        found_figures, found_attr = score_article(article, sources)
        tallies[group][0].add(found_figures, article.figures)
        tallies[group][1].add(found_attr, article.attributions)
        if verbose and not article.held_out:  # held-out errors stay unseen
            missed = article.figures - found_figures
            extra = found_figures - article.figures
            if missed or extra or found_attr ^ article.attributions:
                print(f"## {article.name}", file=sys.stderr)
                for item in sorted(missed, key=str):
                    print(f"   missed {item}", file=sys.stderr)
                for item in sorted(extra, key=str):
                    print(f"   extra  {item}", file=sys.stderr)
                if found_attr ^ article.attributions:
                    print(f"   attributions missed {sorted(article.attributions - found_attr)} "
                          f"extra {sorted(found_attr - article.attributions)}", file=sys.stderr)
    started = time.process_time()
    rounds = 5
    for _ in range(rounds):
        for article in articles:
            score_article(article, sources)
    elapsed = time.process_time() - started
    speed = rounds * len(articles) / elapsed if elapsed else float("inf")
    return tallies, speed


def combined(tallies, names):
    out = (Tally(), Tally())
    for name in names:
        for i in (0, 1):
            out[i].tp += tallies[name][i].tp
            out[i].fp += tallies[name][i].fp
            out[i].fn += tallies[name][i].fn
    return out


def _print_misses(article: Article, sources) -> None:
    found_figures, found_attr = score_article(article, sources)
    print(f"## {article.name}")
    for item in sorted(article.figures - found_figures, key=str):
        print(f"   missed {item}")
    for item in sorted(found_figures - article.figures, key=str):
        print(f"   extra  {item}")
    if found_attr ^ article.attributions:
        print(f"   attributions missed {sorted(article.attributions - found_attr)} "
              f"extra {sorted(found_attr - article.attributions)}")


def main_unseen(directory: str, verbose: bool) -> int:
    articles = load_unseen(Path(directory))
    sources = registered_sources()
    figures, attributions = Tally(), Tally()
    for article in articles:
        found_figures, found_attr = score_article(article, sources)
        figures.add(found_figures, article.figures)
        attributions.add(found_attr, article.attributions)
        if verbose:
            _print_misses(article, sources)
    print(f"unseen batch: {len(articles)} articles, {sum(len(a.figures) for a in articles)}"
          " distinct annotated figures")
    print(f"figures P {figures.precision:.1%} R {figures.recall:.1%} "
          f"({figures.tp} of {figures.tp + figures.fn}, {figures.fp} extra); "
          f"attributions P {attributions.precision:.1%} R {attributions.recall:.1%} "
          f"({attributions.tp} of {attributions.tp + attributions.fn}, {attributions.fp} extra)")
    return 0


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    if "--unseen" in argv:
        return main_unseen(argv[argv.index("--unseen") + 1], "-v" in argv)
    articles = load_articles()
    tallies, speed = evaluate(articles, verbose="-v" in argv)
    tallies["all"] = combined(tallies, ["seed", "tuned", "held out"])
    counts = {
        "seed": 1,
        "tuned": sum(1 for a in articles if a.name != "seed" and not a.held_out),
        "held out": sum(1 for a in articles if a.held_out),
        "all": len(articles),
    }
    print(f"{'set':10} {'articles':>8}  {'figures P':>9} {'figures R':>9}  {'attrib P':>8} {'attrib R':>8}")
    for name in ("seed", "tuned", "held out", "all"):
        if not counts[name]:
            continue
        fig, att = tallies[name]
        print(f"{name:10} {counts[name]:>8}  {fig.precision:>9.1%} {fig.recall:>9.1%}  "
              f"{att.precision:>8.1%} {att.recall:>8.1%}")
    print(f"speed: {speed:.1f} articles/s on one core (CPU time)")
    return 0


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    django.setup()
    sys.exit(main())
