"""Tests of the job runner: real processes for the run, fake /proc texts for the cgroup lookup."""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

from mlwb_runtime import job

LINUX = sys.platform.startswith("linux")


class Stdin(io.TextIOBase):
    """A stdin the test writes lines to while the runner reads them."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cond = threading.Condition()
        self.closed_ = False

    def send(self, line: str) -> None:
        with self.cond:
            self.lines.append(line)
            self.cond.notify_all()

    def close_input(self) -> None:
        with self.cond:
            self.closed_ = True
            self.cond.notify_all()

    def readline(self, size: int = -1) -> str:  # noqa: ARG002 - io signature
        with self.cond:
            while not self.lines and not self.closed_:
                self.cond.wait()
            return self.lines.pop(0) if self.lines else ""


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class RunTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp())
        self.status_file = str(self.dir / "status.json")

    def status(self) -> dict:
        return json.loads(Path(self.status_file).read_text(encoding="utf-8"))

    def run_job(self, code: str, stdin: Stdin, cwd: str | None = None) -> int:
        return job.run([sys.executable, "-c", code], cwd, self.status_file, 2.0, stdin=stdin)

    def test_exit_code_and_status(self) -> None:
        stdin = Stdin()
        stdin.send("go\n")
        self.assertEqual(self.run_job("import sys; sys.exit(3)", stdin), 3)
        status = self.status()
        self.assertEqual(status["exitCode"], 3)
        self.assertFalse(status["oomKilled"])
        self.assertFalse(status["cancelled"])
        self.assertIsNone(status["signal"])

    def test_nothing_runs_without_go(self) -> None:
        stdin = Stdin()
        stdin.close_input()
        marker = self.dir / "ran"
        self.assertEqual(self.run_job(f"open({str(marker)!r}, 'w')", stdin), 130)
        self.assertFalse(marker.exists())
        self.assertTrue(self.status()["cancelled"])

    def test_missing_program_is_127(self) -> None:
        stdin = Stdin()
        stdin.send("go\n")
        code = job.run(["/no/such/program"], None, self.status_file, 1.0, stdin=stdin)
        self.assertEqual(code, 127)
        self.assertEqual(self.status()["exitCode"], 127)

    @unittest.skipUnless(LINUX, "process tree via /proc")
    def test_cancel_stops_the_tree_including_a_detached_grandchild(self) -> None:
        pid_file = self.dir / "grandchild.pid"
        daemon = self.dir / "daemon.py"
        # forks, leaves its session and outlives its parent: only a tree walk (or a subreaper) finds it
        daemon.write_text(
            "import os, time\n"
            "if os.fork(): os._exit(0)\n"
            "os.setsid()\n"
            f"open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
            "time.sleep(60)\n",
            encoding="utf-8",
        )
        code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, {str(daemon)!r}]).wait(); time.sleep(60)"
        stdin = Stdin()
        stdin.send("go\n")
        result: list[int] = []
        runner = threading.Thread(target=lambda: result.append(self.run_job(code, stdin)))
        runner.start()
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        grandchild = int(pid_file.read_text())
        self.assertTrue(pid_alive(grandchild))
        stdin.send("cancel\n")
        runner.join(30)
        self.assertEqual(result, [143])
        self.assertFalse(pid_alive(grandchild))
        status = self.status()
        self.assertTrue(status["cancelled"])
        self.assertEqual(status["signal"], "SIGTERM")

    @unittest.skipUnless(LINUX, "process tree via /proc")
    def test_end_of_input_cancels(self) -> None:
        stdin = Stdin()
        stdin.send("go\n")
        result: list[int] = []
        runner = threading.Thread(target=lambda: result.append(self.run_job("import time; time.sleep(60)", stdin)))
        runner.start()
        stdin.close_input()
        runner.join(30)
        self.assertEqual(result, [143])

    @unittest.skipUnless(LINUX, "RSS from /proc")
    def test_peak_memory_covers_the_tree(self) -> None:
        stdin = Stdin()
        stdin.send("go\n")
        self.assertEqual(self.run_job("x = bytearray(64 * 1024 * 1024); import time; time.sleep(0.5)", stdin), 0)
        self.assertGreaterEqual(self.status()["peakMemoryMiB"], 64)

    def test_working_directory(self) -> None:
        stdin = Stdin()
        stdin.send("go\n")
        out = self.dir / "cwd.txt"
        self.run_job(f"import os; open({str(out)!r}, 'w').write(os.getcwd())", stdin, cwd=str(self.dir))
        self.assertEqual(os.path.realpath(out.read_text()), os.path.realpath(self.dir))


class StatusTest(unittest.TestCase):
    def test_oom_needs_sigkill_and_a_rising_counter(self) -> None:
        self.assertTrue(job.status_of(-9, False, 0, 1, 0)["oomKilled"])
        self.assertFalse(job.status_of(-9, False, 1, 1, 0)["oomKilled"])
        self.assertFalse(job.status_of(-15, False, 0, 1, 0)["oomKilled"])
        self.assertFalse(job.status_of(-9, True, 0, 1, 0)["oomKilled"])
        self.assertFalse(job.status_of(-9, False, None, None, 0)["oomKilled"])
        self.assertEqual(job.status_of(-9, False, 0, 1, 0)["exitCode"], 137)

    def test_collect_prints_and_removes(self) -> None:
        path = Path(tempfile.mkdtemp()) / "s.json"
        path.write_text('{"exitCode": 0}', encoding="utf-8")
        out = io.StringIO()
        real, sys.stdout = sys.stdout, out
        try:
            self.assertEqual(job.collect(str(path)), 0)
        finally:
            sys.stdout = real
        self.assertEqual(out.getvalue(), '{"exitCode": 0}')
        self.assertFalse(path.exists())


class CgroupTest(unittest.TestCase):
    V1_CONTAINER = (
        "4:memory:/docker/abc\n1:cpu:/docker/abc\n0::/docker/abc\n",
        "35 30 0:30 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n",
    )
    V2_HOST = ("0::/user.slice/job\n", "30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n")
    V2_CONTAINER = ("0::/\n", "30 25 0:26 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw\n")

    def test_v1_in_a_container(self) -> None:
        self.assertEqual(job.memory_cgroup_file(*self.V1_CONTAINER), "/sys/fs/cgroup/memory/memory.oom_control")

    def test_v2(self) -> None:
        self.assertEqual(job.memory_cgroup_file(*self.V2_HOST), "/sys/fs/cgroup/user.slice/job/memory.events")
        self.assertEqual(job.memory_cgroup_file(*self.V2_CONTAINER), "/sys/fs/cgroup/memory.events")

    def test_reads_the_oom_kill_counter(self) -> None:
        path = Path(tempfile.mkdtemp()) / "memory.events"
        path.write_text("low 0\nhigh 0\nmax 3\noom 2\noom_kill 2\n", encoding="utf-8")
        self.assertEqual(job.oom_kills(str(path)), 2)
        self.assertIsNone(job.oom_kills(str(path) + ".missing"))


if __name__ == "__main__":
    unittest.main()
