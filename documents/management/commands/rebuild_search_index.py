import sys
import time

from django.core.management.base import BaseCommand

from documents.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index of every notice (drafts included), with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000, help="notices per transaction")

    def handle(self, *args, batch: int, **options):
        started = time.perf_counter()
        total = rebuild_index(progress=self._progress(started), batch=max(1, batch))
        elapsed = time.perf_counter() - started
        self.stdout.write(f"已重建 {total} 件文件的检索索引，用时 {elapsed:.1f} 秒。")

    def _progress(self, started: float):
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

        return show
