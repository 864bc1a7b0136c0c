# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""Behaviour benchmark: the agent against plain Q-learning and a random policy.

Each seed is a different simulated person with hidden preferences, met for `episodes`
encounters of `steps` decisions. Returns are normalised per seed: 0 = the random
policy's mean, 1 = the tabular oracle's (the oracle's decisions distilled onto the
agent's own states, i.e. the best reachable with what the agent can see). Reported per
method: episodes until the 20-encounter moving average reaches 90 % (censored seeds count
as episodes + 1), final return (last 30 encounters), area under the learning curve, with
95 % bootstrap confidence intervals over seeds; plus paired differences to Q-learning.

    python -m hri_emo_ros.behavior.bench --seeds 30 --episodes 200 --out-dir results/behavior
"""

from __future__ import annotations

import argparse
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from hri_emo_ros.behavior.bench_episodes import METHODS, EpisodeConfig, run_method
from hri_emo_ros.behavior.bench_stats import (
    bootstrap_ci,
    curve_band,
    episodes_to_threshold,
    moving_average,
    normalise,
)
from hri_emo_ros.behavior.repertoire import Repertoire, load_repertoire

DEFAULT_REPERTOIRE = Path(__file__).resolve().parents[2] / "config" / "behaviors.yaml"
LEARNERS = ("agent", "agent_no_dreaming", "agent_no_empowerment", "agent_no_generalisation",
            "q_learning")
THRESHOLD = 0.9
SMOOTHING = 20
FINAL_WINDOW = 30


def _job(args: tuple) -> tuple[str, int, np.ndarray]:
    method, repertoire, seed, config = args
    return method, seed, run_method(method, repertoire, seed, config)


def collect(repertoire: Repertoire, seeds: list[int], config: EpisodeConfig,
            methods: tuple[str, ...], workers: int) -> dict[str, np.ndarray]:
    """Scores per method: (n_seeds, episodes)."""
    jobs = [(m, repertoire, s, config) for m in methods for s in seeds]
    if workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_job, jobs))
    else:
        results = [_job(job) for job in jobs]
    scores = {m: np.zeros((len(seeds), config.episodes)) for m in methods}
    for method, seed, curve in results:
        scores[method][seeds.index(seed)] = curve
    return scores


def summarise(scores: dict[str, np.ndarray], episodes: int) -> dict:
    learners = tuple(m for m in LEARNERS if m in scores)
    low, high = scores["random"], scores["tabular_oracle"]
    summary: dict = {"reference": {
        name: bootstrap_ci(scores[name].mean(axis=1))
        for name in ("random", "tabular_oracle", "oracle")}}
    summary["oracle_normalised"] = bootstrap_ci(normalise(scores["oracle"], low, high).mean(1))
    curves, reach = {}, {}
    for method in learners + ("random",):
        normalised = normalise(scores[method], low, high)
        smoothed = moving_average(normalised, SMOOTHING)
        first = episodes_to_threshold(smoothed, THRESHOLD)
        reach[method] = np.where(np.isnan(first), episodes + 1, first)
        summary[method] = {
            "episodes_to_90pct": bootstrap_ci(reach[method], np.median),
            "seeds_reaching_90pct": int(np.sum(~np.isnan(first))),
            "final_normalised": bootstrap_ci(normalised[:, -FINAL_WINDOW:].mean(axis=1)),
            "final_return": bootstrap_ci(scores[method][:, -FINAL_WINDOW:].mean(axis=1)),
            "area_under_curve": bootstrap_ci(normalised.mean(axis=1)),
        }
        curves[method] = normalised
    for method in (m for m in learners if m.startswith("agent")):
        summary[method]["vs_q_learning"] = {
            "episodes_to_90pct_difference": bootstrap_ci(reach[method] - reach["q_learning"],
                                                         np.median),
            "area_under_curve_difference": bootstrap_ci(
                curves[method].mean(1) - curves["q_learning"].mean(1)),
        }
    summary["curves"] = {m: [np.round(x, 4).tolist() for x in curve_band(
        moving_average(c, SMOOTHING)[:, SMOOTHING - 1:])] for m, c in curves.items()}
    return summary


def plot(summary: dict, path: Path, seeds: int) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 5))
    for method, (mean, low, high) in summary["curves"].items():
        x = np.arange(SMOOTHING, SMOOTHING + len(mean))
        ax.plot(x, mean, label=method)
        ax.fill_between(x, low, high, alpha=0.2)
    ax.axhline(1.0, color="k", lw=0.8, label="tabular oracle (1.0)")
    ax.axhline(summary["oracle_normalised"][0], color="k", lw=0.8, ls=":",
               label="full-information oracle")
    ax.axhline(THRESHOLD, color="grey", lw=0.8, ls="--", label=f"{THRESHOLD:.0%} threshold")
    ax.set_xlabel("encounter with the simulated person")
    ax.set_ylabel(f"normalised return ({SMOOTHING}-encounter moving average)")
    ax.set_title(f"Behaviour learning curves, mean and 95 % CI over {seeds} simulated persons")
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def run(seeds: int | list[int] = 20, episodes: int = 200, out_dir: str | Path = "results",
        steps: int = 12, dream_budget: int = 400, workers: int | None = None,
        repertoire: Repertoire | None = None, methods: tuple[str, ...] = METHODS,
        distil_episodes: int = 100) -> dict:
    """Run the benchmark, write behavior_bench.json and behavior_learning_curves.png.

    `methods` must include agent, q_learning and the references random, oracle and
    tabular_oracle; the ablations are optional.
    """
    missing = {"agent", "q_learning", "random", "oracle", "tabular_oracle"} - set(methods)
    if missing:
        raise ValueError(f"methods lack {', '.join(sorted(missing))}")
    seed_list = list(range(seeds)) if isinstance(seeds, int) else list(seeds)
    if len(seed_list) < 2 or episodes < SMOOTHING + FINAL_WINDOW:
        raise ValueError(f"need >= 2 seeds and >= {SMOOTHING + FINAL_WINDOW} episodes")
    repertoire = repertoire or load_repertoire(DEFAULT_REPERTOIRE)
    config = EpisodeConfig(episodes=episodes, steps_per_episode=steps, dream_budget=dream_budget,
                           distil_episodes=distil_episodes)
    workers = workers or min(os.cpu_count() or 1, 8)
    started = time.perf_counter()
    scores = collect(repertoire, seed_list, config, tuple(methods), workers)
    summary = summarise(scores, episodes)
    summary["config"] = {"seeds": seed_list, "episodes": episodes, "steps": steps,
                         "dream_budget": dream_budget, "distil_episodes": distil_episodes,
                         "threshold": THRESHOLD,
                         "smoothing": SMOOTHING, "final_window": FINAL_WINDOW,
                         "repertoire": list(repertoire.names),
                         "wall_s": round(time.perf_counter() - started, 1)}
    summary["scores"] = {m: np.round(s, 4).tolist() for m, s in scores.items()}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "behavior_bench.json").write_text(json.dumps(summary, indent=1))
    plot(summary, out / "behavior_learning_curves.png", len(seed_list))
    return summary


def format_table(summary: dict) -> str:
    def ci(values: list, digits: int = 2) -> str:
        return f"{values[0]:.{digits}f} [{values[1]:.{digits}f}, {values[2]:.{digits}f}]"

    seeds = len(summary["config"]["seeds"])
    lines = [f"{'method':22s} {'episodes to 90%':>22s} {'reached':>8s} "
             f"{'final (norm.)':>20s} {'AUC (norm.)':>20s}"]
    for method in (m for m in LEARNERS + ("random",) if m in summary):
        row = summary[method]
        lines.append(f"{method:22s} {ci(row['episodes_to_90pct'], 0):>22s} "
                     f"{row['seeds_reaching_90pct']:>3d}/{seeds:<4d} "
                     f"{ci(row['final_normalised']):>20s} {ci(row['area_under_curve']):>20s}")
    ref = summary["reference"]
    lines.append("raw returns: random " + ci(ref["random"], 3) + ", tabular oracle "
                 + ci(ref["tabular_oracle"], 3) + ", oracle " + ci(ref["oracle"], 3))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--dream-budget", type=int, default=400)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out-dir", default="results/behavior")
    parser.add_argument("--repertoire", default=str(DEFAULT_REPERTOIRE))
    args = parser.parse_args(argv)
    summary = run(args.seeds, args.episodes, args.out_dir, args.steps, args.dream_budget,
                  args.workers, load_repertoire(args.repertoire))
    print(format_table(summary))
    print(f"wrote {args.out_dir}/behavior_bench.json and behavior_learning_curves.png "
          f"({summary['config']['wall_s']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
