"""Read and extract the files of a build in parallel, in worker processes or on
a Dask cluster, and hand their outcomes over in file order.

The database writer takes the outcomes one by one in sorted file order, so
ids and row order are those of a sequential build whatever order the workers
finish in. At most `window` files are in flight at once (the reorder buffer):
memory stays bounded however large the corpus.

    >>> for path, outcome in outcomes_in_order(files, corpus_dir, overrides, workers=4):  # doctest: +SKIP
    ...     write(outcome)   # a DocumentRecord, or the FileError of a file that failed

Where a file is extracted:

* in this process when `workers` is 1 or the corpus is tiny (fewer than
  `MIN_PARALLEL_FILES` files to extract): no start-up cost;
* in a `ProcessPoolExecutor` of `workers` processes otherwise;
* on the workers of a Dask cluster when `scheduler` is its address
  (`tcp://host:8786`). The workers run `extract_file` on the file's absolute
  path: the corpus must be on a path they can read (a shared file system
  mounted at the same place), and they need plankb installed.

Files that the build cache (`db.cache`) already holds are not sent anywhere.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path

from db.cache import BuildCache, pack, sha256_file, unpack

MIN_PARALLEL_FILES = 8  # fewer files than this are extracted in this process
WINDOW_PER_WORKER = 4  # files in flight per worker


def default_workers() -> int:
    """The number of CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def extract_file(path: str, corpus_dir: str, overrides: dict, packed: bool, earlier: bytes | None = None):
    """Read and extract one file (in a worker). Returns its `DocumentRecord`
    or `FileError` — packed with its SHA-256 as `(sha256, bytes)` when
    `packed`, which is smaller to send back and what the cache stores.
    `earlier` is the file's packed outcome from a build with another
    extractor (`BuildCache.earlier_outcome`): its document is extracted
    again instead of reading the file."""
    from db.builder import file_to_outcome

    outcome = file_to_outcome(Path(path), Path(corpus_dir), overrides, earlier)
    if not packed:
        return outcome
    sha = getattr(outcome, "sha256", None) or sha256_file(Path(path))
    return sha, pack(outcome)


class InlineExecutor(Executor):
    """Runs each task at once, in this process, when it is submitted."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as e:  # the caller's .result() raises it, as with a pool
            future.set_exception(e)
        return future


class DaskExecutor(Executor):
    """Submits tasks to a Dask cluster; `.result()` of what `submit` returns
    waits for the task (a `distributed.Future` behaves as a concurrent one)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError as e:  # pragma: no cover - dask is a dependency
            raise RuntimeError("--scheduler needs dask.distributed: pip install 'dask[distributed]'") from e
        self.client = Client(address, set_as_default=False)
        self.n_workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, fn, /, *args, **kwargs):
        return self.client.submit(fn, *args, pure=False, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.client.close()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of worker processes, forked when this process has no other
    thread (fast: the workers share the modules already imported), else
    started from a clean fork server that has imported the extractor once."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    elif "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["db.builder"])
    else:
        context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=exit_with_parent)


def exit_with_parent() -> None:
    """Make a worker end when the process that started it dies (a build
    killed with SIGKILL cannot shut its pool down; its workers would wait for
    tasks forever)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def in_order(futures: Iterable, window: int) -> Iterator:
    """The results of `futures` (a lazy iterable that submits as it goes) in
    their order, keeping at most `window` submitted and not yet returned."""
    pending: deque = deque()
    for future in futures:
        pending.append(future)
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class _Cached:
    """A file the cache holds, as a finished 'future' of its packed outcome
    (read from the cache only when its turn comes)."""

    def __init__(self, cache: BuildCache, path: Path):
        self.cache, self.path = cache, path

    def result(self):
        return None, self.cache.load(self.path)


def outcomes_in_order(
    files: list[Path],
    corpus_dir: Path,
    overrides: dict,
    workers: int | None = 1,
    cache: BuildCache | None = None,
    scheduler: str | None = None,
) -> Iterator[tuple[Path, object]]:
    """(path, DocumentRecord or FileError) for every file, in the order of `files`."""
    corpus_dir = Path(corpus_dir)
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be 1 or more, not {workers}")
    cached = {path for path in files if cache.lookup(path)} if cache is not None else set()
    n_extract = len(files) - len(cached)
    if scheduler:
        executor: Executor = DaskExecutor(scheduler)
        n_workers = executor.n_workers
    elif workers == 1 or n_extract < MIN_PARALLEL_FILES:
        executor, n_workers = InlineExecutor(), 1
    else:
        n_workers = min(workers, n_extract)
        # Objects that the garbage collector does not visit stay on memory
        # pages that forked workers share with this process, instead of
        # each worker copying them (about 80 MB less with two workers).
        from db.builder import warm_up

        warm_up()
        gc.freeze()
        executor = process_pool(n_workers)
    # With a cache, outcomes come back packed (compressed), as the cache
    # stores them; without, a worker's outcome is pickled by the pool itself
    # (compressing and decompressing cost more than sending more bytes).
    packed = cache is not None
    window = 1 if isinstance(executor, InlineExecutor) else WINDOW_PER_WORKER * n_workers
    stats: dict[Path, os.stat_result] = {}
    root = corpus_dir.absolute()

    def submitted():
        for path in files:
            if path in cached:
                yield _Cached(cache, path)
                continue
            try:
                stats[path] = path.stat()
            except OSError:
                pass
            earlier = cache.earlier_outcome(path) if cache is not None else None
            yield executor.submit(extract_file, str(path.absolute()), str(root), overrides, packed, earlier)

    try:
        for path, result in zip(files, in_order(submitted(), window)):
            if not packed:
                yield path, result
                continue
            sha, blob = result
            outcome = unpack(blob)
            if sha is not None and cache is not None and path in stats:
                cache.store(path, stats.pop(path), sha, blob, has_document=hasattr(outcome, "document"))
            yield path, outcome
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        if isinstance(executor, ProcessPoolExecutor):
            gc.unfreeze()
