# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The Fast DDS profile in config/ loads and gives participants a 16 MB shared-memory segment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("rclpy")

PROFILE = Path(__file__).resolve().parents[1] / "config" / "fastdds_shm.xml"
SHM = Path("/dev/shm")
SEGMENT_BYTES = 16 * 1024 * 1024

PARTICIPANT = """
import os, time, rclpy
from sensor_msgs.msg import Image
before = set(os.listdir("/dev/shm"))
rclpy.init()
node = rclpy.create_node("profile_probe")
node.create_publisher(Image, "camera", 10)
time.sleep(1.0)
segments = {f: os.path.getsize("/dev/shm/" + f) for f in set(os.listdir("/dev/shm")) - before
            if f.startswith(("fastrtps_", "fastdds_")) and not f.startswith(
                ("fastrtps_port", "fastdds_port")) and not f.endswith("_el")}
print("largest new segment:", max(segments.values(), default=0))
node.destroy_node()
rclpy.shutdown()
"""


def _run_participant(profile: Path | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for key in ("FASTDDS_DEFAULT_PROFILES_FILE", "FASTRTPS_DEFAULT_PROFILES_FILE"):
        env.pop(key, None)
        if profile is not None:
            env[key] = str(profile)
    return subprocess.run([sys.executable, "-c", PARTICIPANT], env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.skipif(not SHM.is_dir(), reason="no /dev/shm on this machine")
def test_profile_gives_a_large_shared_memory_segment(ros_domain):
    with_profile = _run_participant(PROFILE)
    assert with_profile.returncode == 0, with_profile.stderr
    assert "XMLPARSER" not in with_profile.stdout + with_profile.stderr, with_profile.stderr
    assert int(with_profile.stdout.split()[-1]) >= SEGMENT_BYTES

    default = _run_participant(None)
    assert default.returncode == 0, default.stderr
    assert int(default.stdout.split()[-1]) < SEGMENT_BYTES


def test_a_broken_profile_is_reported(tmp_path, ros_domain):
    broken = tmp_path / "broken.xml"
    broken.write_text(PROFILE.read_text().replace("</profiles>", ""))
    result = _run_participant(broken)
    assert "XMLPARSER" in result.stdout + result.stderr
