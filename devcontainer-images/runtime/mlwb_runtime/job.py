"""Job runner: runs one command of a job inside an environment and reports how it ended.

    python3 -m mlwb_runtime.job --status FILE [--cwd DIR] [--grace SECONDS] -- COMMAND [ARG...]
    python3 -m mlwb_runtime.job --collect FILE

The backend talks to the runner over its stdin, one word a line:

- ``go`` starts the command (the backend first puts the runner where it belongs, e.g. into the
  environment's cgroup, so the command and every child start there);
- ``cancel``, or the end of stdin (the backend went away), stops the command's whole process tree:
  SIGTERM, then SIGKILL to whatever is left after the grace period.

The command inherits the runner's stdout and stderr (nothing is copied or buffered in between) and
gets ``PYTHONUNBUFFERED=1`` and an empty stdin. It runs in a session of its own, and the runner is
a child subreaper on Linux, so a grandchild that detaches is still found and stopped.

When the command has ended (and its leftover children have been stopped), the runner writes the
status FILE atomically — never on stdout or stderr, so the command's output cannot be mistaken for
it — and exits with the command's exit code (128 + N after signal N)::

    {"exitCode": 0, "signal": null, "oomKilled": false, "peakMemoryMiB": 12.5, "cancelled": false}

``peakMemoryMiB`` is the largest resident set of the process tree seen (sampled, and never below the
largest single process's peak the kernel reports); ``oomKilled`` is true when the command was
killed by SIGKILL while the memory cgroup's ``oom_kill`` counter went up. ``--collect`` prints a
status file and removes it (for drivers that cannot read the environment's files directly).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Callable, Optional, Sequence

MIB = 1024 * 1024
SAMPLE_INTERVAL_S = 0.2
LEFTOVER_GRACE_S = 2.0
PR_SET_CHILD_SUBREAPER = 36


# --- process tree (Linux /proc; elsewhere only the command's process group is known) -----------


def parent_map(proc: str = "/proc") -> dict[int, int]:
    """pid -> parent pid of every process we can see."""
    parents: dict[int, int] = {}
    try:
        names = os.listdir(proc)
    except OSError:
        return parents
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(os.path.join(proc, name, "stat"), encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError:
            continue
        # the command name (field 2) may hold spaces and parentheses: fields follow the last ')'
        fields = text[text.rfind(")") + 2 :].split()
        if len(fields) >= 2:
            parents[int(name)] = int(fields[1])
    return parents


def descendants(root: int, parents: dict[int, int]) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def rss_bytes(pid: int, proc: str = "/proc") -> int:
    """Resident set of one process (0 for a zombie or a process that is gone)."""
    try:
        with open(os.path.join(proc, str(pid), "statm"), encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# --- memory cgroup: where the kernel counts OOM kills ----------------------------------------


def memory_cgroup_file(proc_cgroup: str, mountinfo: str) -> Optional[str]:
    """The OOM counter file of this process's memory cgroup (v2 memory.events, v1 memory.oom_control)."""
    v2_path = v1_path = None
    for line in proc_cgroup.splitlines():
        parts = line.strip().split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2_path = parts[2]
        elif "memory" in parts[1].split(","):
            v1_path = parts[2]
    for line in mountinfo.splitlines():
        left, _, right = line.partition(" - ")
        fields, rest = left.split(" "), right.split(" ")
        if len(fields) < 5 or len(rest) < 3:
            continue
        root, mount_point, fs_type, options = fields[3], fields[4], rest[0], rest[2].split(",")
        if fs_type == "cgroup" and "memory" in options and v1_path is not None:
            return _join(mount_point, root, v1_path, "memory.oom_control")
        if fs_type == "cgroup2" and v2_path is not None and v1_path is None:
            return _join(mount_point, root, v2_path, "memory.events")
    return None


def _join(mount_point: str, root: str, cgroup_path: str, name: str) -> str:
    # inside a container without its own cgroup namespace the mount's root is the container's cgroup
    rel = cgroup_path[len(root) :] if root != "/" and cgroup_path.startswith(root) else ("" if root != "/" else cgroup_path)
    return os.path.join(mount_point, rel.lstrip("/"), name)


def oom_kills(path: Optional[str]) -> Optional[int]:
    if not path:
        return None
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
    except (OSError, ValueError):
        return None
    return None


def find_oom_file() -> Optional[str]:
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as a, open("/proc/self/mountinfo", encoding="utf-8") as b:
            return memory_cgroup_file(a.read(), b.read())
    except OSError:
        return None


# --- the run --------------------------------------------------------------------------------


def exit_code_of(returncode: int) -> int:
    """Shell convention: killed by signal N exits with 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def status_of(returncode: Optional[int], cancelled: bool, oom_before: Optional[int], oom_after: Optional[int], peak_bytes: int) -> dict:
    killed_by = -returncode if returncode is not None and returncode < 0 else None
    oom = (
        not cancelled
        and killed_by == getattr(signal, "SIGKILL", 9)
        and oom_before is not None
        and oom_after is not None
        and oom_after > oom_before
    )
    return {
        "exitCode": None if returncode is None else exit_code_of(returncode),
        "signal": signal_name(killed_by) if killed_by else None,
        "oomKilled": bool(oom),
        "peakMemoryMiB": round(peak_bytes / MIB, 1) if peak_bytes else None,
        "cancelled": cancelled,
    }


def write_status(path: str, status: dict) -> None:
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(status, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def become_subreaper() -> None:
    """Orphaned grandchildren are reparented to us instead of PID 1, so the tree walk still finds them."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class Tree:
    """The command's process tree: signalled as a whole, its memory sampled."""

    def __init__(self, child: subprocess.Popen) -> None:
        self.child = child
        self.peak = 0

    def members(self) -> list[int]:
        if sys.platform.startswith("linux"):
            return descendants(os.getpid(), parent_map())
        return [self.child.pid]

    def signal(self, sig: int) -> None:
        if os.name == "nt":
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(self.child.pid)], capture_output=True, check=False)
            return
        try:
            os.killpg(self.child.pid, sig)
        except OSError:
            pass  # the group is empty
        for pid in self.members():
            try:
                os.kill(pid, sig)
            except OSError:
                pass

    def alive(self) -> bool:
        return self.child.poll() is None or any(not _zombie(p) for p in self.members())

    def sample(self) -> None:
        if sys.platform.startswith("linux"):
            self.peak = max(self.peak, sum(rss_bytes(p) for p in self.members()))

    def stop(self, grace_s: float) -> None:
        """SIGTERM to every member, SIGKILL to what is left after the grace period; reaps them."""
        self.signal(signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while self.alive() and time.monotonic() < deadline:
            reap_orphans(self.child.pid)
            time.sleep(0.05)
        if self.alive():
            self.signal(getattr(signal, "SIGKILL", signal.SIGTERM))
        self.child.wait()
        reap_orphans(self.child.pid)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            text = f.read()
        return text[text.rfind(")") + 2 :].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def reap_orphans(main_pid: int) -> None:
    """Collects the exit status of reparented grandchildren (never the main child's: Popen owns it)."""
    if os.name == "nt":
        return
    for pid in descendants(os.getpid(), parent_map()) if sys.platform.startswith("linux") else []:
        if pid == main_pid:
            continue
        try:
            os.waitpid(pid, os.WNOHANG)
        except (ChildProcessError, OSError):
            pass


def watch_stdin(readline: Callable[[], str], on_cancel: Callable[[], None]) -> None:
    while True:
        line = readline()
        if not line or line.strip() == "cancel":
            on_cancel()
            return


def children_max_rss_bytes() -> int:
    try:
        import resource
    except ImportError:
        return 0
    value = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return value if sys.platform == "darwin" else value * 1024


def child_env(base: Optional[dict] = None) -> dict:
    env = dict(os.environ if base is None else base)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start(command: Sequence[str], cwd: Optional[str]) -> subprocess.Popen:
    options: dict = {"cwd": cwd, "env": child_env(), "stdin": subprocess.DEVNULL}
    if os.name == "nt":
        options["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    else:
        options["start_new_session"] = True
    return subprocess.Popen(list(command), **options)


def run(command: Sequence[str], cwd: Optional[str], status_file: str, grace_s: float, stdin=sys.stdin) -> int:
    first = stdin.readline()
    if first.strip() != "go":
        write_status(status_file, status_of(None, True, None, None, 0))
        return 130
    become_subreaper()
    oom_file = find_oom_file()
    oom_before = oom_kills(oom_file)
    try:
        child = start(command, cwd)
    except FileNotFoundError as err:
        print(f"mlwb job: cannot run {command[0]!r}: {err.strerror} ({err.filename or cwd})", file=sys.stderr, flush=True)
        write_status(status_file, status_of(127, False, None, None, 0))
        return 127
    except (PermissionError, NotADirectoryError, OSError) as err:
        print(f"mlwb job: cannot run {command[0]!r}: {err}", file=sys.stderr, flush=True)
        write_status(status_file, status_of(126, False, None, None, 0))
        return 126

    tree = Tree(child)
    cancelled = threading.Event()

    def cancel() -> None:
        if child.poll() is None and not cancelled.is_set():
            cancelled.set()
            threading.Thread(target=tree.stop, args=(grace_s,), daemon=True).start()

    threading.Thread(target=watch_stdin, args=(stdin.readline, cancel), daemon=True).start()
    while child.poll() is None:
        tree.sample()
        try:
            child.wait(timeout=SAMPLE_INTERVAL_S)
        except subprocess.TimeoutExpired:
            pass
    returncode = child.returncode
    # what the command left running in the background goes with it
    tree.stop(grace_s if cancelled.is_set() else LEFTOVER_GRACE_S)
    peak = max(tree.peak, children_max_rss_bytes())
    status = status_of(returncode, cancelled.is_set(), oom_before, oom_kills(oom_file), peak)
    write_status(status_file, status)
    return status["exitCode"]


def collect(status_file: str) -> int:
    try:
        with open(status_file, encoding="utf-8") as f:
            text = f.read()
    except OSError as err:
        print(f"mlwb job: no status: {err}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    sys.stdout.flush()
    try:
        os.remove(status_file)
    except OSError:
        pass
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m mlwb_runtime.job", description="Runs one job command; see the module's docstring.")
    parser.add_argument("--status", help="where to write the final status (JSON)")
    parser.add_argument("--collect", help="print this status file and remove it")
    parser.add_argument("--cwd", default=None)
    parser.add_argument("--grace", type=float, default=5.0, help="seconds between SIGTERM and SIGKILL on cancel")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    if args.collect:
        return collect(args.collect)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not args.status or not command:
        parser.error("--status and a command after -- are required")
    return run(command, args.cwd, args.status, args.grace)


if __name__ == "__main__":
    sys.exit(main())
