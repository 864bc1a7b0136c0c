# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
from glob import glob

from setuptools import find_packages, setup

PACKAGE = "hri_emo_ros"

setup(
    name=PACKAGE,
    version="0.1.0",
    packages=find_packages(include=[PACKAGE, f"{PACKAGE}.*"]),
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
        (f"share/{PACKAGE}/config", glob("config/*.yaml") + glob("config/*.xml")),
        (f"share/{PACKAGE}/models", glob("models/*")),
    ],
    install_requires=["setuptools"],
    extras_require={"test": ["pytest"]},
    zip_safe=False,
    maintainer="hri_emo authors",
    maintainer_email="hri-emo@example.org",
    description="Emotional awareness of the people around a robot (ROS 2, PyTorch).",
    license="Apache-2.0",
    entry_points={
        "console_scripts": [
            "hri-emo = hri_emo_ros.cli:main",
            "face_node = hri_emo_ros.nodes.face_node:main",
            "voice_node = hri_emo_ros.nodes.voice_node:main",
            "text_node = hri_emo_ros.nodes.text_node:main",
            "fusion_node = hri_emo_ros.nodes.fusion_node:main",
            "decoder_node = hri_emo_ros.nodes.decoder_node:main",
            "hierarchy_node = hri_emo_ros.nodes.hierarchy_node:main",
            "behavior_node = hri_emo_ros.nodes.behavior_node:main",
        ],
    },
)
