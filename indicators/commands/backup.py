"""``python -m indicators backup|restore``: copies of the database and putting one back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indicators import config
from indicators.store.backup import BackupError, list_backups, make_backup, restore
from indicators.store.database import Database

__all__ = ["BackupError", "register"]


def register(sub) -> dict:
    p = sub.add_parser("backup", help="сделать копию базы (или показать копии: --list)",
                       description="Делает согласованную копию базы (можно при работающем "
                       "приложении). Копии лежат в папке backups рядом с базой; перед каждой "
                       "загрузкой файлов копия делается автоматически.")
    p.add_argument("--out", help="файл копии (по умолчанию — backups/<база>-<дата>-manual.duckdb)")
    p.add_argument("--list", action="store_true", help="показать имеющиеся копии")
    p = sub.add_parser("restore", help="восстановить базу из копии (приложение должно быть остановлено)",
                       description="Заменяет базу копией. Текущая база сначала сохраняется в папку "
                       "backups. Приложение перед этим нужно остановить.")
    p.add_argument("copy", metavar="КОПИЯ.duckdb")
    p.add_argument("--yes", action="store_true", help="не спрашивать подтверждения")
    return {"backup": _backup, "restore": _restore}


def _backup(args: argparse.Namespace) -> int:
    path = config.db_path()
    if args.list:
        copies = list_backups(path)
        for copy in copies:
            print(f"{copy}\t{copy.stat().st_size / 2**20:.1f} МБ")
        if not copies:
            print(f"Копий нет (папка {path.parent / 'backups'}).")
        return 0
    if not path.exists():
        raise BackupError(f"Базы «{path}» нет: копировать нечего.")
    db = Database(path)
    try:
        made = make_backup(db, "manual", out=Path(args.out) if args.out else None)
    finally:
        db.close()
    print(f"Копия базы сохранена: {made}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    path = config.db_path()
    if not args.yes:
        if not sys.stdin.isatty():
            raise BackupError("Добавьте --yes: восстановление заменит базу «{}».".format(path))
        if input(f"Заменить базу «{path}» копией «{args.copy}»? [да/нет] ").strip().lower() not in ("да", "д", "yes", "y"):
            print("Отменено.")
            return 1
    saved = restore(path, args.copy)
    print(f"База восстановлена из «{args.copy}»." + (f" Прежняя база сохранена: {saved}" if saved else ""))
    return 0
