# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Start the hri_emo graph: perception, fusion, decoder, hierarchy and behaviour nodes.

    ros2 launch hri_emo_ros hri_emo.launch.py
    ros2 launch hri_emo_ros hri_emo.launch.py device:=cuda image_topic:=/head_camera/image \
        stages:=face,voice,text,fusion,decoder namespace:=robot1 processes:=multi

Every node is a managed (lifecycle) node that configures and activates itself
(`autostart: true` in the parameter file); set `autostart:=false` to drive the transitions
with `ros2 lifecycle set`. `processes` groups the nodes into processes (nodes sharing one
run in one executor, started as `hri-emo run --stages ...`); the default, "two", keeps the
camera's path (face, fusion, decoder) apart from voice, text, hierarchy and behaviour.
"""

from pathlib import Path

from launch.actions import DeclareLaunchArgument, OpaqueFunction
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node
from launch_ros.substitutions import FindPackageShare

from hri_emo_ros.nodes.parameter_file import namespaced_parameter_file
from hri_emo_ros.nodes.placement import parse_placement
from launch import LaunchDescription

PACKAGE = "hri_emo_ros"

# stage name -> (executable, node name, topic parameters taken from launch arguments)
STAGES = {
    "face": ("face_node", "hri_emo_face",
             {"image_topic": "image_topic", "compressed_topic": "compressed_image_topic"}),
    "voice": ("voice_node", "hri_emo_voice", {"audio_topic": "audio_topic"}),
    "text": ("text_node", "hri_emo_text",
             {"transcript_topic": "transcript_topic", "string_topic": "speech_string_topic"}),
    "fusion": ("fusion_node", "hri_emo_fusion", {}),
    "decoder": ("decoder_node", "hri_emo_decoder", {}),
    "hierarchy": ("hierarchy_node", "hri_emo_hierarchy", {}),
    "behavior": ("behavior_node", "hri_emo_behavior", {}),
}

# stages whose node declares a `device` parameter
DEVICE_STAGES = ("face", "text", "fusion", "decoder")

ARGUMENTS = {
    "config": ("", "Parameter file (default: the package's config/hri_emo.yaml)."),
    "namespace": ("", "Namespace for every node and its relative topics."),
    "device": ("auto", "Torch device for the models: auto, cpu or cuda."),
    "stages": ("face,voice,text,fusion,decoder,hierarchy,behavior",
               "Comma-separated stages to start."),
    "processes": ("two", "Which nodes share a process: two (face+fusion+decoder / the rest: "
                  "1.1 GB and mostly the shortest latency tail on a 2-core CPU), one (all), "
                  "multi (one per node) or a grouping such as face+fusion+decoder/voice+text/"
                  "hierarchy+behavior ('/' between processes)."),
    "autostart": ("true", "Configure and activate each node at start-up."),
    "use_sim_time": ("false", "Use /clock (e.g. when replaying a bag with --clock)."),
    "image_topic": ("/camera/image_raw", "sensor_msgs/Image input."),
    "compressed_image_topic": ("/camera/image_raw/compressed", "CompressedImage input."),
    "audio_topic": ("/audio/audio", "hri_emo_msgs/AudioFrame input."),
    "transcript_topic": ("/speech/transcript", "hri_emo_msgs/Transcript input."),
    "speech_string_topic": ("/speech/text", "std_msgs/String transcript input."),
}


def _nodes(context):
    def arg(name: str) -> str:
        return LaunchConfiguration(name).perform(context)

    namespace = arg("namespace")
    config = arg("config") or (
        FindPackageShare(PACKAGE).perform(context) + "/config/hri_emo.yaml")
    wanted = [s.strip() for s in arg("stages").split(",") if s.strip()]
    try:
        config = str(namespaced_parameter_file(Path(config), namespace))
        groups = parse_placement(arg("processes")).processes_for(wanted)
    except ValueError as error:
        raise RuntimeError(str(error)) from None
    common = {
        "use_sim_time": arg("use_sim_time").lower() == "true",
        "autostart": arg("autostart").lower() == "true",
    }
    nodes = []
    for group in groups:
        # Given as a dict, these reach every node of the process ('/**'); each topic
        # parameter is declared by one node only.
        overrides = dict(common)
        for stage in group:
            overrides.update({param: arg(launch_arg)
                              for param, launch_arg in STAGES[stage][2].items()})
        if set(group) & set(DEVICE_STAGES):
            overrides["device"] = arg("device")
        if len(group) == 1:
            executable, name = STAGES[group[0]][:2]
            arguments, parameters = [], [config, overrides]
        else:
            executable, name = "hri-emo", None
            arguments = ["run", "--config", config, "--stages", ",".join(group)]
            parameters = [overrides]
        nodes.append(Node(package=PACKAGE, executable=executable, name=name,
                          namespace=namespace, parameters=parameters, arguments=arguments,
                          output="screen", emulate_tty=True))
    return nodes


def generate_launch_description() -> LaunchDescription:
    return LaunchDescription(
        [DeclareLaunchArgument(name, default_value=default, description=text)
         for name, (default, text) in ARGUMENTS.items()]
        + [OpaqueFunction(function=_nodes)])
