"""Generate a synthetic registry in PostgreSQL, fast, with COPY.

    python -m bench.generate --claims 100000 --database-url postgres://.../fc_bench

The database is dropped, recreated and migrated, then filled with COPY
(psycopg ``cursor.copy``) in dependency order, with the search indexes
built after the load. Every invariant the models keep holds for the rows
written here too: quotes are verbatim at their offsets in their document's
text, figure intervals and quantity keys are derived as ``Figure.save``
derives them, published claims have a confidence and a publication time.

Shape, for N published claims: N/10 sources (popular ones cited more), N/10
documents, N/4 events; 1-3 citations (30% through a relay) and 1-3 figures
a claim; about 1.5% superseded by a correction and 0.5% retracted; 5% more
claims unpublished (drafts, in review, rejected). Figures about one
quantity mostly agree; about 4% state a value that cannot overlap, which
makes a conflict, recorded as ``registry_conflict`` rows. Documents are in
English or (one in five) Spanish.

Then the public projection (``PublicQuantity``, ``PublicClaim``,
``PublicFacet``) is filled by bench/project.py: the projection's own
computation, written with COPY, so it is exactly what
``manage.py rebuild_public`` would write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench.project import fill as fill_projection

ROOT = Path(__file__).resolve().parent.parent
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
METRICS = ["killed", "injured", "displaced", "detained", "missing"]
SUBJECTS = ["soldiers", "civilians", "fighters", "children", "police officers"]
PLACES = [
    "Al-Mazare",
    "Mayadeen",
    "Deir Ezzor",
    "Palmyra",
    "Raqqa",
    "Idlib",
    "Barisha",
    "al-Hol",
    "al-Malikiyah",
    "Hasakah",
    "Homs",
    "Aleppo",
    "Sukhnah",
    "Albu Kamal",
    "Qamishli",
    "Tabqa",
    "Manbij",
    "Hama",
    "Daraa",
    "Quneitra",
]
ACTORS = ["Daesh", "the SDF", "government forces", "unidentified gunmen"]
WORDS = {
    "killed": "were killed",
    "injured": "were injured",
    "displaced": "were displaced",
    "detained": "were detained",
    "missing": "went missing",
}
NOW = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def public_id(rng: random.Random) -> str:
    bits = rng.getrandbits(60)
    return "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(12))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def quantity_key(event_public_id: str, metric: str, subject: str) -> str:
    # As Figure.compute_quantity_key: kind, event's public id (not its row
    # id: keys survive an export and import), metric, subject, period.
    from registry.figures.vocabulary import canonical_subject

    subject = canonical_subject(subject).casefold()
    return text_hash(
        "\x1f".join(["quantity", event_public_id, metric, subject, "", ""])
    )


def interval(qualifier: str, value: int) -> tuple[int, int | None]:
    if qualifier == "exactly":
        return value, value
    if qualifier == "at_least":
        return value, None
    if qualifier == "about":
        spread = max(1, -(-value // 10))
        return max(0, value - spread), value + spread
    raise ValueError(qualifier)


SECONDARY_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relname LIKE 'registry_%' AND NOT i.indisprimary AND NOT i.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""

STATED = {"exactly": "{v}", "at_least": "at least {v}", "about": "about {v}"}


def recreate_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def generate(
    url: str,
    claims: int,
    seed: int = 1,
    projection_workers: int = 2,
    projection: bool = True,
) -> dict:
    rng = random.Random(seed)
    started = time.monotonic()
    recreate_database(url)
    n_sources = max(200, claims // 10)
    n_documents = max(100, claims // 10)
    n_events = max(50, claims // 4)
    hidden = claims // 20
    total_claims = claims + hidden
    counts: dict[str, int] = defaultdict(int)

    # Popular sources are cited far more often (a Pareto-like tail).
    def pick_source() -> int:
        return (
            min(n_sources, int(rng.paretovariate(1.2)))
            if rng.random() < 0.5
            else (rng.randint(1, n_sources))
        )

    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            # Load first, index after: secondary indexes are dropped and
            # rebuilt, and foreign-key triggers are off for this session
            # (the rows are consistent by construction).
            cur.execute(SECONDARY_INDEXES)
            saved = cur.fetchall()
            for name, _ in saved:
                cur.execute(f"DROP INDEX {name}")
            cur.execute("SET session_replication_role = replica")

            with cur.copy(
                "COPY registry_source (id, public_id, created_at, updated_at, name, "
                "short_name, kind, based_in, reliability, reliability_rationale, "
                "homepage, platform, handle) FROM STDIN"
            ) as copy:
                kinds = [
                    "monitor",
                    "news_outlet",
                    "news_agency",
                    "government",
                    "official",
                ]
                for i in range(1, n_sources + 1):
                    copy.write_row(
                        (
                            i,
                            public_id(rng),
                            NOW,
                            NOW,
                            f"Source {i}",
                            f"S{i}",
                            kinds[i % len(kinds)],
                            "",
                            "ABCDEF"[i % 6],
                            "Synthetic.",
                            "",
                            "",  # platform: not a social-media account
                            "",  # handle
                        )
                    )
            with cur.copy(
                "COPY registry_sourcealias (id, source_id, alias, key) FROM STDIN"
            ) as copy:
                for i in range(1, n_sources + 1):
                    copy.write_row((2 * i - 1, i, f"Source {i}", f"source {i}"))
                    copy.write_row((2 * i, i, f"S{i}", f"s{i}"))
            counts["sources"] = n_sources

            with cur.copy(
                "COPY registry_event (id, public_id, created_at, updated_at, title, "
                "description, date_earliest, date_latest, date_precision, place, "
                "place_precision) FROM STDIN"
            ) as copy:
                event_place = {}
                event_public = {}
                for i in range(1, n_events + 1):
                    place = PLACES[i % len(PLACES)]
                    event_place[i] = place
                    event_public[i] = public_id(rng)
                    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 1800))
                    copy.write_row(
                        (
                            i,
                            event_public[i],
                            NOW,
                            NOW,
                            f"{rng.choice(ACTORS)} attack near {place} ({i})",
                            "",
                            day,
                            day + dt.timedelta(days=rng.choice([0, 0, 2, 30])),
                            "day",
                            place,
                            "near",
                        )
                    )
            counts["events"] = n_events

            # Claims, citations, relays and figures are generated together;
            # documents get their text from the quotes that cite them.
            doc_quotes: dict[int, list[str]] = defaultdict(list)
            citations = []  # (id, claim, doc, originator, quote, index in doc)
            relays = []
            figures = []
            by_key: dict[str, list[tuple[int, int, int | None]]] = defaultdict(list)
            claim_rows = []
            truth: dict[tuple[int, str, str], int] = {}
            citation_id = figure_id = 0
            superseded = []
            for cid in range(1, total_claims + 1):
                event = rng.randint(1, n_events)
                place = event_place[event]
                is_hidden = cid > claims
                state = (
                    rng.choice(["draft", "in_review", "rejected"])
                    if is_hidden
                    else "approved"
                )
                r = rng.random()
                if not is_hidden and r < 0.015:
                    state = "superseded"
                elif not is_hidden and r < 0.02:
                    state = "retracted"
                published = NOW - dt.timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
                originators = []
                stated_parts = []
                for _ in range(rng.randint(1, 3)):
                    figure_id += 1
                    metric, subject = rng.choice(METRICS), rng.choice(SUBJECTS)
                    base = truth.setdefault(
                        (event, metric, subject), rng.randint(3, 400)
                    )
                    if rng.random() < 0.04:
                        qualifier, value = "exactly", base * 3 + 10
                    else:
                        qualifier = rng.choice(["exactly", "at_least", "about"])
                        value = (
                            base
                            if qualifier != "at_least"
                            else max(1, base - rng.randint(0, base // 3))
                        )
                    low, high = interval(qualifier, value)
                    key = quantity_key(event_public[event], metric, subject)
                    stated = STATED[qualifier].format(v=value)
                    figures.append(
                        (
                            figure_id,
                            "quantity",
                            metric,
                            subject,
                            stated,
                            qualifier,
                            value,
                            "people",
                            low,
                            high,
                            key,
                            cid,
                        )
                    )
                    if state not in ("draft", "in_review", "rejected"):
                        by_key[key].append((figure_id, low, high))
                    stated_parts.append(f"{stated} {subject} {WORDS[metric]}")
                statement = (
                    f"{rng.choice(ACTORS).capitalize()} attack near {place}: "
                    + "; ".join(stated_parts)
                    + "."
                )
                for _ in range(rng.randint(1, 3)):
                    citation_id += 1
                    originator = pick_source()
                    originators.append(originator)
                    doc = rng.randint(1, n_documents)
                    quote = f"Source {originator} said {stated_parts[0]} near {place} [{citation_id}]"
                    doc_quotes[doc].append(quote)
                    citations.append(
                        (
                            citation_id,
                            cid,
                            doc,
                            originator,
                            quote,
                            len(doc_quotes[doc]) - 1,
                        )
                    )
                    if rng.random() < 0.3:
                        relays.append((citation_id, pick_source()))
                if state == "superseded":
                    superseded.append(cid)
                public = state not in ("draft", "in_review", "rejected")
                claim_rows.append(
                    [
                        cid,
                        public_id(rng),
                        published,
                        published,
                        statement,
                        "casualty_figure",
                        rng.choice([1, 2, 2, 3, 3, 3, 4, 5, 6]),
                        "Synthetic rationale.",
                        state,
                        "Withdrawn: the figure could not be sourced."
                        if state == "retracted"
                        else "",
                        published if public else None,
                        None,
                        event,
                    ]
                )
            # Each superseded claim is corrected by a later approved one.
            approved = [row for row in claim_rows if row[8] == "approved"]
            for old, new in zip(
                superseded, rng.sample(approved, len(superseded)), strict=True
            ):
                new[11] = old
                new[2] = new[3] = new[10] = max(new[10], claim_rows[old - 1][10])

            with cur.copy(
                "COPY registry_claim (id, public_id, created_at, updated_at, statement, "
                "kind, confidence, confidence_rationale, state, public_note, "
                "published_at, corrects_id, event_id, proposer_version, "
                "in_open_conflict) FROM STDIN"
            ) as copy:
                for row in claim_rows:
                    # Recorded by hand; the conflict flag is set below.
                    copy.write_row([*row, "", False])
            counts["claims (published)"] = claims
            counts["claims (unpublished)"] = hidden
            with cur.copy(
                "COPY registry_claimtransition (claim_id, from_state, to_state, "
                "comment, created_at) FROM STDIN"
            ) as copy:
                for row in claim_rows:
                    if row[8] in ("superseded", "retracted"):
                        copy.write_row(
                            (row[0], "approved", row[8], "internal", row[10])
                        )

            with cur.copy(
                "COPY registry_document (id, public_id, created_at, updated_at, kind, "
                "title, url, archive_url, published_on, published_precision, language, "
                "text, content_hash, publisher_id) FROM STDIN"
            ) as copy:
                offsets: dict[int, list[int]] = {}
                for doc in range(1, n_documents + 1):
                    quotes = doc_quotes.get(doc, [f"Nothing quoted in {doc}"])
                    text, starts = "", []
                    for quote in quotes:
                        text += "Report. "
                        starts.append(len(text))
                        text += quote + ". "
                    offsets[doc] = starts
                    copy.write_row(
                        (
                            doc,
                            public_id(rng),
                            NOW,
                            NOW,
                            "article",
                            f"Report {doc} on {PLACES[doc % len(PLACES)]}",
                            f"https://news.example/{doc}",
                            "",
                            dt.date(2019, 1, 1) + dt.timedelta(days=doc % 1800),
                            "day",
                            "es" if doc % 5 == 0 else "en",
                            text,
                            text_hash(text),
                            pick_source(),
                        )
                    )
            counts["documents"] = n_documents

            with cur.copy(
                "COPY registry_citation (id, claim_id, document_id, originator_id, "
                'quote, start, "end", stance, attributed_to) FROM STDIN'
            ) as copy:
                for cit, claim, doc, originator, quote, index in citations:
                    start = offsets[doc][index]
                    copy.write_row(
                        (
                            cit,
                            claim,
                            doc,
                            originator,
                            quote,
                            start,
                            start + len(quote),
                            "asserts",
                            "",  # a named originator
                        )
                    )
            counts["citations"] = len(citations)
            with cur.copy(
                "COPY registry_citationrelay (citation_id, source_id, position) FROM STDIN"
            ) as copy:
                for cit, source in relays:
                    copy.write_row((cit, source, 1))
            counts["relays"] = len(relays)
            with cur.copy(
                "COPY registry_figure (id, kind, metric, subject, stated, qualifier, "
                "value, unit, low, high, quantity_key, claim_id, date_precision) "
                "FROM STDIN"
            ) as copy:
                for row in figures:
                    copy.write_row((*row, ""))
            counts["figures"] = len(figures)

            # A conflict wherever published figures about one quantity cannot
            # all hold at once (in one dimension: the highest low exceeds the
            # lowest high).
            conflict_id = link_id = 0
            with (
                cur.copy(
                    "COPY registry_conflict (id, public_id, created_at, updated_at, "
                    "quantity_key, kind, metric, subject, status, rationale, event_id) "
                    "FROM STDIN"
                ) as copy,
            ):
                links = []
                figure_rows = {row[0]: row for row in figures}
                for key, members in by_key.items():
                    if len(members) < 2:
                        continue
                    highest_low = max(low for _, low, _ in members)
                    highs = [high for _, _, high in members if high is not None]
                    if not highs or highest_low <= min(highs):
                        continue
                    conflict_id += 1
                    sample = figure_rows[members[0][0]]
                    event = claim_rows[sample[11] - 1][12]
                    copy.write_row(
                        (
                            conflict_id,
                            public_id(rng),
                            NOW,
                            NOW,
                            key,
                            "quantity",
                            sample[2],
                            sample[3],
                            "open",
                            "",
                            event,
                        )
                    )
                    for fid, _, _ in members:
                        link_id += 1
                        links.append((link_id, conflict_id, fid))
            with cur.copy(
                "COPY registry_conflict_figures (id, conflict_id, figure_id) FROM STDIN"
            ) as copy:
                for row in links:
                    copy.write_row(row)
            counts["conflicts"] = conflict_id
            # Claim.in_open_conflict, as conflict detection keeps it: the
            # claims with a figure in an (open) conflict.
            in_conflict = sorted({figure_rows[fid][11] for _, _, fid in links})
            cur.execute(
                "UPDATE registry_claim SET in_open_conflict = true "
                "WHERE id = ANY(%s)",
                [in_conflict],
            )
            counts["claims in an open conflict"] = len(in_conflict)

            for table in (
                "source",
                "sourcealias",
                "event",
                "claim",
                "document",
                "citation",
                "citationrelay",
                "figure",
                "conflict",
                "conflict_figures",
                "claimtransition",
            ):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('registry_{table}', 'id'), "
                    f"GREATEST((SELECT max(id) FROM registry_{table}), 1))"
                )
            # The search triggers are off in replica mode: fill the vectors
            # in one statement, as the triggers would have.
            # (registry_claim_search_vector() per row would need the claim_id
            # index, rebuilt only below: aggregate the quotes once instead.)
            cur.execute(
                """
                UPDATE registry_claim c SET search_vector =
                    setweight(to_tsvector('english', coalesce(c.statement, '')), 'A')
                    || setweight(to_tsvector('simple', coalesce(q.quotes, '')), 'B')
                FROM (SELECT claim_id, string_agg(quote, ' ' ORDER BY id) AS quotes
                      FROM registry_citation GROUP BY claim_id) q
                WHERE q.claim_id = c.id
                """
            )
            cur.execute("SET session_replication_role = DEFAULT")
            cur.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in saved:
                cur.execute(definition)
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    counts["base seconds"] = round(time.monotonic() - started, 1)
    if not projection:  # the admin benchmark reads the base tables only
        return dict(counts)
    # The public projection, computed by the projection's own code (too
    # slow row by row at this scale: bench/project.py writes it with COPY).
    counts.update(fill_projection(url, workers=projection_workers))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    counts["seconds"] = round(time.monotonic() - started, 1)
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, required=True)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_bench"
        ),
    )
    parser.add_argument(
        "--no-projection",
        action="store_true",
        help="base tables only (what the admin reads); the projection is slow",
    )
    args = parser.parse_args()
    print(generate(args.database_url, args.claims, projection=not args.no_projection))


if __name__ == "__main__":
    main()
