"""Does labelling where the model is unsure beat labelling at random? The labelling loop of
Suggest features to label, simulated on a real scene set.

A simulated analyst starts with --start labelled chips per class and trains a model (the
product's FeatureClassifier: pretrained body frozen, as the tools train). Each of --rounds
rounds then labels --batch more chips of the pool (the analyst reads their true class) and
refines the model from the previous round's weights on all labels so far, as *Train scene
classifier* does with INITIAL_MODEL. Two analysts run from the same start and seed:
  (a) suggested: the chips Suggest features to label picks (core.workflows.suggest:
      uncertainty by --measure, most uncertain first, spread_out),
  (b) random: chips drawn at random from the same pool.
Accuracy is measured after every round on held-out chips (--held-out per class, never in
the pool). The same is repeated over --seeds (each seed: another pool, start and weights);
the last lines give the mean accuracy per round of each and the gain of (a) over (b), its
spread over seeds (standard deviation) and the standard error of its mean.

    .venv/bin/python bench/labelling_loop.py --seeds 20 --jobs 2
Last line: gain=X sd=Y se=Z (held-out accuracy, suggested minus random, rounds 1..R)
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.api import FeatureClassifier, prepare_data  # noqa: E402
from core.data.training_data import TrainingData  # noqa: E402
from core.runtime.feedback import Feedback  # noqa: E402
from core.workflows.suggest import MEASURES, Candidate, spread_out, uncertainty  # noqa: E402

SUGGESTED, RANDOM = "suggested", "random"
DATA = ROOT.parent / "shared" / "data" / "scenes" / "rsscn7"


@dataclasses.dataclass
class Run:
    """One analyst's held-out accuracy after the start and after each round, and how many
    labels of each class it had at the end."""

    accuracy: list[float]
    labels: list[int]


def train(data: TrainingData, chosen: list[int], args: argparse.Namespace, seed: int,
          start_from: FeatureClassifier | None) -> FeatureClassifier:
    """The model after training on the chosen pool chips: from the pretrained body (first
    round) or from the previous round's weights (INITIAL_MODEL), body frozen."""
    import torch

    torch.manual_seed(seed)
    labelled = dataclasses.replace(
        data, train_images=data.train_images[chosen],
        train_labels=data.train_labels[chosen], seed=seed,
        # fit() reports on validation chips each epoch; a few keep that cheap, the
        # held-out chips are measured apart
        valid_images=data.valid_images[:len(data.classes)],
        valid_labels=data.valid_labels[:len(data.classes)])
    model = FeatureClassifier(labelled, backbone=args.backbone, pretrained=True, device="cpu",
                              feedback=Feedback())
    if start_from is not None:
        model.trainer.model.load_state_dict(start_from.trainer.model.state_dict())
    model.fit(args.refine_epochs if start_from else args.epochs, lr=args.lr,
              checkpoint=False)
    return model


def accuracy(model: FeatureClassifier, data: TrainingData) -> float:
    """Overall accuracy on the held-out chips."""
    predicted = model.trainer.predict(data.valid_images).argmax(1)
    return float((predicted == data.valid_labels).float().mean())


def pick(model: FeatureClassifier, data: TrainingData, rest: np.ndarray, count: int,
         measure: str) -> list[int]:
    """The ``count`` chips of ``rest`` that Suggest features to label would suggest."""
    probabilities = model.trainer.predict(data.train_images[rest]).numpy()
    candidates = [Candidate(int(index), uncertainty(row, measure), (0.0, 0.0), "", 0.0)
                  for index, row in zip(rest, probabilities)]
    return [candidate.index for candidate in spread_out(candidates, count, 0.0)]


def simulate(seed: int, data: TrainingData, args: argparse.Namespace) -> dict[str, Run]:
    """Both analysts from one seed's pool, start and first model."""
    rng = np.random.default_rng(seed)
    labels = data.train_labels.numpy()
    classes = range(len(data.classes))
    sizes = [int(size) for size in args.pool.split(",")]
    sizes *= len(data.classes) if len(sizes) == 1 else 1
    pool = np.concatenate([rng.choice(np.flatnonzero(labels == c),
                                      min(sizes[c], int((labels == c).sum())),
                                      replace=False) for c in classes])
    start = [int(i) for c in classes
             for i in rng.choice(pool[labels[pool] == c], args.start, replace=False)]
    first = train(data, start, args, seed, None)
    runs = {}
    for analyst in (SUGGESTED, RANDOM):
        draws = np.random.default_rng(seed + 1)
        chosen, model, measured = list(start), first, [accuracy(first, data)]
        for _ in range(args.rounds):
            rest = np.setdiff1d(pool, chosen)
            chosen += (pick(model, data, rest, args.batch, args.measure)
                       if analyst == SUGGESTED else
                       [int(i) for i in draws.choice(rest, args.batch, replace=False)])
            model = train(data, chosen, args, seed, model)
            measured.append(accuracy(model, data))
        runs[analyst] = Run(measured, np.bincount(labels[chosen],
                                                  minlength=len(data.classes)).tolist())
    return runs


def spread(values: list[float]) -> float:
    """Standard deviation over seeds (0 for one seed)."""
    return statistics.stdev(values) if len(values) > 1 else 0.0


def worker(task: tuple[list[int], argparse.Namespace]) -> list[tuple[int, dict[str, Run]]]:
    """Simulate the given seeds in this process (with --threads torch threads)."""
    import torch

    seeds, args = task
    torch.set_num_threads(args.threads)
    data = prepare_data(args.data, chip_size=args.chip_size, batch_size=16, seed=0,
                        val_split_pct=args.held_out, feedback=Feedback())
    results = []
    for seed in seeds:
        began = time.perf_counter()
        runs = simulate(seed, data, args)
        print(f"seed {seed}: " + "; ".join(
            f"{name} {' '.join(f'{a:.3f}' for a in run.accuracy)} labels {run.labels}"
            for name, run in runs.items()) + f" ({time.perf_counter() - began:.0f} s)",
            flush=True)
        results.append((seed, runs))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DATA), help="a scene folder, ImageNet layout")
    parser.add_argument("--backbone", default="timm:tf_efficientnet_lite0")
    parser.add_argument("--chip-size", type=int, default=128)
    parser.add_argument("--held-out", type=float, default=50 / 380,
                        help="fraction of each class held out for measuring")
    parser.add_argument("--pool", default="280",
                        help="pool chips per class: one number, or one per class "
                             "(comma-separated, the classes in folder order)")
    parser.add_argument("--start", type=int, default=5, help="labelled chips per class")
    parser.add_argument("--batch", type=int, default=28, help="labels added a round (K)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--measure", default=MEASURES[0], choices=MEASURES)
    parser.add_argument("--epochs", type=int, default=15, help="first training")
    parser.add_argument("--refine-epochs", type=int, default=5, help="each round")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="processes sharing the seeds")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per process")
    args = parser.parse_args()

    import torch

    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, torch "
          f"{torch.__version__}; {args.jobs} processes x {args.threads} threads")
    print(f"data {args.data}, {args.chip_size} px, {args.backbone}; start {args.start} a "
          f"class, {args.rounds} rounds of {args.batch}, measure {args.measure}, pool "
          f"{args.pool} a class")
    tasks = [(list(range(args.seeds))[job::args.jobs], args) for job in range(args.jobs)]
    with multiprocessing.get_context("fork").Pool(args.jobs) as processes:
        results = sorted(r for part in processes.map(worker, tasks) for r in part)
    runs = [r for _, r in results]
    for name in (SUGGESTED, RANDOM):
        curve = np.mean([r[name].accuracy for r in runs], axis=0)
        print(f"{name:>9}: mean accuracy by round {' '.join(f'{a:.3f}' for a in curve)}")
    gains = [statistics.fmean(r[SUGGESTED].accuracy[1:]) - statistics.fmean(r[RANDOM].accuracy[1:])
             for r in runs]
    last = [r[SUGGESTED].accuracy[-1] - r[RANDOM].accuracy[-1] for r in runs]
    print(f"last round: {statistics.fmean(last):+.4f} (sd {spread(last):.4f}); "
          f"seeds ahead {sum(g > 0 for g in gains)} of {len(gains)}")
    print(f"gain={statistics.fmean(gains):+.4f} sd={spread(gains):.4f} "
          f"se={spread(gains) / len(gains) ** 0.5:.4f}")

if __name__ == "__main__":
    main()
