"""``python -m indicators``: the command line for a specialist or the server's operator.

Whoever runs it holds the database file itself, so it writes as an administrator named by
``--user`` (or the system account); every write still goes through the write door and the
change log.  The commands live in ``indicators/commands/`` by concern.
"""

from __future__ import annotations

import argparse
import sys

from indicators import config
from indicators.catalog.tables import CatalogError
from indicators.commands import backup, data, roadmaps, users
from indicators.commands.data import CliError
from indicators.council.snapshots import SnapshotError
from indicators.exchange.edits import RefusedError
from indicators.exchange.template import TemplateError
from indicators.store.actors import AccessDenied
from indicators.store.database import DatabaseBusyError
from indicators.synthetic.generate import GenerateError


def _parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="python -m indicators",
        description=(
            "Система оценки объективности и качества образования: работа с базой данных "
            f"из командной строки. База: {config.DEFAULT_DB} или файл из переменной "
            f"окружения {config.DB_ENV}."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="команда", required=True)
    commands = {**data.register(sub), **users.register(sub), **backup.register(sub),
                **roadmaps.register(sub)}
    return parser, commands


def main(argv: list[str] | None = None) -> int:
    parser, commands = _parser()
    args = parser.parse_args(argv)
    try:
        return commands[args.command](args)
    except (CatalogError, DatabaseBusyError, CliError, TemplateError, RefusedError, SnapshotError,
            GenerateError, AccessDenied, users.UserError, backup.BackupError,
            roadmaps.AdoptionError) as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
