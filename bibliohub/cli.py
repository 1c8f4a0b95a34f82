"""The `bibliohub` command: every Django management command, with hyphenated names for ours
(`bibliohub import-marc` runs the `import_marc` command)."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import ManagementUtility

    prog = os.path.basename(argv[0]) if argv else "bibliohub"
    utility = ManagementUtility([prog if prog != "__main__.py" else "bibliohub", *argv[1:]])
    try:
        utility.execute()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
