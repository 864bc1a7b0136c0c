# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""`hri-emo evaluate`: score a fusion checkpoint on a public corpus with the corpus protocol.

    hri-emo evaluate --dataset iemocap --data-dir ~/data/IEMOCAP_full_release \\
        --checkpoint runs/fusion-iemocap-{fold}/model.pt --fold all
    hri-emo evaluate --dataset mosei --data-dir ~/data/CMU-MOSEI --checkpoint model.pt

Metrics follow the protocol of the corpus (CMU-MOSEI: per-emotion weighted accuracy and F1,
sentiment Acc2/F1 has-0 and non-0, Acc7, MAE, Pearson r; IEMOCAP: WA, UA and MulT's four
one-vs-rest tasks; CREMA-D/RAVDESS: WA, UA, macro-F1, per-class F1; CCC of valence and
arousal where labelled; calibration of the confidence and of the scores). `--fold all`
evaluates every fold of the protocol, each with its own checkpoint (`{fold}` in
--checkpoint), and adds the mean ± std over folds. Writes metrics.json, report.html and its
PNG figures under --out (default runs/evaluate-<dataset>-<time>/).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from dataclasses import asdict
from pathlib import Path

from hri_emo_ros.commands.arg_types import positive_int
from hri_emo_ros.commands.errors import CommandError

SPLITS = ("train", "calibration", "test")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "evaluate", help="score a fusion checkpoint on a public corpus (its protocol metrics)",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    from hri_emo_ros.corpora.registry import CORPUS_MODULES

    parser.add_argument("--dataset", required=True, metavar="NAME",
                        help=f"corpus: {', '.join(CORPUS_MODULES)}")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="where the corpus lies (obtained under its own licence)")
    parser.add_argument("--checkpoint", required=True, metavar="PT",
                        help="fusion checkpoint; may contain {fold}, e.g. "
                             "runs/fusion-iemocap-{fold}/model.pt")
    parser.add_argument("--fold", metavar="F|all",
                        help="fold of the protocol to evaluate, or 'all' (default: the "
                             "protocol's default fold)")
    parser.add_argument("--source", metavar="S",
                        help="which form of the corpus to read, as the adapter names it "
                             "(default: the one the checkpoint was trained on)")
    parser.add_argument("--allow-partial", action="store_true",
                        help="evaluate even when parts of the release are missing (as for "
                             "training)")
    parser.add_argument("--split", choices=SPLITS, default="test", help="default: test")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="output folder (default runs/evaluate-<dataset>-<time>/)")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda (default auto)")
    parser.add_argument("--threshold", type=float, default=0.5,
                        help="score at or above which an emotion counts as predicted present")
    parser.add_argument("--batch-size", type=positive_int, default=64)
    parser.set_defaults(run=run, prog=parser.prog)


def run(args: argparse.Namespace) -> int:
    from hri_emo_ros.common.device import resolve_device
    from hri_emo_ros.fusion.train_args import DATA_DIR_OPTIONAL

    protocol = _protocol(args.dataset)
    if args.data_dir is None and args.dataset not in DATA_DIR_OPTIONAL:
        raise CommandError(f"--dataset {args.dataset} needs --data-dir DIR, the directory "
                           f"holding the {args.dataset} download")
    if args.data_dir is not None and not args.data_dir.expanduser().is_dir():
        raise CommandError(f"{args.data_dir}: no such directory; expected the "
                           f"{args.dataset} download there")
    folds = _folds(protocol, args.fold)
    checkpoints = {fold: _checkpoint_path(args.checkpoint, fold, len(folds)) for fold in folds}
    missing = [str(path) for path in checkpoints.values() if not path.is_file()]
    if missing:  # before any fold is evaluated
        raise CommandError(f"{', '.join(missing)}: checkpoint not found")
    if not 0.0 < args.threshold < 1.0:
        raise CommandError(f"--threshold must be between 0 and 1, got {args.threshold}")
    try:
        device = resolve_device(args.device)
    except ValueError as error:
        raise CommandError(str(error)) from None
    out = args.out or Path("runs") / f"evaluate-{args.dataset}-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(f"{out}: cannot create the output folder "
                           f"({error.strerror or error})") from None

    from hri_emo_ros.corpora.evaluation import headline, summarise_folds
    from hri_emo_ros.corpora.evaluation_report import fold_figures, write_report

    result = {"dataset": args.dataset, "protocol": asdict(protocol), "split": args.split,
              "threshold": args.threshold, "device": str(device), "command": _command(args),
              "folds": {}}
    figures, headlines = {}, {}
    for fold in folds:
        metrics, pred, record = _evaluate_fold(args, protocol, fold, checkpoints[fold], device)
        figures[fold] = fold_figures(out, fold, metrics, pred)
        headlines[fold] = headline(metrics)
        result["folds"][fold] = {**record, "metrics": metrics, "headline": headlines[fold]}
    result["summary"] = summarise_folds({f: result["folds"][f]["metrics"] for f in folds})
    (out / "metrics.json").write_text(json.dumps(_json_safe(result), indent=1),
                                      encoding="utf-8")
    report = write_report(out / "report.html", result, figures, headlines)
    print(_terminal_table(headlines, result["summary"]))
    for fold in folds:
        note = _left_out(result["folds"][fold]["metrics"])
        if note:
            print(f"{fold}: {note}")
    print(f"report: {report}")
    return 0


def _protocol(name: str):
    from hri_emo_ros.corpora.registry import protocol

    try:
        return protocol(name)
    except ValueError as error:
        raise CommandError(str(error)) from None
    except ModuleNotFoundError as error:
        raise CommandError(f"dataset '{name}': its adapter cannot be imported "
                           f"({error})") from None
    except AttributeError:
        raise CommandError(f"dataset '{name}' defines no evaluation protocol (PROTOCOL)") \
            from None


def _folds(protocol, fold: str | None) -> list[str]:
    if fold == "all":
        return list(protocol.folds)
    chosen = fold or protocol.default_fold
    if chosen not in protocol.folds:
        raise CommandError(f"fold '{chosen}' is not a fold of {protocol.name}; choose from "
                           f"{', '.join(protocol.folds)} or all")
    return [chosen]


def _checkpoint_path(template: str, fold: str, fold_count: int) -> Path:
    if "{fold}" in template:
        return Path(template.replace("{fold}", fold))
    if fold_count > 1:
        raise CommandError("--fold all needs one checkpoint per fold: put {fold} in "
                           "--checkpoint, e.g. runs/fusion-iemocap-{fold}/model.pt")
    return Path(template)


def _evaluate_fold(args, protocol, fold: str, path: Path, device):
    from hri_emo_ros.corpora.evaluation import score_predictions
    from hri_emo_ros.fusion.checkpoint import load_checkpoint
    from hri_emo_ros.fusion.dataset import build_datasets
    from hri_emo_ros.fusion.errors import InvalidInput
    from hri_emo_ros.fusion.evaluate import EncoderDecoder, predict

    try:
        models = load_checkpoint(path)
    except FileNotFoundError:
        raise CommandError(f"{path}: checkpoint not found") from None
    except InvalidInput as error:
        if error.reason == "bad_checkpoint" and "not a readable checkpoint" in str(error):
            raise CommandError(f"{path}: not a readable fusion checkpoint") from None
        raise CommandError(f"{path}: {str(error).splitlines()[0]}") from None
    decoder = models.decoders.get("emotion")
    if decoder is None:
        raise CommandError(f"{path}: has no 'emotion' decoder (it has "
                           f"{', '.join(models.decoders) or 'none'})")
    emotions = tuple(decoder.config.emotions)
    if emotions != tuple(protocol.emotions):
        raise CommandError(f"{path} predicts {', '.join(emotions)} but the {protocol.name} "
                           f"protocol scores {', '.join(protocol.emotions)}; evaluate a model "
                           f"trained with --dataset {protocol.name}")
    config = models.metadata.get("config", {})
    data = _data_config(config, args, fold)
    try:
        dataset = build_datasets(data, protocol.emotions)[args.split]
    except (ValueError, KeyError, OSError) as error:
        raise CommandError(f"{protocol.name} in {args.data_dir}: {error}") from None
    if len(dataset) == 0:
        raise CommandError(f"the {args.split} split of {protocol.name} fold {fold} is empty")
    _check_features(models.feature_spec, dataset.feature_spec(), path, protocol.name)
    model = EncoderDecoder(models.encoder, decoder).to(device)
    try:
        pred = predict(model, dataset, device, args.batch_size, data.get("max_steps"))
    except InvalidInput as error:
        raise CommandError(f"{protocol.name} fold {fold}: {error}") from None
    metrics = score_predictions(pred, protocol, float(decoder.temperature), args.threshold)
    record = {"checkpoint": str(path), "encoder_id": models.encoder_id,
              "decoder_id": models.decoder_ids["emotion"], "samples": len(pred.scores),
              "data": dataset.description(), "temperature": float(decoder.temperature)}
    return metrics, pred, record


def _data_config(config: dict, args, fold: str) -> dict:
    """The checkpoint's training data section (same features, steps and options) when it was
    trained on this corpus, else the corpus's defaults; with this evaluation's data folder,
    fold and source."""
    from hri_emo_ros.fusion.train_args import corpus_config

    trained = dict(config.get("data", {}))
    if trained.get("adapter") == args.dataset:
        data = trained
    else:
        try:
            data = corpus_config(args.dataset, args.data_dir, fold, args.source)["data"]
        except ValueError as error:
            raise CommandError(str(error)) from None
    data.update({"adapter": args.dataset, "fold": fold, "seed": config.get("seed", 0)})
    if args.data_dir is not None:
        data["data_dir"] = str(args.data_dir.expanduser())
    if args.source is not None:
        data["source"] = args.source
    if args.allow_partial:
        data["allow_partial"] = True
    return data


def _check_features(trained: dict, given: dict, path: Path, dataset: str) -> None:
    """The checkpoint must read the feature space the dataset gives."""
    if trained != given:
        raise CommandError(f"{path} reads {_features(trained)} but {dataset} gives "
                           f"{_features(given)}; evaluate with the --source it was trained on")


def _features(spec: dict) -> str:
    from hri_emo_ros.fusion.feature_space import space_name

    return f"{space_name(spec)} features (widths {spec.get('feature_dims')})"


def _command(args) -> str:
    parts = ["hri-emo evaluate", f"--dataset {args.dataset}", f"--data-dir {args.data_dir}",
             f"--checkpoint {args.checkpoint}"]
    for flag, value in (("--fold", args.fold), ("--source", args.source)):
        if value is not None:
            parts.append(f"{flag} {value}")
    parts += [f"--split {args.split}", f"--threshold {args.threshold}"]
    return " ".join(parts)


def _fmt(value: float | None) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _terminal_table(headlines: dict, summary: dict) -> str:
    """Metrics as rows, folds as columns (+ mean ± std with several folds)."""
    folds = list(headlines)
    header = ["metric"] + folds + (["mean ± std"] if len(folds) > 1 else [])
    rows = []
    for name in summary:
        row = [name] + [_fmt(headlines[f].get(name)) for f in folds]
        if len(folds) > 1:
            row.append(f"{_fmt(summary[name]['mean'])} ± {_fmt(summary[name]['std'])}")
        rows.append(row)
    widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True)))
             for row in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _left_out(metrics: dict) -> str | None:
    """The samples the single-label metrics could not score, in words (None if none)."""
    if "classification" not in metrics:
        return None
    excluded = metrics["classification"]["excluded"]
    if not any(excluded.values()):
        return None
    return (f"WA/UA/F1 over {metrics['classification']['samples']} samples; left out: "
            f"{excluded['multi_label']} with several labels, {excluded['unlabelled']} "
            f"without a label")


def _json_safe(value):
    """NaN/Inf as null, so metrics.json is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value
