"""Tests of the resource agent against fake cgroup and /proc trees and a fake nvidia-smi."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from unittest import mock

from mlwb_runtime import agent

RUNTIME_DIR = Path(__file__).resolve().parent.parent
GIB = 1024**3


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def fake_proc(root: Path, busy_ticks: int = 1000) -> Path:
    proc = root / "proc"
    write(proc, "stat", f"cpu  {busy_ticks} 0 0 5000 100 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n")
    write(proc, "meminfo", "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:   12000000 kB\n")
    return proc


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def no_gpus() -> list[dict[str, object]]:
    return []


class TempDirTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.root = Path(tmp.name)
        self.cgroup = self.root / "cgroup"
        self.cgroup.mkdir()
        self.proc = fake_proc(self.root)
        self.clock = Clock()

    def sampler(self) -> agent.Sampler:
        return agent.Sampler(str(self.cgroup), str(self.proc), gpu_reader=no_gpus, clock=self.clock)


class CgroupV2Test(TempDirTest):
    def setUp(self) -> None:
        super().setUp()
        write(self.cgroup, "cgroup.controllers", "cpu memory pids\n")
        write(self.cgroup, "cpu.stat", "usage_usec 1000000\nuser_usec 600000\nsystem_usec 400000\n")
        write(self.cgroup, "cpu.max", "150000 100000\n")
        write(self.cgroup, "memory.current", "300000000\n")
        write(self.cgroup, "memory.stat", "anon 200000000\ninactive_file 100000000\nactive_file 5\n")
        write(self.cgroup, "memory.max", f"{2 * GIB}\n")

    def test_reads_usage_and_limits(self) -> None:
        sampler = self.sampler()
        write(self.cgroup, "cpu.stat", "usage_usec 1500000\n")  # +0.5 s of CPU
        self.clock.now += 1_000_000_000  # in 1 s
        line = sampler.sample()
        self.assertEqual(line["cpu"], {"percent": 50.0, "limitCpus": 1.5})
        self.assertEqual(line["memory"], {"usedBytes": 200_000_000, "limitBytes": 2 * GIB})
        self.assertEqual(line["gpus"], [])

    def test_max_means_no_limit(self) -> None:
        write(self.cgroup, "cpu.max", "max 100000\n")
        write(self.cgroup, "memory.max", "max\n")
        line = self.sampler().sample()
        self.assertIsNone(line["cpu"]["limitCpus"])
        self.assertIsNone(line["memory"]["limitBytes"])

    def test_root_cgroup_without_memory_files_falls_back_to_proc_for_usage(self) -> None:
        (self.cgroup / "memory.current").unlink()
        (self.cgroup / "memory.max").unlink()
        line = self.sampler().sample()
        self.assertEqual(line["memory"], {"usedBytes": 4_000_000 * 1024, "limitBytes": None})

    def test_several_cpus_busy_read_above_100(self) -> None:
        sampler = self.sampler()
        write(self.cgroup, "cpu.stat", "usage_usec 5000000\n")  # +4 s of CPU
        self.clock.now += 2_000_000_000  # in 2 s
        self.assertEqual(sampler.sample()["cpu"]["percent"], 200.0)


class CgroupV1Test(TempDirTest):
    def setUp(self) -> None:
        super().setUp()
        # Docker on a cgroup v1 host with separate cpu and cpuacct hierarchies, as on this build host
        write(self.cgroup, "cpuacct/cpuacct.usage", "2000000000\n")
        write(self.cgroup, "cpu/cpu.cfs_quota_us", "50000\n")
        write(self.cgroup, "cpu/cpu.cfs_period_us", "100000\n")
        write(self.cgroup, "memory/memory.usage_in_bytes", "600000000\n")
        write(self.cgroup, "memory/memory.stat", "cache 1\ntotal_inactive_file 100000000\n")
        write(self.cgroup, "memory/memory.limit_in_bytes", "536870912\n")

    def test_reads_usage_and_limits(self) -> None:
        sampler = self.sampler()
        write(self.cgroup, "cpuacct/cpuacct.usage", "2250000000\n")  # +0.25 s
        self.clock.now += 500_000_000  # in 0.5 s
        line = sampler.sample()
        self.assertEqual(line["cpu"], {"percent": 50.0, "limitCpus": 0.5})
        self.assertEqual(line["memory"], {"usedBytes": 500_000_000, "limitBytes": 536870912})

    def test_combined_cpu_cpuacct_hierarchy(self) -> None:
        for name in ("cpuacct/cpuacct.usage", "cpu/cpu.cfs_quota_us", "cpu/cpu.cfs_period_us"):
            (self.cgroup / name).unlink()
        (self.cgroup / "cpu").rmdir()
        (self.cgroup / "cpuacct").rmdir()
        write(self.cgroup, "cpu,cpuacct/cpuacct.usage", "10\n")
        write(self.cgroup, "cpu,cpuacct/cpu.cfs_quota_us", "200000\n")
        write(self.cgroup, "cpu,cpuacct/cpu.cfs_period_us", "100000\n")
        self.assertEqual(self.sampler().sample()["cpu"]["limitCpus"], 2.0)

    def test_unlimited_values_are_null(self) -> None:
        write(self.cgroup, "cpu/cpu.cfs_quota_us", "-1\n")
        write(self.cgroup, "memory/memory.limit_in_bytes", "9223372036854771712\n")
        line = self.sampler().sample()
        self.assertIsNone(line["cpu"]["limitCpus"])
        self.assertIsNone(line["memory"]["limitBytes"])

    def test_malformed_and_missing_files_never_raise(self) -> None:
        write(self.cgroup, "cpuacct/cpuacct.usage", "garbage\n")
        write(self.cgroup, "cpu/cpu.cfs_period_us", "\n")
        (self.cgroup / "memory/memory.stat").unlink()
        (self.cgroup / "memory/memory.usage_in_bytes").write_bytes(b"\xff\xfe")
        line = self.sampler().sample()
        self.assertIsNone(line["cpu"]["limitCpus"])
        # usage falls back to /proc, whose first reading is the baseline: no time passed, no percent
        self.assertIsNone(line["cpu"]["percent"])
        self.assertEqual(line["memory"]["usedBytes"], 4_000_000 * 1024)
        self.assertEqual(line["memory"]["limitBytes"], 536870912)


class ProcFallbackTest(TempDirTest):
    def test_no_cgroup_reads_the_machine(self) -> None:
        sampler = self.sampler()
        ticks = os.sysconf("SC_CLK_TCK")
        fake_proc(self.root, busy_ticks=1000 + ticks)  # +1 CPU-second
        self.clock.now += 4_000_000_000
        line = sampler.sample()
        self.assertEqual(line["cpu"], {"percent": 25.0, "limitCpus": None})
        self.assertEqual(line["memory"], {"usedBytes": 4_000_000 * 1024, "limitBytes": None})

    def test_nothing_readable_gives_nulls(self) -> None:
        sampler = agent.Sampler(str(self.root / "none"), str(self.root / "none"), gpu_reader=no_gpus, clock=self.clock)
        self.clock.now += 1
        line = sampler.sample()
        self.assertEqual(line["cpu"], {"percent": None, "limitCpus": None})
        self.assertEqual(line["memory"], {"usedBytes": None, "limitBytes": None})
        self.assertRegex(line["t"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


FAKE_SMI = """#!/bin/sh
[ "$1" = "--query-gpu=index,name,utilization.gpu,memory.used,memory.total" ] || exit 9
[ "$2" = "--format=csv,noheader,nounits" ] || exit 9
printf '0, NVIDIA H100 80GB HBM3, 37, 1024, 81559\\n1, NVIDIA A10, [N/A], 0, 22731\\n'
"""


class GpuTest(unittest.TestCase):
    def setUp(self) -> None:
        tmp = tempfile.TemporaryDirectory()
        self.addCleanup(tmp.cleanup)
        self.bin = Path(tmp.name)

    def install(self, script: str) -> None:
        path = self.bin / "nvidia-smi"
        path.write_text(script, encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def read(self) -> list[dict[str, object]]:
        with mock.patch.dict(os.environ, {"PATH": str(self.bin)}):
            return agent.read_gpus()

    def test_reads_nvidia_smi_on_path(self) -> None:
        self.install(FAKE_SMI)
        self.assertEqual(
            self.read(),
            [
                {"index": 0, "name": "NVIDIA H100 80GB HBM3", "utilizationPercent": 37.0, "memoryUsedBytes": 1024 * agent.MIB, "memoryTotalBytes": 81559 * agent.MIB},
                {"index": 1, "name": "NVIDIA A10", "utilizationPercent": None, "memoryUsedBytes": 0, "memoryTotalBytes": 22731 * agent.MIB},
            ],
        )

    def test_no_nvidia_smi_is_no_gpus(self) -> None:
        self.assertEqual(self.read(), [])

    def test_failing_nvidia_smi_is_no_gpus(self) -> None:
        self.install("#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver' >&2\nexit 9\n")
        self.assertEqual(self.read(), [])

    def test_garbage_lines_are_skipped(self) -> None:
        self.assertEqual(agent.parse_nvidia_smi("No devices were found\n\n"), [])


class RunLoopTest(TempDirTest):
    def test_a_failing_sample_is_reported_and_the_loop_goes_on(self) -> None:
        calls = []

        def flaky() -> list[dict[str, object]]:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("boom")
            return []

        sampler = agent.Sampler(str(self.cgroup), str(self.proc), gpu_reader=flaky)
        out = io.StringIO()
        with mock.patch("sys.stderr", io.StringIO()) as err:
            code = agent.run(sampler, 0.01, True, threading.Event(), out)
        self.assertEqual(code, 0)
        self.assertIn("boom", err.getvalue())
        self.assertEqual(len(out.getvalue().splitlines()), 1)


def run_agent(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(RUNTIME_DIR)}
    return subprocess.Popen([sys.executable, "-m", "mlwb_runtime.agent", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kwargs)


class CommandLineTest(TempDirTest):
    def test_once_prints_one_json_line(self) -> None:
        write(self.cgroup, "memory/memory.usage_in_bytes", "1000\n")
        write(self.cgroup, "memory/memory.limit_in_bytes", "4096\n")
        proc = run_agent("--once", "--interval", "0.1", "--cgroup-root", str(self.cgroup), "--proc-root", str(self.proc))
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 1)
        sample = json.loads(lines[0])
        self.assertEqual(sorted(sample), ["cpu", "gpus", "memory", "t"])
        self.assertEqual(sample["memory"], {"usedBytes": 1000, "limitBytes": 4096})

    def test_reads_this_machine_without_crashing(self) -> None:
        proc = run_agent("--once", "--interval", "0.1")
        out, err = proc.communicate(timeout=20)
        self.assertEqual(proc.returncode, 0, err)
        sample = json.loads(out)
        self.assertIsInstance(sample["cpu"]["percent"], float)
        self.assertIsInstance(sample["memory"]["usedBytes"], int)

    def test_sigterm_exits_cleanly(self) -> None:
        proc = run_agent("--interval", "0.05")
        try:
            first = proc.stdout.readline() if proc.stdout else ""
            self.assertTrue(json.loads(first))
            proc.send_signal(signal.SIGTERM)
            _, err = proc.communicate(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(err, "")

    def test_a_closed_reader_ends_it_quietly(self) -> None:
        proc = run_agent("--interval", "0.02")
        assert proc.stdout is not None
        proc.stdout.readline()
        proc.stdout.close()
        started = time.monotonic()
        code = proc.wait(timeout=10)
        self.assertLess(time.monotonic() - started, 10)
        assert proc.stderr is not None
        with proc.stderr:
            err = proc.stderr.read()
        self.assertEqual(code, 0)
        self.assertEqual(err, "")

    def test_rejects_a_bad_interval(self) -> None:
        proc = run_agent("--interval", "0")
        _, err = proc.communicate(timeout=10)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--interval", err)


if __name__ == "__main__":
    unittest.main()
