# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The graph's processes for a benchmark: placements, start-up, CPU and memory, teardown.

A placement (`nodes/placement.py`) says which stages share a process. Each process is
`hri-emo run --stages ...` with its own log file, in an environment of its own (ROS domain,
HOME in a temporary directory so no persisted state of the user is read or written). CPU
time and peak memory are read from /proc (Linux) for each process and its descendants. No
rclpy here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from hri_emo_ros.nodes.placement import Placement

SIGINT_GRACE_S = 15.0


class GraphBenchError(RuntimeError):
    """The benchmark cannot go on; `reason` names the kind of problem."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def hri_emo_executable() -> str:
    path = shutil.which("hri-emo")
    if path is None:
        raise GraphBenchError("not_on_path", "hri-emo is not on PATH: build the workspace and "
                              "source scripts/env.sh in this shell")
    return path


def graph_environment(domain_id: int, home: Path, profile: Path | None = None) -> dict[str, str]:
    """This process's environment for a graph in `domain_id` whose HOME (hence ~/.ros state
    and logs) is `home`; `profile` sets the Fast DDS XML profile."""
    env = dict(os.environ, ROS_DOMAIN_ID=str(domain_id), HOME=str(home),
               ROS_HOME=str(home / ".ros"), ROS_LOG_DIR=str(home / "ros_log"),
               ROS_AUTOMATIC_DISCOVERY_RANGE="LOCALHOST", HF_HUB_OFFLINE="1",
               PYTHONUNBUFFERED="1")
    if profile is not None:
        env["FASTDDS_DEFAULT_PROFILES_FILE"] = env["FASTRTPS_DEFAULT_PROFILES_FILE"] = str(profile)
    return env


# -- /proc ------------------------------------------------------------------------------------
def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on


def process_tree(pid: int) -> list[int]:
    """`pid` and its living descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of `pids` so far (those that still exist)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _status_kb(pid: int, key: str, name: str = "status") -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def peak_rss_bytes(pids: list[int]) -> int:
    """Sum of each process's peak resident set (VmHWM)."""
    return sum(_status_kb(pid, "VmHWM") for pid in pids) * 1024


def pss_bytes(pids: list[int]) -> int:
    """Sum of proportional set sizes now (shared pages split between their users)."""
    return sum(_status_kb(pid, "Pss", "smaps_rollup") for pid in pids) * 1024


# -- processes --------------------------------------------------------------------------------
class GraphProcesses:
    """`hri-emo run` processes for one placement; a context manager that always tears down."""

    def __init__(self, placement: Placement, config: Path, device: str, env: dict[str, str],
                 log_dir: Path, executable: str | None = None) -> None:
        if not Path("/proc/self/stat").exists():
            raise GraphBenchError("no_proc", "the graph benchmark reads CPU and memory from "
                                  "/proc and needs Linux")
        self.placement = placement
        self.executable = executable or hri_emo_executable()
        self.config, self.device, self.env, self.log_dir = config, device, env, log_dir
        self.processes: list[subprocess.Popen] = []
        self.log_paths: list[Path] = []

    def start(self) -> None:
        for index, stages in enumerate(self.placement.groups):
            log_path = self.log_dir / f"{index:02d}_{'+'.join(stages)}.log"
            with open(log_path, "wb") as log:
                command = [self.executable, "run", "--config", str(self.config),
                           "--stages", ",".join(stages), "--device", self.device]
                self.processes.append(subprocess.Popen(
                    command, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                    start_new_session=True))  # its own group: SIGKILL reaches its children
            self.log_paths.append(log_path)

    def check_alive(self) -> None:
        for process, stages, log in zip(self.processes, self.placement.groups, self.log_paths,
                                        strict=True):
            if process.poll() is not None:
                raise GraphBenchError("graph_died", f"the process running {'+'.join(stages)} "
                                      f"exited with code {process.returncode}:\n"
                                      f"{log_tail(log)}")

    def pids(self) -> list[list[int]]:
        return [process_tree(p.pid) for p in self.processes if p.poll() is None]

    def usage(self) -> dict:
        """CPU seconds so far, peak RSS and PSS now, per process and summed."""
        per_process = []
        for stages, process in zip(self.placement.groups, self.processes, strict=True):
            tree = process_tree(process.pid) if process.poll() is None else []
            per_process.append({"stages": list(stages), "pid": process.pid,
                                "processes": len(tree), "cpu_s": round(cpu_seconds(tree), 3),
                                "peak_rss_mb": round(peak_rss_bytes(tree) / 1e6, 1),
                                "pss_mb": round(pss_bytes(tree) / 1e6, 1)})
        return {"per_process": per_process,
                "cpu_s": round(sum(p["cpu_s"] for p in per_process), 3),
                "peak_rss_mb": round(sum(p["peak_rss_mb"] for p in per_process), 1),
                "pss_mb": round(sum(p["pss_mb"] for p in per_process), 1)}

    def stop(self, grace_s: float = SIGINT_GRACE_S) -> list[int | None]:
        """SIGINT to every process, then SIGKILL to the groups of those still running."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + grace_s
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        return [p.returncode for p in self.processes]

    def __enter__(self) -> GraphProcesses:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
