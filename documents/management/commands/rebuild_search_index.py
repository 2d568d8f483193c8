import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from documents.search import rebuild_index


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every notice (drafts included) into a new table that"
        " replaces the live one at the end, or with --missing index the notices without an"
        " index row; with a progress bar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="notices per batch")
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="tokenising processes (default: one a CPU, up to 4)",
        )
        parser.add_argument(
            "--missing",
            action="store_true",
            help="only notices without an index row (after migrating an older database)",
        )

    def handle(self, *args, batch: int, workers: int | None, missing: bool, **options):
        started = time.perf_counter()
        try:
            total = rebuild_index(
                progress=self._progress(started, missing),
                batch=max(1, batch),
                missing_only=missing,
                workers=max(1, workers) if workers else None,
            )
        except OperationalError as error:  # e.g. the live table locked by others too long
            raise CommandError(f"重建未完成，现有索引未受影响：{error}") from error
        elapsed = time.perf_counter() - started
        what = "补建" if missing else "重建"
        self.stdout.write(f"已{what} {total} 件文件的检索索引，用时 {elapsed:.1f} 秒。")

    def _progress(self, started: float, missing: bool):
        interactive = sys.stderr.isatty()

        def show(done: int, total: int) -> None:
            width = 30
            filled = width * done // total
            rate = done / max(time.perf_counter() - started, 1e-9)
            line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}（{rate:.0f} 件/秒）"
            # A terminal gets one line redrawn; a log gets one line per batch.
            self.stderr.write(
                ("\r" if interactive else "") + line, ending="" if interactive else "\n"
            )
            if interactive and done == total:
                self.stderr.write("")
            if done == total and not missing:
                self.stderr.write("正在建立新表的索引，完成后替换现有索引……")

        return show
