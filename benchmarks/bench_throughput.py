"""Throughput of the full newsgraph pipeline against a bare `nlp.pipe` of the same model, on the same texts.

Usage:
    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_throughput.py [--limit 300] [--articles PATH] [--model DIR | --fast]
        [--engines local1,pair1,local2,dask2,cluster2,fast1] [--batch-size 32]

Each measurement runs in a child process of its own, so that its peak RSS (of the whole process tree,
workers included, sampled every 50 ms with psutil) is not mixed up with another one's. Rows:

* ``full``: ``newsgraph.extract`` over the JSONL file (read, NLP, resolution, relations, events,
  records) streamed into ``write_outputs`` (articles.jsonl, entities.jsonl, graph.graphml, graph.json) in
  a temporary folder, result cache off: what `newsgraph extract FILE --no-cache` does.
* ``bare spaCy``: ``load_pipeline(model, components=()).pipe(texts)``, the Docs thrown away; 2 workers: ``n_process=2``;
  Dask: the same ``nlp.pipe`` as one task per batch, the model loaded once per worker.
* ``pipe + components`` (1 worker): ``load_pipeline()`` (the model plus newsgraph's components) piped bare,
  which splits the overhead into newsgraph's NLP components and everything else.

* ``--fast, 1 worker`` (``fast1``): the full run of German's CNN pipeline in the same run, so that the default's
  speed relative to ``--fast`` (issue 23's "half the CNN's words/s") is measured side by side; e.g.
  ``--engines local1,fast1,local1,fast1`` alternates them (the ratio line uses the latest of each).

* ``2 x 1 worker side by side`` (``pair1``): two 1-worker full runs started at once, each on half the
  articles: what two cores give two independent processes on this machine (shared L3 cache and memory
  bandwidth), the ceiling for the ``x 1 worker`` column of the 2-worker rows.

Columns: ``load s`` is the model loading inside the timed full run as the workers measure it (the run
summary's ``load_seconds``: a worker process's start, its imports and its pipeline loading, and a
LocalCluster's start); ``proc. w/s`` the full run's words/s without it; ``CPU s`` the CPU seconds of the
whole process tree in the timed run (local engines; a Dask cluster's processes are not this process's
children); ``bare/full`` bare words/s
over full words/s (the time newsgraph adds, as a factor); ``x 1 worker`` the full run's processing words/s
over the 1-worker full run's (the scaling). ``Dask scheduler+workers`` starts `dask scheduler` and `dask
worker --nthreads 1` commands as separate processes before timing, as on a cluster. The model is loaded
before timing in one process; worker processes (``--workers 2`` and Dask) load it inside the timed run in
both the full and the bare row. The Dask rows run on a 2-worker LocalCluster started before timing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared/data/de/news/10kgnad/articles.jsonl"
ENGINES = {"local1": ("local", 1), "pair1": ("pair", 1), "local2": ("local", 2), "dask2": ("dask", 2),
           "cluster2": ("cluster", 2), "fast1": ("local", 1)}
"""``cluster``: `dask scheduler` and `dask worker` commands started as separate processes (as on a cluster)."""
LABELS = {"local": "local", "pair": "2 x local side by side", "dask": "Dask LocalCluster",
          "cluster": "Dask scheduler+workers"}


def read_rows(path: Path, limit: int) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rows.append(json.loads(line))
            if len(rows) >= limit:
                break
    return rows


class PeakRss:
    """Summed RSS of this process and its descendants, sampled in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self.root = psutil.Process()
        self.error = psutil.Error
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        self.interval = interval

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for proc in [self.root, *self.root.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except self.error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.05)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak / 2**20


def _pipe_batch(texts: list[str], model: str | None, fast: bool, batch_size: int) -> int:
    """One Dask task of the bare row: the model loaded once per worker (kept on the Worker object, since
    this function travels by value), the Docs thrown away."""
    from distributed import get_worker

    from newsgraph.nlp.loading import load_pipeline

    worker = get_worker()
    nlp = getattr(worker, "bench_nlp", None)
    if nlp is None:  # loaded as newsgraph loads it (numpy's BLAS), without newsgraph's components
        nlp = worker.bench_nlp = load_pipeline("de", model=model, fast=fast, components=())  # type: ignore[attr-defined]
    return sum(1 for _ in nlp.pipe(texts, batch_size=batch_size))


class CommandCluster:
    """`dask scheduler` and ``workers`` single-threaded `dask worker` processes, started as commands."""

    def __init__(self, workers: int) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="newsgraph-cluster-")
        root = Path(self.folder.name)
        dask = str(Path(sys.executable).with_name("dask"))
        scheduler_file = root / "scheduler.json"
        common = ["--no-dashboard", "--host", "127.0.0.1"]
        self.processes = [subprocess.Popen([dask, "scheduler", "--port", "0", "--scheduler-file", str(scheduler_file),
                                            *common], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
        # --preload: each worker imports newsgraph when it starts, as a deployment would (README), not on its first task
        self.processes += [subprocess.Popen([dask, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                                             "--preload", "newsgraph.pipeline", "--local-directory", str(root / f"w{n}"),
                                             *common],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                           for n in range(workers)]
        while not scheduler_file.exists() or not scheduler_file.read_text():
            time.sleep(0.1)
        time.sleep(0.2)
        self.scheduler_address = json.loads(scheduler_file.read_text())["address"]

    def close(self) -> None:
        for process in reversed(self.processes):
            process.kill()
            process.wait()
        self.folder.cleanup()


def _tree_cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the local engines' workers end
    within the timed run)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def run_one(kind: str, engine: str, workers: int, source: Path, model: Path | None, fast: bool,
            batch_size: int, *, sync: bool = False) -> dict[str, Any]:
    """One measurement, in this (child) process; with ``sync``, once the model is loaded, it says READY and
    waits for a line on stdin before it starts the clock."""
    texts = [row["text"] for row in read_rows(source, 10**9)]
    load = 0.0  # model loading inside the timed run, as the workers measure it (full rows only)
    cluster: Any = None
    client: Any = None
    output = ""  # the full run's output files, hashed
    if engine in ("dask", "cluster"):
        from distributed import Client, LocalCluster

        if engine == "dask":
            # preload: the workers import newsgraph as they start, as extract's own LocalCluster does
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                                   preload=["newsgraph.pipeline"])
        else:
            cluster = CommandCluster(workers)
        client = Client(cluster.scheduler_address)
        client.wait_for_workers(workers)  # started before timing, as a running cluster is
    if kind == "full":
        import newsgraph
        from newsgraph.config import Settings
        from newsgraph.graph.export import write_outputs
        from newsgraph.nlp.loading import load_pipeline
        from newsgraph.pipeline import RunStats

        stats = RunStats()
        settings = Settings(model=model, fast=fast, batch_size=batch_size, workers=workers,  # type: ignore[arg-type]
                            engine="local" if engine == "local" else "dask",
                            scheduler=cluster.scheduler_address if cluster else None)
        if engine == "local" and workers == 1:
            load_pipeline("de", model=model, fast=fast)  # loaded before timing, as the bare rows do
        if sync:
            print("READY", flush=True)
            sys.stdin.readline()
        sampler = PeakRss()
        cpu_before = _tree_cpu()
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            summary = write_outputs(newsgraph.extract([source], settings=settings, stats=stats), Path(out))
            seconds = time.perf_counter() - start
            load = stats.load_seconds
            digest = hashlib.sha256()
            for path in sorted(summary.paths):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
            output = digest.hexdigest()
        assert summary.articles_ok == len(texts), summary
    elif engine in ("dask", "cluster"):
        assert client is not None
        sampler = PeakRss()
        cpu_before = _tree_cpu()
        start = time.perf_counter()
        batches = [texts[i:i + batch_size] for i in range(0, len(texts), batch_size)]
        # (a partial: Client.map has a batch_size argument of its own)
        futures = client.map(partial(_pipe_batch, model=str(model) if model else None, fast=fast, batch_size=batch_size),
                             batches, pure=False)
        assert sum(client.gather(futures)) == len(texts)
        seconds = time.perf_counter() - start
    else:
        from newsgraph.nlp.loading import load_pipeline

        if kind == "components":
            nlp = load_pipeline("de", model=model, fast=fast)
        else:  # as newsgraph loads it (numpy's BLAS), without newsgraph's components
            nlp = load_pipeline("de", model=model, fast=fast, components=())
        sampler = PeakRss()
        cpu_before = _tree_cpu()
        start = time.perf_counter()
        assert sum(1 for _ in nlp.pipe(texts, batch_size=batch_size, n_process=workers)) == len(texts)
        seconds = time.perf_counter() - start
    peak = sampler.stop()
    cpu = _tree_cpu() - cpu_before if client is None else None
    if client is not None:
        client.close()
        cluster.close()  # type: ignore[union-attr]
    words = sum(len(text.split()) for text in texts)
    return {"seconds": seconds, "load": load, "words": words, "articles": len(texts), "rss": peak, "output": output,
            "cpu": cpu}


def _start(options: list[str], kind: str, engine: str, workers: int, source: Path, *, sync: bool = False
           ) -> subprocess.Popen[str]:
    """A child process that makes one measurement; with ``sync`` it waits for a line on stdin before timing."""
    return subprocess.Popen([sys.executable, __file__, *options, *(["--sync"] if sync else []),
                             "--one", kind, engine, str(workers), str(source)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(child: subprocess.Popen[str], what: str) -> dict[str, Any]:
    stdout, stderr = child.communicate()
    lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
    if child.returncode != 0 or not lines:
        raise SystemExit(f"{what} failed:\n{stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("RESULT "))
    return result


def _measure(options: list[str], kind: str, engine: str, workers: int, source: Path) -> dict[str, Any]:
    return _result(_start(options, kind, engine, workers, source), f"{engine} {workers} {kind}")


def _side_by_side(options: list[str], kind: str, sources: list[Path]) -> dict[str, Any]:
    """One 1-worker run per source, timed from the same moment (each loads its model first), as one row:
    the words of both over the longer one's seconds."""
    children = [_start(options, kind, "local", 1, source, sync=True) for source in sources]
    for child in children:  # each says READY once its model is loaded
        assert child.stdout is not None
        while (line := child.stdout.readline()) and line.strip() != "READY":
            pass
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [_result(child, f"side by side {kind}") for child in children]
    return {"seconds": max(r["seconds"] for r in results), "load": 0.0, "words": sum(r["words"] for r in results),
            "articles": sum(r["articles"] for r in results), "rss": sum(r["rss"] for r in results),
            "cpu": sum(r["cpu"] for r in results), "output": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--model", type=Path, default=None,
                        help="a pipeline folder (default: German's default pipeline, the encoder pass)")
    parser.add_argument("--fast", action="store_true", help="German's CNN pipeline (newsgraph extract --fast)")
    parser.add_argument("--engines", default="local1,pair1,local2,dask2,cluster2")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--sync", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--one", nargs=4, metavar=("KIND", "ENGINE", "WORKERS", "SOURCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.one:
        kind, engine, workers, source = args.one
        result = run_one(kind, engine, int(workers), Path(source), args.model, args.fast, args.batch_size,
                         sync=args.sync)
        print("RESULT " + json.dumps(result), flush=True)
        return

    rows = read_rows(args.articles, args.limit)
    print(f"texts: {len(rows)} articles, {sum(len(r['text'].split()) for r in rows):,} words from {args.articles}; "
          f"batch_size {args.batch_size}; OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; "
          f"{os.cpu_count()} cores", flush=True)
    header = (f"{'engine':<34}{'run':<19}{'seconds':>8}{'load s':>7}{'words/s':>9}{'proc. w/s':>10}{'articles/s':>11}"
              f"{'CPU s':>7}{'peak RSS MB':>12}{'bare/full':>10}{'x 1 worker':>11}")
    print(header, flush=True)
    outputs: dict[str, str] = {}
    one_worker: float | None = None  # processing words/s of the 1-worker full run
    options = [*(["--model", str(args.model)] if args.model else []), *(["--fast"] if args.fast else []),
               "--batch-size", str(args.batch_size)]
    with tempfile.TemporaryDirectory(prefix="newsgraph-bench-") as tmp:
        source = Path(tmp) / "articles.jsonl"  # the subset, in a temporary folder only
        source.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
        halves = [Path(tmp) / "first-half.jsonl", Path(tmp) / "second-half.jsonl"]
        for half, part in zip(halves, (rows[:len(rows) // 2], rows[len(rows) // 2:])):
            half.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in part), encoding="utf-8")
        latest: dict[str, float] = {}  # processing words/s of the latest local1 and fast1 full runs
        for name in args.engines.split(","):
            engine, workers = ENGINES[name]
            label = f"{LABELS[engine]}, {workers} worker{'s' if workers > 1 else ''}"
            kinds = {"local1": ["full", "bare", "components"], "pair1": ["full"], "fast1": ["full"]}.get(
                name, ["full", "bare"])
            run_options = options
            if name == "fast1":
                label, run_options = f"{label}, --fast", [*options, *([] if args.fast else ["--fast"])]
            measured: dict[str, dict[str, Any]] = {}
            for kind in kinds:
                if engine == "pair":
                    measured[kind] = _side_by_side(run_options, kind, halves)
                else:
                    measured[kind] = _measure(run_options, kind, engine, workers, source)
            if engine != "pair" and name != "fast1":
                repeat = sum(key.startswith(label) for key in outputs)  # an engine given twice: compare both runs
                outputs[label + (f" (run {repeat + 1})" if repeat else "")] = measured["full"]["output"]
            full_rate = measured["full"]["words"] / measured["full"]["seconds"]
            processing = measured["full"]["words"] / (measured["full"]["seconds"] - measured["full"]["load"])
            one_worker = processing if one_worker is None and name == "local1" else one_worker
            if name in ("local1", "fast1"):
                latest[name] = processing
            titles = {"full": "full pipeline", "bare": "bare spaCy pipe", "components": "pipe + components"}
            for kind, m in measured.items():
                rate = m["words"] / m["seconds"]
                ratio = f"{rate / full_rate:.2f}x" if kind != "full" else ""
                proc = f"{processing:,.0f}" if kind == "full" else ""
                scale = f"{processing / one_worker:.2f}x" if kind == "full" and one_worker and name != "fast1" else ""
                cpu = f"{m['cpu']:.1f}" if m.get("cpu") is not None else ""
                print(f"{label:<34}{titles[kind]:<19}{m['seconds']:>8.1f}{m['load']:>7.1f}{rate:>9,.0f}{proc:>10}"
                      f"{m['articles'] / m['seconds']:>11.2f}{cpu:>7}{m['rss']:>12,.0f}{ratio:>10}{scale:>11}",
                      flush=True)
            if name in ("local1", "fast1") and len(latest) == 2 and not args.fast:
                print(f"{'':<34}default / --fast processing words/s: {latest['local1']:,.0f} / "
                      f"{latest['fast1']:,.0f} = {latest['local1'] / latest['fast1']:.2f}x", flush=True)
    same = len(set(outputs.values())) == 1
    print(f"output files (articles.jsonl, entities.jsonl, graph.graphml, graph.json) "
          f"{'byte-identical' if same else 'DIFFER'} across {', '.join(outputs)}: "
          + ", ".join(f"{label} sha256 {digest[:12]}" for label, digest in outputs.items()))


if __name__ == "__main__":
    main()
