"""Protocol benchmark over a catalogue of a million records: SRU searchRetrieve of 20 MARCXML
records beside the same search through the OPAC's service, and a full OAI-PMH harvest by
sickle against a real server, with the server's memory sampled as it goes.

    # a million records with their items and index, imported as a library would (kept in DIR)
    .venv/bin/python bench/import_marc.py -n 1000000 --keep /tmp/bench-interop
    .venv/bin/python bench/interop.py --db sqlite:////tmp/bench-interop/bench.sqlite3 sru
    .venv/bin/python bench/interop.py --db sqlite:////tmp/bench-interop/bench.sqlite3 oai [--port 8765]
    .venv/bin/python bench/interop.py --db sqlite:////tmp/bench-interop/bench.sqlite3 oai-pages

`sru` sends the search benchmark's 200 queries in five languages (bench/search_bench.py) as
CQL (`cql.serverChoice all "…"`) to /sru through Django's request handling in this process,
asking for 20 MARCXML records from the first, then the next twenty, alternating with the OPAC's
ranked search of the same words (the floor: what any answer must cost), and prints p50/p95 of
both and their ratio.

`oai` starts gunicorn (one worker, as a small library would run it) on the database, harvests
every record with sickle's ListRecords (marc21, following resumption tokens), and prints
records per second and the server's resident memory at the start, the peak and the end.

`oai-pages` is the server's side of that alone, in this process through Django's request
handling: the CPU a record of ListRecords pages (marc21) after a resumption token, and how
much of it is reading the page from the database and writing the records' MARCXML; best of
`--repeat` runs of `--pages` pages each, starting `--skip` pages in.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _setup(url: str) -> None:
    os.environ["BIBLIOHUB_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()


def sru(repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from lxml import etree
    from search_bench import Generator

    from bibliohub.catalog.models import Record
    from bibliohub.search.service import search
    from bibliohub.search.types import SearchQuery

    queries = [text for _kind, text in Generator(1).queries(200)]
    client = Client(HTTP_HOST="localhost")
    ns = {"srw": "http://www.loc.gov/zing/srw/"}

    def over_sru(text: str, start: int) -> int:
        cql = 'cql.serverChoice all "' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        response = client.get(
            "/sru",
            {
                "operation": "searchRetrieve",
                "version": "1.2",
                "query": cql,
                "startRecord": start,
                "maximumRecords": 20,
                "recordSchema": "marcxml",
            },
        )
        assert response.status_code == 200, response.status_code
        tree = etree.fromstring(response.content)
        diagnostics = tree.findall(".//srw:diagnostics", ns)
        # 61: a second page asked of a query with fewer than 21 records.
        assert not diagnostics or b"diagnostic/1/61<" in response.content, response.content[:500]
        return len(tree.findall(".//srw:record", ns))

    def over_search(text: str, start: int) -> int:
        return len(
            search(SearchQuery(text=text, offset=start - 1, limit=20, with_facets=False)).hits
        )

    for text in queries:  # warm the caches once
        over_sru(text, 1)
        over_search(text, 1)
    times: dict[str, list[float]] = {"sru": [], "search": []}
    returned = 0
    for _ in range(repeat):
        for start in (1, 21):
            for text in queries:
                t0 = time.perf_counter()
                returned += over_sru(text, start)
                t1 = time.perf_counter()
                over_search(text, start)
                t2 = time.perf_counter()
                times["sru"].append((t1 - t0) * 1000)
                times["search"].append((t2 - t1) * 1000)
    load = os.getloadavg()[0]
    print(
        f"{connection.vendor}, {Record.objects.count():,} records, {len(queries)} queries × 2 pages × {repeat}, "
        f"{returned:,} MARCXML records returned, load {load:.1f}"
    )
    print("| request | median ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for name, label in (
        ("sru", "SRU searchRetrieve, 20 MARCXML records"),
        ("search", "OPAC search service, top 20 ids"),
    ):
        values = times[name]
        print(
            f"| {label} | {statistics.median(values):.1f} | {_percentile(values, 95):.1f} | {max(values):.1f} |"
        )
    print(
        f"p95 ratio SRU ÷ search: {_percentile(times['sru'], 95) / _percentile(times['search'], 95):.2f}"
    )


def _rss_kb(pid: int) -> int:
    total = 0
    for child in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its children (gunicorn's worker)."""
    total = 0.0
    for child in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _children(pid: int) -> list[int]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    return [int(c) for c in found]


def oai(url: str, port: int) -> None:
    from sickle import Sickle

    env = dict(os.environ, BIBLIOHUB_DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bibliohub.settings")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "bibliohub.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    samples: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append(_rss_kb(server.pid))
            stop.wait(1.0)

    try:
        endpoint = f"http://127.0.0.1:{port}/oai"
        for _ in range(100):
            try:
                Sickle(endpoint).Identify()
                break
            except Exception:
                time.sleep(0.2)
        started_rss = _rss_kb(server.pid)
        server_cpu = _cpu_seconds(server.pid)
        client_cpu = time.process_time()
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        harvester = Sickle(endpoint, max_retries=3, timeout=120)
        started = time.perf_counter()
        count = 0
        identifiers: set[str] = set()
        for record in harvester.ListRecords(metadataPrefix="marc21", ignore_deleted=False):
            count += 1
            identifiers.add(record.header.identifier)
            if count % 100_000 == 0:
                elapsed = time.perf_counter() - started
                print(
                    f"  {count:,} records, {count / elapsed:,.0f}/s, server RSS {_rss_kb(server.pid) / 1024:.0f} MB",
                    file=sys.stderr,
                    flush=True,
                )
        seconds = time.perf_counter() - started
        server_cpu = _cpu_seconds(server.pid) - server_cpu
        client_cpu = time.process_time() - client_cpu
        stop.set()
        sampler.join()
        ended_rss = _rss_kb(server.pid)
        load = os.getloadavg()[0]
        print(
            f"| OAI-PMH ListRecords marc21, sickle, gunicorn 1 worker | {count:,} records "
            f"({len(identifiers):,} distinct) in {seconds:.0f} s | {count / seconds:,.0f} records/s | "
            f"server RSS start {started_rss / 1024:.0f} MB, peak {max(samples) / 1024:.0f} MB, "
            f"end {ended_rss / 1024:.0f} MB | CPU a record: server {server_cpu / count * 1e6:.0f} µs, "
            f"sickle {client_cpu / count * 1e6:.0f} µs | load {load:.1f} |"
        )
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def oai_pages(pages: int, repeat: int, skip: int) -> None:
    import re

    from django.test import Client

    from bibliohub.interop import records
    from bibliohub.interop.oaipmh import repository

    client = Client()
    found = re.compile(rb"<resumptionToken[^>]*>([^<]+)<")

    def get(**params: str) -> str:
        response = client.get("/oai", {"verb": "ListRecords", **params}, HTTP_HOST="localhost")
        return found.search(response.content).group(1).decode()

    token = get(metadataPrefix="marc21")
    for _ in range(skip):
        token = get(resumptionToken=token)
    best: tuple[float, float, float] | None = None
    for _ in range(repeat):
        tokens, started = [], time.process_time()
        for _ in range(pages):
            tokens.append(token)
            token = get(resumptionToken=token)
        whole = time.process_time() - started
        started = time.process_time()
        read = [repository.page(repository.window_of(t, verb="ListRecords"), with_records=True)[0] for t in tokens]
        reading = time.process_time() - started
        started = time.process_time()
        count = 0
        # The code before 8 December 2026 had only the element (for runs side by side).
        write = getattr(records, "marcxml_text", records.marcxml)
        for entries in read:
            for entry in entries:
                write(entry.record)
                count += 1
        writing = time.process_time() - started
        run = (whole / count * 1e6, reading / count * 1e6, writing / count * 1e6)
        if best is None or run[0] < best[0]:
            best = run
    assert best is not None
    print(
        f"| OAI-PMH ListRecords marc21 in process, {pages} pages, {count} records | CPU a record: "
        f"{best[0]:.0f} µs, of which reading the page {best[1]:.0f} µs, the MARCXML {best[2]:.0f} µs |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sru")
    s.add_argument("--repeat", type=int, default=1)
    o = sub.add_parser("oai")
    o.add_argument("--port", type=int, default=8765)
    p = sub.add_parser("oai-pages")
    p.add_argument("--pages", type=int, default=5)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip", type=int, default=3)
    args = parser.parse_args()
    if args.command == "sru":
        _setup(args.db)
        sru(args.repeat)
    elif args.command == "oai-pages":
        _setup(args.db)
        oai_pages(args.pages, args.repeat, args.skip)
    else:
        oai(args.db, args.port)


if __name__ == "__main__":
    main()
