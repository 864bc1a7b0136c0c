# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Lint-style checks that ROS packages carry: licence headers, package manifests, layout."""

from __future__ import annotations

import ast
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = ("# Copyright 2026 The hri_emo authors", "# SPDX-License-Identifier: Apache-2.0")


def tracked_python_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "*.py"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / name for name in listed]


def test_every_python_file_has_the_licence_header():
    missing = [str(p.relative_to(ROOT)) for p in tracked_python_files()
               if tuple(p.read_text(encoding="utf-8").splitlines()[:2]) != HEADER]
    assert missing == []


def test_core_modules_do_not_import_rclpy():
    """Functional core, ROS shell: only nodes/ and launch files may talk to ROS."""
    offenders = []
    for path in (ROOT / "hri_emo_ros").rglob("*.py"):
        if "nodes" in path.relative_to(ROOT).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("rclpy", "launch", "launch_ros") for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def _manifest(path: Path) -> ET.Element:
    root = ET.parse(path).getroot()
    assert root.tag == "package" and root.get("format") == "3"
    return root


def test_package_manifests_are_complete():
    for manifest, build_type in [(ROOT / "package.xml", "ament_python"),
                                 (ROOT / "hri_emo_msgs" / "package.xml", "ament_cmake")]:
        root = _manifest(manifest)
        for tag in ("name", "version", "description", "maintainer", "license"):
            assert (root.findtext(tag) or "").strip(), f"{manifest}: <{tag}> missing"
        assert root.findtext("license") == "Apache-2.0"
        assert root.findtext("export/build_type") == build_type


def test_python_package_version_matches_manifest():
    from hri_emo_ros import __version__
    assert _manifest(ROOT / "package.xml").findtext("version") == __version__


def test_every_interface_is_generated():
    cmake = (ROOT / "hri_emo_msgs" / "CMakeLists.txt").read_text()
    for path in sorted((ROOT / "hri_emo_msgs").glob("*/*.*")):
        if path.suffix in (".msg", ".srv"):
            assert f'"{path.parent.name}/{path.name}"' in cmake, f"{path.name} not generated"


def test_every_stamped_message_has_a_header():
    for path in (ROOT / "hri_emo_msgs" / "msg").glob("*.msg"):
        if path.stem in ("Matrix", "LevelState", "AffectiveEvent"):
            continue  # embedded parts of stamped messages
        assert "std_msgs/Header header" in path.read_text(), path.name
