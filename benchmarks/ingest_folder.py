"""Ingesting a folder of 100 documents: wall time, words/s against bare spaCy, peak memory, CPU of both cores.

    .venv/bin/python benchmarks/ingest_folder.py             # 100 documents, 2 workers (the default setting)
    .venv/bin/python benchmarks/ingest_folder.py --docs 20 --workers 2 --keep /tmp/run

Runs ``actorgraph ingest DIR/`` as a user runs it (the console script of this venv, in a subprocess,
default extractors, the build included) into a fresh sources folder and a fresh store, and samples
``/proc`` every 0.1 s while it runs: the resident memory summed over the whole process tree (the
command and its worker processes; the peak of that sum is printed), and the busy share of each core
from ``/proc/stat`` (the whole machine's, other users' load included, which is why the load average
is printed too). The CPU seconds of the tree come from ``getrusage(RUSAGE_CHILDREN)``.

In the same run it then parses the same texts (the cleaned ones the ingest stored, so Markdown and
HTML markup is gone) with the bare spaCy pipeline, in one process and in two (``nlp.pipe(n_process=2)``,
both cores as the ingest uses them), and prints the ingest's words/s as a ratio to each. Words are
spaCy tokens that are neither punctuation nor space, as in ``benchmarks/extraction.py``.

**The documents** are generated, deterministically, from the two shipped documents only
(``graph/data/documents/``, never ``../shared``): their paragraphs (lines of 200 characters or more) are
drawn with a seeded RNG (``random.Random(18)``) and joined into notes of 1 to 6 KB, each under a title
line of its own ("Field note 17: ..."), so that every note is a different text with its own id. One
note in ten becomes ``.md`` (a front matter, a heading, emphasis, a link) and one ``.html`` (an
``<article>`` inside navigation and a footer), so the readers' clean-up runs too. The notes recombine
text whose vocabulary the registry and the rules' cue table were written from: their candidates and
mentions flatter the extractors, and say nothing about extraction quality. What is measured is speed.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import spacy

from actorgraph.graph.config import Settings

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "graph" / "data" / "documents"
SEED = 18
MIN_PARAGRAPH = 200  # characters: shorter lines are headings, bylines and notes


# ---------------------------------------------------------------------------- the documents


def paragraphs() -> list[str]:
    """The long lines (paragraphs) of the two shipped documents, in file order."""
    found: list[str] = []
    for path in sorted(SHIPPED.glob("*.txt")):
        found.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [p for p in found if len(p) >= MIN_PARAGRAPH]


def note_body(rng: random.Random, pool: list[str]) -> list[str]:
    """Paragraphs drawn until the note reaches a length drawn between 1 and 6 KB (cut at a sentence end)."""
    target = rng.randint(1_000, 6_000)
    chosen: list[str] = []
    while sum(len(p) + 2 for p in chosen) < target:
        chosen.append(rng.choice(pool))
    excess = sum(len(p) + 2 for p in chosen) - target
    last = chosen[-1]
    if excess > 0 and len(last) - excess > 100:
        cut = last.rfind(". ", 0, len(last) - excess)
        chosen[-1] = last[: cut + 1] if cut > 100 else last
    return chosen


def as_markdown(title: str, body: list[str]) -> str:
    emphasised = re.sub(r"\b(Iran|Taliban)\b", r"**\1**", body[0], count=1)
    link = "See the [earlier note](https://example.org/notes/earlier) for the background."
    return (
        f"---\ntitle: {title}\nauthor: Benchmark Desk\ndate: 2024-05\n---\n\n# {title}\n\n"
        + "\n\n".join([emphasised, *body[1:], link])
        + "\n"
    )


def as_html(title: str, body: list[str]) -> str:
    paras = "\n".join(f"<p>{p}</p>" for p in body)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        '<meta name="author" content="Benchmark Desk"></head><body>'
        '<nav class="menu"><a href="/">Home</a> <a href="/notes">Notes</a></nav>'
        f"<article><h1>{title}</h1>\n{paras}\n</article>"
        "<footer>Subscribe to our newsletter. Share this page.</footer></body></html>\n"
    )


def write_documents(folder: Path, count: int) -> list[Path]:
    """`count` notes in `folder`: .txt, every tenth .md and every tenth (offset by 5) .html."""
    rng = random.Random(SEED)
    pool = paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(1, count + 1):
        body = note_body(rng, pool)
        words = re.findall(r"[A-Z][a-z]+", body[0])
        title = f"Field note {n}: {' '.join(words[:3]) or 'untitled'}"
        if n % 10 == 3:
            path, content = folder / f"note-{n:03d}.md", as_markdown(title, body)
        elif n % 10 == 8:
            path, content = folder / f"note-{n:03d}.html", as_html(title, body)
        else:
            path, content = folder / f"note-{n:03d}.txt", title + "\n\n" + "\n\n".join(body) + "\n"
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


# ---------------------------------------------------------------------------- /proc sampling


def _cpu_times() -> dict[str, tuple[int, int]]:
    """Per core (cpu0, cpu1, ...): (busy, total) jiffies since boot, from /proc/stat."""
    times = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if re.fullmatch(r"cpu\d+", name):
            numbers = [int(v) for v in values]
            idle = numbers[3] + numbers[4]  # idle + iowait
            times[name] = (sum(numbers[:8]) - idle, sum(numbers[:8]))
    return times


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(root: int) -> int:
    """Resident bytes summed over a process and all its descendants (0 when it is gone)."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


@dataclass
class Sampler:
    """Samples the tree's memory every `interval` seconds in a thread while a process runs."""

    pid: int
    interval: float = 0.1
    peak: int = 0
    processes: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            tree, todo, seen = _children(), [self.pid], 0
            while todo:
                seen += 1
                todo.extend(tree.get(todo.pop(), []))
            self.processes = max(self.processes, seen)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()


# ---------------------------------------------------------------------------- the runs


@dataclass
class IngestRun:
    wall: float
    cpu: float  # user + system seconds of the whole tree
    peak_rss: int
    processes: int
    cores: dict[str, float]  # busy share of each core during the run (whole machine)
    load: str
    output: str


def run_ingest(folder: Path, sources: Path, store: Path, workers: int) -> IngestRun:
    """`actorgraph ingest folder/` in a subprocess, sampled from /proc."""
    command = [str(Path(sys.executable).parent / "actorgraph"), "ingest", f"{folder}/"]
    command += ["--sources", str(sources), "--store", str(store), "--workers", str(workers)]
    env = {**os.environ, "COLUMNS": "200"}
    before_cpu, before_usage = _cpu_times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    sampler = Sampler(process.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    output, _ = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    thread.join()
    after_cpu, after_usage = _cpu_times(), resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        sys.exit(f"actorgraph ingest failed ({process.returncode}):\n{output}")
    cores = {
        name: (after_cpu[name][0] - before_cpu[name][0]) / max(1, after_cpu[name][1] - before_cpu[name][1])
        for name in sorted(after_cpu)
    }
    cpu = (after_usage.ru_utime - before_usage.ru_utime) + (after_usage.ru_stime - before_usage.ru_stime)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return IngestRun(wall, cpu, sampler.peak, sampler.processes, cores, load, output)


def stored_texts(sources: Path, before: set[str]) -> list[str]:
    """The cleaned texts the ingest stored (documents/*.txt that were not there before it)."""
    paths = sorted(p for p in (sources / "documents").glob("*.txt") if p.name not in before)
    return [p.read_text(encoding="utf-8") for p in paths]


def bare_spacy(texts: list[str], model: str) -> tuple[int, float, float]:
    """(words, seconds in one process, seconds in two processes) of the bare pipeline over the texts."""
    nlp = spacy.load(model)
    words = sum(sum(1 for t in nlp.make_doc(text) if not (t.is_punct or t.is_space)) for text in texts)
    nlp(texts[0])  # warmed up, as the ingest's workers are after their first document
    started = time.perf_counter()
    for text in texts:
        nlp(text)
    one = time.perf_counter() - started
    started = time.perf_counter()
    for _doc in nlp.pipe(texts, n_process=2, batch_size=4):
        pass
    two = time.perf_counter() - started
    return words, one, two


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100, help="how many documents (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="ingest worker processes (default 2, both cores)")
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it (default: a temp)")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="ingest-folder-"))
    if args.keep and work.exists():
        shutil.rmtree(work)
    try:
        inbox, sources, store = work / "inbox", work / "sources", work / "store"
        paths = write_documents(inbox, args.docs)
        size = sum(p.stat().st_size for p in paths)
        print(f"{len(paths)} documents, {size / 1000:,.0f} KB, in {inbox} (seed {SEED})")
        shipped_names = {p.name for p in SHIPPED.glob("*.txt")}
        run = run_ingest(inbox, sources, store, args.workers)
        texts = stored_texts(sources, shipped_names)
        model = Settings.from_env().spacy_model
        words, one, two = bare_spacy(texts, model)
        _print(run, texts, words, one, two, args.workers)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _print(run: IngestRun, texts: list[str], words: int, one: float, two: float, workers: int) -> None:
    summary = [line for line in run.output.splitlines() if line.startswith(("ingested ", "built "))]
    print("\n".join(summary))
    rate = words / run.wall
    print(f"texts stored: {len(texts)}, {sum(map(len, texts)):,} characters, {words:,} words")
    print(f"ingest ({workers} workers, build included): {run.wall:.1f} s wall, "
          f"{len(texts) / run.wall:.2f} documents/s, {rate:,.0f} words/s")  # fmt: skip
    print(f"bare spaCy on the same texts: 1 process {words / one:,.0f} words/s ({one:.1f} s), "
          f"2 processes {words / two:,.0f} words/s ({two:.1f} s)")  # fmt: skip
    print(f"ratio ingest / bare spaCy: {rate / (words / one):.2f}x (1 process), "
          f"{rate / (words / two):.2f}x (2 processes)")  # fmt: skip
    print(f"peak RSS of the process tree: {run.peak_rss / 2**20:,.0f} MiB ({run.processes} processes at most)")
    cores = ", ".join(f"{name} {share:.0%}" for name, share in run.cores.items())
    print(f"CPU: the tree used {run.cpu:.1f} s = {run.cpu / run.wall:.2f} cores of {len(run.cores)}; "
          f"machine busy per core during the run: {cores}; load average after: {run.load}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
