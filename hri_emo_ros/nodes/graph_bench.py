# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The real graph under real-time input, in several placements, and a peer baseline.

For each placement the graph's processes start (`graph_processes`), this process's
`GraphProbe` waits until every topic of the graph is matched, plays camera, audio and
transcripts for a warm-up and then for the measured window, and records every output.
Figures come from `stamp_latency.graph_figures`; CPU (process CPU seconds over the window's
wall time) and peak memory (VmHWM, summed over the graph's processes) from /proc. After
the placements the peer baseline (`perception.bench_peer`) runs in this process on the
same frames, with the graph stopped. Everything runs in a ROS domain of its own, checked
to hold no other nodes, and with HOME in a temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import rclpy
from rclpy.context import Context
from rclpy.executors import SingleThreadedExecutor
from rclpy.signals import SignalHandlerOptions

from hri_emo_ros.bags.errors import BagError
from hri_emo_ros.bags.playback_media import PlaybackMedia, load_playback_media
from hri_emo_ros.common.model_files import SOURCE_ROOT, config_path
from hri_emo_ros.common.stamp_latency import graph_figures
from hri_emo_ros.nodes.graph import STAGES
from hri_emo_ros.nodes.graph_probe import GraphProbe
from hri_emo_ros.nodes.graph_processes import (
    GraphBenchError,
    GraphProcesses,
    Placement,
    graph_environment,
    hri_emo_executable,
    log_tail,
)

SAMPLE_BAG = SOURCE_ROOT / "data" / "sample_session" / "bag"
PROBE_NODE = "hri_emo_bench_probe"


@dataclass
class GraphBenchOptions:
    placements: list[Placement]
    seconds: float = 30.0
    warmup_s: float = 5.0
    device: str = "auto"
    camera: str = "compressed"
    rate_hz: float = 30.0
    transcript_period_s: float = 3.0
    config: Path = field(default_factory=lambda: config_path("hri_emo.yaml"))
    ready_timeout_s: float = 180.0
    first_output_timeout_s: float = 60.0
    drain_s: float = 1.5
    domain_id: int | None = None
    baseline_frames: int = 300
    log_dir: Path | None = None
    bag: Path = SAMPLE_BAG


def run_graph_bench(options: GraphBenchOptions,
                    progress: Callable[[str], None] = lambda line: None) -> dict:
    """Every figure of every placement and of the peer baseline, as plain data."""
    hri_emo_executable()
    if not options.config.is_file():
        raise GraphBenchError("no_config", f"{options.config}: parameter file not found")
    try:
        media = load_playback_media(options.bag)
    except (BagError, OSError) as error:
        raise GraphBenchError("no_media", f"{options.bag}: {error}") from None
    profile = config_path("fastdds_shm.xml") if options.camera == "raw" else None
    placements: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="hri_emo_bench_graph_") as tmp, \
            _harness_environment(Path(tmp), profile), _sigterm_as_interrupt():
        context, domain = open_quiet_domain(options.domain_id)
        progress(f"ROS domain {domain}; HOME of the graph under {tmp}")
        try:
            for index, placement in enumerate(options.placements):
                progress(f"placement {placement.name}: {len(placement.groups)} process(es)")
                home = Path(tmp) / f"placement{index}"
                log_dir = (options.log_dir / f"{index:02d}_{_slug(placement.name)}"
                           if options.log_dir else home / "logs")
                log_dir.mkdir(parents=True, exist_ok=True)
                env = graph_environment(domain, home, profile)
                figures = placements[placement.name] = measure_placement(
                    context, placement, media, options, env, log_dir)
                progress(f"placement {placement.name}: ready after {figures['ready_s']:.1f} s, "
                         f"measured {figures['window_s']:.1f} s")
        finally:
            rclpy.try_shutdown(context=context)
    progress(f"peer baseline: {options.baseline_frames} frames")
    baseline = _baseline(media, options)
    return {"domain_id": domain, "device": options.device,
            "inputs": _inputs(media, options), "placements": placements,
            "baseline": baseline, "ratios": _ratios(placements, baseline)}


def open_quiet_domain(requested: int | None, listen_s: float = 1.0) -> tuple[Context, int]:
    """An rclpy context in a ROS domain where no other node is seen within `listen_s`."""
    candidates = [requested] if requested is not None else [
        (os.getpid() + 11 * i) % 97 + 1 for i in range(8)]
    for domain in candidates:
        context = Context()
        rclpy.init(context=context, domain_id=domain,
                   signal_handler_options=SignalHandlerOptions.NO)
        node = rclpy.create_node(PROBE_NODE + "_domain", context=context)
        executor = SingleThreadedExecutor(context=context)
        executor.add_node(node)
        deadline = time.monotonic() + listen_s
        while time.monotonic() < deadline:
            executor.spin_once(timeout_sec=0.05)
        others = sorted({name for name, _ in node.get_node_names_and_namespaces()}
                        - {node.get_name()})
        executor.shutdown()
        node.destroy_node()
        if not others:
            return context, domain
        rclpy.try_shutdown(context=context)
        if requested is not None:
            raise GraphBenchError("domain_in_use", f"ROS domain {domain} already holds the "
                                  f"nodes {', '.join(others)}; choose another --domain-id")
    raise GraphBenchError("no_free_domain", f"ROS domains {candidates} all hold other nodes; "
                          "pass a free one with --domain-id")


def measure_placement(context: Context, placement: Placement, media: PlaybackMedia,
                      options: GraphBenchOptions, env: dict[str, str], log_dir: Path) -> dict:
    processes = GraphProcesses(placement, options.config, options.device, env, log_dir)
    probe = GraphProbe(media, options.camera, options.rate_hz, options.transcript_period_s,
                       context=context)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(probe)

    def spin_for(seconds: float, done: Callable[[], bool] = lambda: False) -> bool:
        deadline, next_check = time.monotonic() + seconds, 0.0
        while time.monotonic() < deadline:
            if time.monotonic() >= next_check:
                processes.check_alive()
                next_check = time.monotonic() + 0.5
                if done():
                    return True
            executor.spin_once(timeout_sec=0.005)
        return done()

    started = time.monotonic()
    try:
        processes.start()
        if not spin_for(options.ready_timeout_s, lambda: not probe.missing_endpoints()):
            raise GraphBenchError("not_ready", _not_ready(probe, processes, options))
        ready_s = time.monotonic() - started
        probe.start_playback()
        spin_for(options.warmup_s)
        if not spin_for(options.first_output_timeout_s,
                        lambda: bool(probe.log.received["emotion"])):
            raise GraphBenchError("no_output", "no EmotionState arrived within "
                                  f"{options.warmup_s + options.first_output_timeout_s:.0f} s "
                                  f"of playback; logs in {log_dir}:\n"
                                  f"{log_tail(processes.log_paths[-1])}")
        load_start = os.getloadavg()[0]
        window_start, usage_start, harness_start = (time.time_ns(), processes.usage(),
                                                    time.process_time())
        spin_for(options.seconds)
        window_end, usage_end, harness_end = (time.time_ns(), processes.usage(),
                                              time.process_time())
        load_end = os.getloadavg()[0]
        probe.stop_playback()
        spin_for(options.drain_s)
        seen = {name for name, _ in probe.get_node_names_and_namespaces()}
    finally:
        executor.shutdown()
        probe.destroy_node()
        exit_codes = processes.stop()
    figures = graph_figures(probe.log, (window_start, window_end))
    wall = (window_end - window_start) / 1e9
    for before, after in zip(usage_start["per_process"], usage_end["per_process"],
                             strict=True):
        after["cpu_s"] = round(after["cpu_s"] - before["cpu_s"], 3)
    graph_cpu_s = usage_end["cpu_s"] - usage_start["cpu_s"]
    processed = figures["counts"]["camera_processed"]
    expected = {stage.node_name for stage in STAGES.values()} | {PROBE_NODE}
    return {
        "processes": usage_end["per_process"], "ready_s": round(ready_s, 2), **figures,
        "cpu": {"graph_cores": round(graph_cpu_s / wall, 3),
                "graph_cpu_s": round(graph_cpu_s, 3),
                "graph_cpu_ms_per_frame": (round(graph_cpu_s * 1e3 / processed, 2)
                                           if processed else None),
                "harness_cores": round((harness_end - harness_start) / wall, 3)},
        "memory": {"peak_rss_mb": usage_end["peak_rss_mb"], "pss_mb": usage_end["pss_mb"],
                   "harness_peak_rss_mb": round(
                       resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6, 1)},
        "node_diagnostics": probe.diagnostics,
        "load_average_1min": [round(load_start, 2), round(load_end, 2)],
        "exit_codes": exit_codes, "foreign_nodes": sorted(seen - expected),
        "logs": str(log_dir),
    }


def _not_ready(probe: GraphProbe, processes: GraphProcesses, options: GraphBenchOptions) -> str:
    tails = "\n".join(f"--- {path.name}\n{log_tail(path, 6)}" for path in processes.log_paths)
    return (f"the graph was not ready within {options.ready_timeout_s:.0f} s; unmatched: "
            f"{', '.join(probe.missing_endpoints())}\n{tails}")


def _baseline(media: PlaybackMedia, options: GraphBenchOptions) -> dict | None:
    if options.baseline_frames < 1:
        return None
    from hri_emo_ros.perception import bench_peer

    frames = [media.pictures[i] for i in media.frame_order]
    load_start = os.getloadavg()[0]
    figures = bench_peer.run(frames, options.baseline_frames, media.image_format,
                             options.device)
    figures["load_average_1min"] = [round(load_start, 2), round(os.getloadavg()[0], 2)]
    return figures


def _ratios(placements: dict[str, dict], baseline: dict | None) -> dict:
    """Our figures over the peer's per-frame figures (both measured in this run)."""
    if not baseline:
        return {}
    peer_ms, peer_cpu = baseline["ms_per_frame"]["p50"], baseline["cpu_ms_per_frame_p50"]
    ratios = {}
    for name, figures in placements.items():
        latency = figures["latency_ms"]
        cpu = figures["cpu"]["graph_cpu_ms_per_frame"]
        ratios[name] = {
            "face_features_p50_over_peer_p50": _ratio(latency["face_features"]["p50"], peer_ms),
            "end_to_end_p50_over_peer_p50": _ratio(latency["end_to_end"]["p50"], peer_ms),
            "graph_cpu_per_frame_over_peer_cpu_per_frame": _ratio(cpu, peer_cpu),
        }
    return ratios


def _ratio(ours: float | None, theirs: float) -> float | None:
    return round(ours / theirs, 3) if ours is not None and theirs > 0 else None


def _inputs(media: PlaybackMedia, options: GraphBenchOptions) -> dict:
    camera = ({"message": "sensor_msgs/CompressedImage", "format": media.image_format}
              if options.camera == "compressed" else
              {"message": "sensor_msgs/Image", "encoding": "rgb8"})
    return {"media": media.describe(), "camera": {**camera, "rate_hz": options.rate_hz},
            "audio": {"message": "hri_emo_msgs/AudioFrame", "sample_format": "S16LE",
                      "chunk_s": media.chunk_s, "sample_rate": media.sample_rate},
            "transcripts": {"message": "hri_emo_msgs/Transcript",
                            "period_s": options.transcript_period_s}}


def _slug(name: str) -> str:
    return name.replace("/", "_").replace("+", "-")


@contextlib.contextmanager
def _harness_environment(tmp: Path, profile: Path | None) -> Iterator[None]:
    """This process's ROS logs under `tmp` and, for raw frames, the Fast DDS profile."""
    changes = {"ROS_LOG_DIR": str(tmp / "harness_log"),
               "ROS_AUTOMATIC_DISCOVERY_RANGE": "LOCALHOST"}
    if profile is not None:
        changes["FASTDDS_DEFAULT_PROFILES_FILE"] = changes[
            "FASTRTPS_DEFAULT_PROFILES_FILE"] = str(profile)
    saved = {key: os.environ.get(key) for key in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt, so the graph's processes are still torn down."""

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
