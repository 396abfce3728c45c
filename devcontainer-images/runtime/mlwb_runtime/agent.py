"""Resource agent: prints one JSON line per interval with the environment's CPU, memory and GPU use.

    python3 -m mlwb_runtime.agent [--interval SECONDS] [--once]

Each line::

    {"t": "2026-01-01T12:00:00.000Z",
     "cpu": {"percent": 42.5, "limitCpus": 1.0},
     "memory": {"usedBytes": 123456789, "limitBytes": 2147483648},
     "gpus": [{"index": 0, "name": "...", "utilizationPercent": 3.0,
               "memoryUsedBytes": 1048576, "memoryTotalBytes": 85899345920}]}

- ``cpu.percent`` is the CPU time used during the last interval relative to one CPU (200.0 = two
  CPUs busy), as ``docker stats`` reports it; ``cpu.limitCpus`` is the CFS quota (``--cpus``), or
  null when there is none.
- ``memory.usedBytes`` leaves out inactive page cache, as ``docker stats`` does; ``memory.limitBytes``
  is the cgroup's limit (``--memory``), or null when there is none.
- Figures come from cgroup v2, else cgroup v1, else /proc (the whole machine); a figure that cannot
  be read is null. GPUs come from ``nvidia-smi`` when it is on PATH, else the list is empty.

The agent never stops on a missing or malformed file; it exits 0 on SIGTERM or SIGINT, and when the
reader of its output goes away.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Optional, TextIO

# cgroup v1 writes "no limit" as LONG_MAX rounded down to a page; anything this large is no limit.
NO_LIMIT_THRESHOLD = 1 << 60
NVIDIA_SMI_QUERY = "--query-gpu=index,name,utilization.gpu,memory.used,memory.total"
NVIDIA_SMI_TIMEOUT_S = 5.0
MIB = 1024 * 1024


def _read_text(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().strip()
    except (OSError, UnicodeDecodeError):
        return None


def _read_int(path: str) -> Optional[int]:
    text = _read_text(path)
    if text is None:
        return None
    try:
        return int(text.split()[0])
    except (ValueError, IndexError):
        return None


def _read_keyed(path: str) -> dict[str, int]:
    """Parses "key value" lines (cpu.stat, memory.stat); malformed lines are skipped."""
    values: dict[str, int] = {}
    for line in (_read_text(path) or "").splitlines():
        parts = line.split()
        if len(parts) == 2:
            try:
                values[parts[0]] = int(parts[1])
            except ValueError:
                pass
    return values


def _minus_inactive(usage: Optional[int], stat: dict[str, int], key: str) -> Optional[int]:
    if usage is None:
        return None
    return max(0, usage - stat.get(key, 0))


class CgroupV2:
    """Unified hierarchy: cpu.stat, cpu.max, memory.current, memory.max, memory.stat."""

    source = "cgroup2"

    def __init__(self, root: str) -> None:
        self.root = root

    def _path(self, name: str) -> str:
        return os.path.join(self.root, name)

    def cpu_usage_ns(self) -> Optional[int]:
        usec = _read_keyed(self._path("cpu.stat")).get("usage_usec")
        return None if usec is None else usec * 1000

    def cpu_limit(self) -> Optional[float]:
        parts = (_read_text(self._path("cpu.max")) or "").split()
        if len(parts) != 2 or parts[0] == "max":
            return None
        try:
            quota, period = int(parts[0]), int(parts[1])
        except ValueError:
            return None
        return quota / period if quota > 0 and period > 0 else None

    def memory_used(self) -> Optional[int]:
        stat = _read_keyed(self._path("memory.stat"))
        return _minus_inactive(_read_int(self._path("memory.current")), stat, "inactive_file")

    def memory_limit(self) -> Optional[int]:
        text = _read_text(self._path("memory.max"))
        if text is None or text == "max":
            return None
        try:
            limit = int(text)
        except ValueError:
            return None
        return limit if 0 < limit < NO_LIMIT_THRESHOLD else None


class CgroupV1:
    """One hierarchy per controller: cpuacct (usage), cpu (CFS quota), memory."""

    source = "cgroup1"

    def __init__(self, root: str) -> None:
        self.cpuacct = _first_dir(root, ("cpuacct", "cpu,cpuacct", "cpuacct,cpu"))
        self.cpu = _first_dir(root, ("cpu", "cpu,cpuacct", "cpuacct,cpu"))
        self.memory = os.path.join(root, "memory")

    def cpu_usage_ns(self) -> Optional[int]:
        return _read_int(os.path.join(self.cpuacct, "cpuacct.usage"))

    def cpu_limit(self) -> Optional[float]:
        quota = _read_int(os.path.join(self.cpu, "cpu.cfs_quota_us"))
        period = _read_int(os.path.join(self.cpu, "cpu.cfs_period_us"))
        if quota is None or period is None or quota <= 0 or period <= 0:
            return None
        return quota / period

    def memory_used(self) -> Optional[int]:
        stat = _read_keyed(os.path.join(self.memory, "memory.stat"))
        return _minus_inactive(_read_int(os.path.join(self.memory, "memory.usage_in_bytes")), stat, "total_inactive_file")

    def memory_limit(self) -> Optional[int]:
        limit = _read_int(os.path.join(self.memory, "memory.limit_in_bytes"))
        return limit if limit is not None and 0 < limit < NO_LIMIT_THRESHOLD else None


class Proc:
    """The whole machine from /proc, when no cgroup figures can be read: no limits."""

    source = "proc"

    def __init__(self, root: str) -> None:
        self.root = root

    def cpu_usage_ns(self) -> Optional[int]:
        first = (_read_text(os.path.join(self.root, "stat")) or "").splitlines()[:1]
        fields = first[0].split() if first else []
        if len(fields) < 5 or fields[0] != "cpu":
            return None
        try:
            ticks = [int(v) for v in fields[1:]]
        except ValueError:
            return None
        # user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait
        busy = sum(ticks) - ticks[3] - (ticks[4] if len(ticks) > 4 else 0)
        # guest time is already counted in user/nice
        busy -= sum(ticks[8:10])
        return busy * 1_000_000_000 // _clock_ticks()

    def cpu_limit(self) -> Optional[float]:
        return None

    def memory_used(self) -> Optional[int]:
        info: dict[str, int] = {}
        for line in (_read_text(os.path.join(self.root, "meminfo")) or "").splitlines():
            parts = line.replace(":", " ").split()
            if len(parts) >= 2 and parts[1].isdigit():
                info[parts[0]] = int(parts[1]) * 1024
        if "MemTotal" not in info or "MemAvailable" not in info:
            return None
        return max(0, info["MemTotal"] - info["MemAvailable"])

    def memory_limit(self) -> Optional[int]:
        return None


def _first_dir(root: str, names: tuple[str, ...]) -> str:
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            return path
    return os.path.join(root, names[0])


def _clock_ticks() -> int:
    try:
        return os.sysconf("SC_CLK_TCK") or 100
    except (ValueError, OSError, AttributeError):
        return 100


def detect_source(cgroup_root: str) -> CgroupV2 | CgroupV1 | None:
    """cgroup v2 when the unified hierarchy is mounted there, else v1 when its controllers are, else None."""
    if os.path.isfile(os.path.join(cgroup_root, "cgroup.controllers")):
        return CgroupV2(cgroup_root)
    v1 = CgroupV1(cgroup_root)
    if os.path.isdir(v1.cpuacct) or os.path.isdir(v1.memory):
        return v1
    return None


@dataclass
class CpuReading:
    source: str
    usage_ns: int
    at_ns: int


class Sampler:
    """Takes samples; each figure falls back to /proc when the cgroup does not provide it."""

    def __init__(
        self,
        cgroup_root: str = "/sys/fs/cgroup",
        proc_root: str = "/proc",
        gpu_reader: Optional[Callable[[], list[dict[str, object]]]] = None,
        clock: Callable[[], int] = time.monotonic_ns,
    ) -> None:
        self.proc = Proc(proc_root)
        cgroup = detect_source(cgroup_root)
        self.sources = [s for s in (cgroup, self.proc) if s is not None]
        self.gpu_reader = gpu_reader or read_gpus
        self.clock = clock
        self.previous = self.cpu_reading()

    def cpu_reading(self) -> Optional[CpuReading]:
        for source in self.sources:
            usage = source.cpu_usage_ns()
            if usage is not None:
                return CpuReading(source.source, usage, self.clock())
        return None

    def _first(self, metric: str) -> Optional[int]:
        for source in self.sources:
            value = getattr(source, metric)()
            if value is not None:
                return value
        return None

    def _cpu_percent(self) -> Optional[float]:
        current = self.cpu_reading()
        previous, self.previous = self.previous, current
        if current is None or previous is None or current.source != previous.source:
            return None
        elapsed = current.at_ns - previous.at_ns
        if elapsed <= 0:
            return None
        return round(max(0, current.usage_ns - previous.usage_ns) * 100 / elapsed, 2)

    def sample(self) -> dict[str, object]:
        """One line's worth; CPU percent covers the time since the previous sample (or the start)."""
        limit_cpus = self.sources[0].cpu_limit() if self.sources[0] is not self.proc else None
        limit_bytes = self.sources[0].memory_limit() if self.sources[0] is not self.proc else None
        return {
            "t": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "cpu": {"percent": self._cpu_percent(), "limitCpus": None if limit_cpus is None else round(limit_cpus, 3)},
            "memory": {"usedBytes": self._first("memory_used"), "limitBytes": limit_bytes},
            "gpus": self.gpu_reader(),
        }


def _number(text: str) -> Optional[float]:
    try:
        return float(text)
    except ValueError:  # "[N/A]", "[Not Supported]"
        return None


def _mib_to_bytes(text: str) -> Optional[int]:
    value = _number(text)
    return None if value is None else int(value * MIB)


def parse_nvidia_smi(output: str) -> list[dict[str, object]]:
    """Parses `nvidia-smi --query-gpu=index,name,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`."""
    gpus: list[dict[str, object]] = []
    for line in output.splitlines():
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 5 or not fields[0].isdigit():
            continue
        gpus.append(
            {
                "index": int(fields[0]),
                "name": ", ".join(fields[1:-3]),
                "utilizationPercent": _number(fields[-3]),
                "memoryUsedBytes": _mib_to_bytes(fields[-2]),
                "memoryTotalBytes": _mib_to_bytes(fields[-1]),
            }
        )
    return gpus


def read_gpus() -> list[dict[str, object]]:
    """GPUs as nvidia-smi reports them; an empty list without nvidia-smi or when it fails."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        done = subprocess.run(
            [exe, NVIDIA_SMI_QUERY, "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=NVIDIA_SMI_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    return parse_nvidia_smi(done.stdout) if done.returncode == 0 else []


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a number above 0")
    return value


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python3 -m mlwb_runtime.agent", description="Prints one JSON line of resource use per interval.")
    parser.add_argument("--interval", type=_positive_float, default=None, help="seconds between lines (default 2; 1 with --once)")
    parser.add_argument("--once", action="store_true", help="print one line, measured over one interval, and exit")
    parser.add_argument("--cgroup-root", default="/sys/fs/cgroup", help=argparse.SUPPRESS)
    parser.add_argument("--proc-root", default="/proc", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def run(sampler: Sampler, interval: float, once: bool, stop: threading.Event, out: TextIO) -> int:
    while not stop.wait(interval):
        try:
            line = json.dumps(sampler.sample(), separators=(",", ":"))
        except Exception as err:  # a sample must never end the agent
            print(f"mlwb agent: sample failed: {err!r}", file=sys.stderr, flush=True)
            continue
        try:
            out.write(line + "\n")
            out.flush()
        except (BrokenPipeError, ValueError):  # the reader went away
            return 0
        if once:
            break
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    interval = args.interval if args.interval is not None else (1.0 if args.once else 2.0)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda _signum, _frame: stop.set())
    sampler = Sampler(args.cgroup_root, args.proc_root)
    code = run(sampler, interval, args.once, stop, sys.stdout)
    try:
        sys.stdout.flush()
    except (BrokenPipeError, ValueError):
        # keep the interpreter from reporting the closed pipe again at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return code


if __name__ == "__main__":
    sys.exit(main())
