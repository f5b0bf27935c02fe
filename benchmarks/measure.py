"""Run a command and watch it: wall time and the peak memory of the process
and every process it starts (its build workers).

Two peaks are reported. *RSS* sums each process's resident set: pages that a
forked worker shares with its parent are counted once per process, so it
overstates what the build takes. *PSS* (proportional set size, Linux) splits
each shared page between the processes that share it: the sum is the memory
the build really occupies.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil

SAMPLE_EVERY_S = 0.25  # reading smaps costs CPU: sample sparingly on a 2-core machine


@dataclass
class Run:
    wall_s: float
    peak_rss_mb: float
    peak_pss_mb: float
    peak_processes: int
    output: dict = field(default_factory=dict)
    stdout: str = ""


def _tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process] + process.children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _memory(processes: list[psutil.Process]) -> tuple[float, float]:
    rss = pss = 0
    for p in processes:
        try:
            info = p.memory_full_info()
            rss += info.rss
            pss += getattr(info, "pss", info.rss)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return rss, pss


def watch(command: list[str], cwd: str | None = None, env: dict | None = None) -> Run:
    """Run `command`, sampling the memory of its process tree until it ends.
    When it prints a JSON line last, that is `Run.output`."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"rss": 0.0, "pss": 0.0, "n": 0}
    done = threading.Event()

    def sample():
        root = psutil.Process(proc.pid)
        while not done.is_set():
            processes = _tree(root)
            rss, pss = _memory(processes)
            peaks["rss"], peaks["pss"] = max(peaks["rss"], rss), max(peaks["pss"], pss)
            peaks["n"] = max(peaks["n"], len(processes))
            done.wait(SAMPLE_EVERY_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode != 0:
        sys.stderr.write(stderr)
        raise RuntimeError(f"{' '.join(command)} failed with exit status {proc.returncode}")
    output = {}
    lines = stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        output = json.loads(lines[-1])
    return Run(wall, peaks["rss"] / 2**20, peaks["pss"] / 2**20, peaks["n"], output, stdout)
