"""Peak memory of `newsgraph extract` as the input grows: does it stay flat?

Usage:
    python benchmarks/bench_memory.py [--sizes 100,1000,10000] [--workers 1] [--articles PATH]

For each size, writes a JSONL input of that many articles into a temporary folder (the 10kGNAD articles
from ../shared, repeated with fresh ids to reach the size; the data is never copied into the project),
runs the `newsgraph extract --json` command on it in a child process with the result cache off, and prints
the wall time, the run summary's model loading (worker start included) and words/s of the processing
alone, and the peak RSS (sampled every 50 ms with psutil) of the whole process tree, of the command's own
process, of the largest worker process, and the tree's peak per worker (issue 21's target: <= 1.5 GB
per worker at 100, 1,000 and 10,000 articles).

How long it takes: the German default pipeline processes about 1,500 words/s per worker on an idle
core, and the 10kGNAD articles average ~390 words, so 100 / 1,000 / 10,000 articles take about 0.5 / 4 /
45 minutes with one worker and a bit over half that with two (plus ~10 s of model loading per size).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
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
    """Samples the RSS of a process and all its descendants in a background thread: the peak of their sum,
    and each process's own peak."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peaks: dict[int, int] = {}
        """Peak RSS by process id (the root's included)."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [self.root, *self.root.children(recursive=True)]:
                    try:
                        rss = proc.memory_info().rss
                    except psutil.Error:
                        continue
                    total += rss
                    self.peaks[proc.pid] = max(self.peaks.get(proc.pid, 0), rss)
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            time.sleep(self.interval)

    def stop(self) -> float:
        """Stop sampling; the peak of the whole tree in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20

    def largest_child(self) -> float:
        """The largest peak of a descendant process (a worker) in MB; 0 without any."""
        return max((rss for pid, rss in self.peaks.items() if pid != self.root.pid), default=0) / 2**20


def stop_tree(pid: int) -> None:
    """Kill a process and every process it started."""
    try:
        root = psutil.Process(pid)
        processes = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        try:
            process.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(processes, timeout=10)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup below when killed, too
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
    print(f"{'articles':>9}{'words':>11}{'seconds':>9}{'load s':>8}{'words/s':>9}{'proc. w/s':>10}"
          f"{'peak RSS MB':>13}{'parent MB':>11}{'worker MB':>11}{'MB/worker':>11}{'articles.jsonl MB':>19}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            source = Path(tmp) / f"articles-{size}.jsonl"
            words = write_replicated(args.articles, source, size)
            out = Path(tmp) / f"out-{size}"
            start = time.perf_counter()
            child = subprocess.Popen([str(newsgraph), "extract", str(source), "-o", str(out), "--no-cache", "--json",
                                      "--workers", str(args.workers)], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
            sampler = PeakRss(child.pid)
            try:
                stdout, stderr = child.communicate()
            finally:  # interrupted or killed: take the run (and its worker processes) down with this script
                if child.poll() is None:
                    stop_tree(child.pid)
            peak = sampler.stop()
            seconds = time.perf_counter() - start
            if child.returncode != 0:
                raise SystemExit(f"newsgraph extract failed ({child.returncode}): {stderr[-2000:]}")
            summary = json.loads(stdout.strip().splitlines()[-1])
            parent = sampler.peaks.get(child.pid, 0) / 2**20
            worker = sampler.largest_child() if args.workers > 1 else parent  # one worker: the command itself
            size_mb = (out / "articles.jsonl").stat().st_size / 2**20
            print(f"{size:>9,}{words:>11,}{seconds:>9.0f}{summary['load_seconds']:>8.1f}{words / seconds:>9,.0f}"
                  f"{summary['processing_words_per_second']:>10,.0f}{peak:>13,.0f}{parent:>11,.0f}{worker:>11,.0f}"
                  f"{peak / args.workers:>11,.0f}{size_mb:>19,.1f}", flush=True)
            if args.keep is not None:
                shutil.copytree(out, args.keep / str(size), dirs_exist_ok=True)
            shutil.rmtree(out)
            source.unlink()


if __name__ == "__main__":
    main()
