"""Time and peak memory of one hostile article through the whole pipeline, old code beside new.

Usage:
    python benchmarks/bench_hostile.py [--sizes 10000,20000,40000] [--cases guillemets,name]
        [--old-src /work/main/src] [--timeout 120]

Each case is a text built to a size in characters (a run of ``«``, a clause of 2,000 organisation names,
…). Every (case, size) runs in a fresh child process (``PYTHONPATH`` = this checkout's ``src``, and with
``--old-src`` also that tree) that loads the German pipeline, warms it up on one sentence, then times
``newsgraph.extract`` on the text alone and reports the seconds and the process's peak RSS. A run over
``--timeout`` seconds is stopped and shown as ``>N``. The size guard is lifted in the child
(``max_chars`` above the text's length) so the work itself is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _repeat(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _org_clause(size: int) -> str:
    head = "In Russland und Österreich verhandeln "
    unit = "die österreichische OMV, "
    return head + unit * max(1, (size - len(head)) // len(unit)) + "und die Erste Group."


CASES: dict[str, Callable[[int], str]] = {
    "guillemets": lambda n: "«" * n,
    "low-quotes": lambda n: "„" * n,
    "parens": lambda n: "(" * n,
    "dashes": lambda n: "-" * n,
    "one-name": lambda n: _repeat("Merkel ", n),
    "no-sentence-end": lambda n: _repeat("der Mann aus Berlin geht mit Frau Müller nach Hause und ", n),
    "short-lines": lambda n: _repeat("Zeile\n", n),
    "one-token": lambda n: "Luftangriff" + "e" * (n - 11),
    "quotes": lambda n: _repeat("„Er sagte: ", n),
    "org-clause": _org_clause,
}


def child(case: str, size: int) -> None:
    """Run one case in this process and print its figures as JSON."""
    import resource
    import time

    import newsgraph
    from newsgraph.config import Settings

    text = CASES[case](size)
    options: dict[str, object] = {"lang": "de"}
    if "max_chars" in Settings.model_fields:
        options["max_chars"] = len(text) + 1
    if "max_tokens" in Settings.model_fields:
        options["max_tokens"] = len(text) + 1
    list(newsgraph.extract(["Angela Merkel besuchte am Montag Paris."], **options))  # load the pipeline
    start = time.perf_counter()
    result = list(newsgraph.extract([text], **options))[0]
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "error": result.error}))


def run(src: Path, case: str, size: int, timeout: float) -> str:
    """Seconds (and peak MB) of one case with the code in ``src``, as a table cell."""
    env = {**os.environ, "PYTHONPATH": str(src), "OPENBLAS_NUM_THREADS": "1"}
    try:
        done = subprocess.run([sys.executable, __file__, "--child", case, str(size)], env=env, timeout=timeout,
                              capture_output=True, text=True, check=False)
    except subprocess.TimeoutExpired:
        return f">{timeout:g} s"
    lines = done.stdout.strip().splitlines()
    if done.returncode or not lines:
        return f"failed ({done.stderr.strip().splitlines()[-1:] or done.returncode})"
    figures = json.loads(lines[-1])
    note = " (error record)" if figures["error"] else ""
    return f"{figures['seconds']:.1f} s, {figures['peak_mb']} MB{note}"


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,20000,40000", help="Text sizes in characters.")
    parser.add_argument("--cases", default=",".join(CASES), help=f"Some of: {', '.join(CASES)}.")
    parser.add_argument("--old-src", type=Path, help="A src/ folder of older code to time beside this one.")
    parser.add_argument("--timeout", type=float, default=120, help="Seconds before a run is stopped.")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    trees = [("new", ROOT / "src")] + ([("old", args.old_src)] if args.old_src else [])
    print("| case | chars | " + " | ".join(name for name, _ in trees) + " |")
    print("|---|---:|" + "---|" * len(trees))
    for case in args.cases.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            cells = [run(src, case, size, args.timeout) for _, src in trees]
            print(f"| {case} | {size:,} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
