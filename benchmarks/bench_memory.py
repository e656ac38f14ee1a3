"""Peak memory of `newsgraph extract` as the input grows: does it stay flat?

Usage:
    python benchmarks/bench_memory.py [--sizes 100,1000,10000] [--workers 1] [--articles PATH]

For each size, writes a JSONL input of that many articles into a temporary folder (the 10kGNAD articles
from ../shared, repeated with fresh ids to reach the size; the data is never copied into the project),
runs the `newsgraph extract` command on it in a child process with the result cache off, and prints
the wall time, words/s and the peak RSS of the whole process tree (the command and any worker
processes, sampled every 50 ms with psutil).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared/data/de/news/10kgnad/articles.jsonl"


def write_replicated(source: Path, target: Path, size: int) -> int:
    """Write ``size`` articles to ``target``, cycling through ``source`` with fresh ids; returns the word count."""
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = 0
    with target.open("w", encoding="utf-8") as handle:
        for n in range(size):
            row = dict(rows[n % len(rows)])
            row["id"] = f"{row.get('id', 'article')}-r{n // len(rows)}"
            words += len(row["text"].split())
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return words


class PeakRss:
    """Samples the summed RSS of a process and all its descendants in a background thread."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--keep", type=Path, default=None, help="keep each run's output in KEEP/<size>/")
    args = parser.parse_args()

    newsgraph = Path(sys.executable).with_name("newsgraph")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    print(f"input: {args.articles} replicated; `newsgraph extract --no-cache --workers {args.workers}`; "
          f"OPENBLAS_NUM_THREADS={env['OPENBLAS_NUM_THREADS']}", flush=True)
    print(f"{'articles':>9}{'words':>11}{'seconds':>9}{'words/s':>9}{'peak RSS MB':>13}{'articles.jsonl MB':>19}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            source = Path(tmp) / f"articles-{size}.jsonl"
            words = write_replicated(args.articles, source, size)
            out = Path(tmp) / f"out-{size}"
            start = time.perf_counter()
            child = subprocess.Popen([str(newsgraph), "extract", str(source), "-o", str(out), "--no-cache", "-q",
                                      "--workers", str(args.workers)], env=env, stderr=subprocess.PIPE, text=True)
            sampler = PeakRss(child.pid)
            _, stderr = child.communicate()
            peak = sampler.stop()
            seconds = time.perf_counter() - start
            if child.returncode != 0:
                raise SystemExit(f"newsgraph extract failed ({child.returncode}): {stderr[-2000:]}")
            size_mb = (out / "articles.jsonl").stat().st_size / 2**20
            print(f"{size:>9,}{words:>11,}{seconds:>9.0f}{words / seconds:>9,.0f}{peak:>13,.0f}{size_mb:>19,.1f}",
                  flush=True)
            if args.keep is not None:
                shutil.copytree(out, args.keep / str(size), dirs_exist_ok=True)
            shutil.rmtree(out)
            source.unlink()


if __name__ == "__main__":
    main()
