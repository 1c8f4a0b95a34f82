"""MARC import benchmark: generate N records with items in five languages as one ISO 2709 file
(bibliohub.demo.generate),
import them into a fresh SQLite database in a temporary directory, and report records per
second and peak memory.

    .venv/bin/python bench/import_marc.py                 # 1,000,000 records
    .venv/bin/python bench/import_marc.py -n 100000 --keep /tmp/bench-marc
    .venv/bin/python bench/import_marc.py -n 50000 --compare-decoders    # pymarc vs ours
    .venv/bin/python bench/import_marc.py -n 100000 --file /tmp/imp/100k.mrc --two-processes
        # generates the file once if it is missing, then imports it as it is every time
    .venv/bin/python bench/import_marc.py -n 100000 --file /tmp/imp/100k.mrc --unimarc
        # the same records as UNIMARC (written beside it as 100k.unimarc.mrc), items in 995

Prints a markdown table row: | records | seconds | records/s | items | peak RSS MB | file MB |
(peak RSS of the writing process; the reader process's own peak and the CPU seconds of both go
to stderr, since on a shared machine CPU seconds say more than wall-clock time).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BRANCHES = ("central", "riverside", "hill", "school")


def write_file(path: Path, count: int, seed: int) -> None:
    """N realistic records in five languages with 952 items, from the demo generator."""
    from bibliohub.demo.generate import iter_iso2709

    with open(path, "wb") as out:
        for chunk in iter_iso2709(count, seed=seed, branches=BRANCHES):
            out.write(chunk)


# MARC 21 field -> UNIMARC field and subfields, for the records the demo generator writes.
_TO_UNIMARC: dict[str, tuple[str, dict[str, str]]] = {
    "020": ("010", {"a": "a"}), "245": ("200", {"a": "a", "b": "e", "c": "f"}), "250": ("205", {"a": "a"}),
    "264": ("210", {"a": "a", "b": "c", "c": "d"}), "260": ("210", {"a": "a", "b": "c", "c": "d"}),
    "300": ("215", {"a": "a", "c": "d"}), "490": ("225", {"a": "a", "v": "v"}), "520": ("330", {"a": "a"}),
    "650": ("606", {"a": "a", "x": "x", "y": "z", "z": "y"}), "100": ("700", {"a": "a", "d": "f"}),
    "700": ("701", {"a": "a", "d": "f"}), "110": ("710", {"a": "a"}), "082": ("676", {"a": "a"}),
    "952": ("995", {"a": "b", "c": "e", "o": "k", "p": "f", "y": "r", "z": "u", "d": "5"}),
}


def write_unimarc(source: Path, path: Path) -> None:
    """The records of `source` (MARC 21) as UNIMARC in UTF-8 with the same content, their items
    in Koha's 995: what a UNIMARC library would send us."""
    from pymarc import Field, Indicators, Leader, Subfield

    from bibliohub.catalog.marc import iso2709
    from bibliohub.catalog.marc.reader import ReadRecord, read_records

    with open(source, "rb") as f, open(path, "wb") as out:
        for read in read_records(f):
            if not isinstance(read, ReadRecord):
                continue
            record = read.record
            fixed = record["008"].data if record["008"] else " " * 40
            year = fixed[7:11] if fixed[7:11].isdigit() else "    "
            fields = []
            for field in record.fields:
                if field.tag in ("001", "005"):
                    fields.append(field)
                elif field.tag == "008":
                    fields.append(Field(tag="100", indicators=Indicators(" ", " "),
                                        subfields=[Subfield("a", f"20240101d{year}    m  y0engy50      ba")]))
                    fields.append(Field(tag="101", indicators=Indicators("0", " "), subfields=[Subfield("a", fixed[35:38])]))
                elif field.tag in _TO_UNIMARC and not field.control_field:
                    tag, codes = _TO_UNIMARC[field.tag]
                    fields.append(Field(tag=tag, indicators=Indicators(" ", " "), subfields=[
                        Subfield(codes[s.code], s.value) for s in field.subfields if s.code in codes
                    ]))
            record.fields = fields
            record.leader = Leader("00000nam0 2200000   450 ")
            data = iso2709.encode(record)
            out.write(data[:9] + b" " + data[10:23] + b" " + data[24:])


def compare_decoders(path: Path, rounds: int = 3) -> None:
    """Records per second of pymarc's MARCReader and of our reader over the same file, side by
    side, best of `rounds` each (interleaved, so that noise from other work hits both)."""
    import pymarc

    from bibliohub.catalog.marc.reader import read_records

    best = {"pymarc.MARCReader": 0.0, "bibliohub reader": 0.0}
    for _round in range(rounds):
        for name in best:
            with open(path, "rb") as f:
                started = time.perf_counter()
                count = sum(1 for _r in (pymarc.MARCReader(f) if name.startswith("pymarc") else read_records(f)))
                best[name] = max(best[name], count / (time.perf_counter() - started))
    for name, rate in best.items():
        print(f"{name}: {rate:,.0f} records/s", file=sys.stderr)
    print(f"ratio: {best['bibliohub reader'] / best['pymarc.MARCReader']:.2f}x", file=sys.stderr)


def profile_reader(path: str) -> None:
    """Run the reading process under cProfile and write its statistics to `path` when it ends.
    The process is forked, so replacing its entry point here is enough."""
    import cProfile

    from bibliohub.catalog.marc import importer

    worker = importer._parse_worker

    def profiled(*args: object) -> None:
        profiler = cProfile.Profile()
        profiler.enable()
        try:
            worker(*args)
        finally:
            profiler.disable()
            profiler.dump_stats(path)

    importer._parse_worker = profiled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--keep", metavar="DIR", help="Work in DIR and keep it (default: a temporary directory).")
    parser.add_argument("--compare-decoders", action="store_true",
                        help="Only time pymarc's reader against ours on the generated file.")
    parser.add_argument("--one-process", action="store_true", help="Read and write in one process.")
    parser.add_argument("--two-processes", action="store_true",
                        help="Read in a second process even when no core is free (default: when one is).")
    parser.add_argument("--file", metavar="PATH",
                        help="Import this ISO 2709 file (-n and --seed are ignored); when it does not exist, "
                             "generate it there first and keep it for the next run.")
    parser.add_argument("--unimarc", action="store_true",
                        help="Import the same records as UNIMARC (written beside the file on first use).")
    parser.add_argument("--profile", metavar="FILE", help="Write a cProfile of the import to FILE.")
    parser.add_argument("--profile-reader", metavar="FILE",
                        help="Write a cProfile of the reading process (two processes) to FILE.")
    args = parser.parse_args()

    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-marc-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["BIBLIOHUB_VAR_DIR"] = str(work)
    os.environ["BIBLIOHUB_DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bibliohub.catalog.marc.importer import import_marc
    from bibliohub.history import Actor
    from bibliohub.libraries.models import Branch, Network

    try:
        call_command("migrate", verbosity=0)
        network = Network.objects.create(name="Bench network")
        for code in BRANCHES:
            Branch.objects.get_or_create(code=code, defaults={"network": network, "name": code.title()})
        data = Path(args.file) if args.file else work / "records.mrc"
        if not args.file or not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            write_file(data, args.records, args.seed)
            generated = time.perf_counter() - started
            print(f"generated {args.records:,} records ({data.stat().st_size / 1e6:.0f} MB) in {generated:.1f} s",
                  file=sys.stderr)
        if args.unimarc:
            converted = data.with_suffix(".unimarc.mrc")
            if not converted.exists():
                write_unimarc(data, converted)
            data = converted
        if args.profile_reader:
            profile_reader(args.profile_reader)

        if args.compare_decoders:
            compare_decoders(data)
            return 0

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        before = resource.getrusage(resource.RUSAGE_SELF)
        cpu_before = before.ru_utime + before.ru_stime
        report = import_marc(
            [data], actor=Actor.for_import(source=data.name), at=timezone.now(), batch_size=args.batch_size,
            parallel=False if args.one_process else True if args.two_processes else None,
        )
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        own = resource.getrusage(resource.RUSAGE_SELF)
        reader = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_mb = own.ru_maxrss / 1024
        rate = report.read / report.seconds
        print(f"CPU seconds: writer {own.ru_utime + own.ru_stime - cpu_before:.1f} "
              f"(system {own.ru_stime - before.ru_stime:.1f}), "
              f"reader process {reader.ru_utime + reader.ru_stime:.1f} (system {reader.ru_stime:.1f}); "
              f"peak RSS: writer {peak_mb:.0f} MB, reader {reader.ru_maxrss / 1024:.0f} MB",
              file=sys.stderr)
        print(f"read {report.read:,}, created {report.created:,}, updated {report.updated:,}, "
              f"skipped {report.skipped:,}, items {report.items:,}, problems {len(report.problems):,}",
              file=sys.stderr)
        print("| records | seconds | records/s | items | peak RSS MB | file MB |")
        print("|---:|---:|---:|---:|---:|---:|")
        print(f"| {report.read:,} | {report.seconds:.1f} | {rate:,.0f} | {report.items:,} | {peak_mb:.0f} | "
              f"{data.stat().st_size / 1e6:.0f} |")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
