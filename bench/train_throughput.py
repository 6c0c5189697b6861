"""Training throughput: the product's trainer against the plain torchvision way.

In one run, training images/s (median of --rounds alternating rounds) of
  (a) the product's Trainer: chips decoded once and kept (on the GPU when they fit),
      augmented on the device in batches, bf16/channels-last where the hardware has it,
  (b) a plain torchvision loop: ImageFolder + PIL transforms + DataLoader workers, fp32,
  (c) a clean reference for the hardware, outside the product: a torchvision model stepped
      on random tensors already on the device, bf16 autocast and channels-last where the
      hardware has them, fused AdamW, no hooks, no host sync; on CUDA its forward and
      backward replayed from CUDA graphs, as the product does for long runs.
The small real set given with --data is replicated (symbolic links) to --epoch-size images,
so a small folder can stand in for RESISC45's 25,200 training chips.

    .venv/bin/python bench/train_throughput.py --device cpu --data resources/sample/rsscn7 \\
        --backbone resnet18 --chip-size 64 --batches 20
Last line: ratio_vs_naive=X ratio_vs_model_only=Y (Y: the product against the reference)
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.data.imagery import is_image_file  # noqa: E402
from core.data.training_data import load_training_data  # noqa: E402
from core.models.backbones import create_model  # noqa: E402
from core.runtime.feedback import Feedback  # noqa: E402
from core.training.cuda_graphs import fastest_forward  # noqa: E402
from core.training.trainer import Trainer  # noqa: E402

WARMUP_BATCHES = 3
RUN_EPOCHS = 20  # the training run the product is timed as part of (it decides on CUDA graphs)


def replicate(source: Path, target: Path, size: int) -> Path:
    """An ImageFolder of ``size`` images made of links to the source's images."""
    root = source / "images" if (source / "images").is_dir() else source
    per_class = [[(c.name, f) for f in sorted(c.iterdir()) if is_image_file(f.name)]
                 for c in sorted(p for p in root.iterdir() if p.is_dir())]
    # Classes interleaved, so that any epoch size holds every class.
    files = [item for group in itertools.zip_longest(*per_class) for item in group if item]
    for index in range(size):
        name, file = files[index % len(files)]
        folder = target / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:06d}{file.suffix}").symlink_to(file.resolve())
    return target


def timed(batches, step, count: int, batch_size: int) -> float:
    """Images/s of ``step`` over ``count`` batches, after a warm-up."""
    iterator = iter(batches)
    for _ in range(WARMUP_BATCHES):
        step(*next(iterator))
    _sync()
    started = time.perf_counter()
    for _ in range(count):
        step(*next(iterator))
    _sync()
    return count * batch_size / (time.perf_counter() - started)


def _sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def product(data, args, show_log: bool = False) -> float:
    """(a) the product's trainer, as fit() runs it for a RUN_EPOCHS-epoch run of this data;
    ``show_log`` prints what it logs (placement, precision, CUDA graphs)."""
    trainer = _trainer(data, args, Feedback.printing() if show_log else None)
    step = trainer.training_step(1e-3)
    trainer.model.train()
    batches = fastest_forward(step, RUN_EPOCHS * trainer.steps_per_epoch(),
                              trainer.train_batches(), trainer.feedback)
    return timed(batches, step, args.batches, args.batch_size)


def reference(classes: int, bands: int, args) -> float:
    """(c) the clean reference: what the hardware does with this network, written plainly."""
    import torch
    from torchvision import models

    device = torch.device(args.device)
    native_bf16 = device.type == "cuda" or torch.cpu._is_avx512_bf16_supported()
    torch.manual_seed(0)
    model = getattr(models, args.backbone)(num_classes=classes) if bands == 3 else \
        create_model(args.backbone, classes, bands, pretrained=False)  # first conv adapted
    layout = torch.channels_last if native_bf16 else torch.contiguous_format
    model = model.to(device, memory_format=layout).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, fused=True)
    criterion = torch.nn.CrossEntropyLoss()
    images = torch.rand((args.batch_size, bands, args.chip_size, args.chip_size),
                        device=device).contiguous(memory_format=layout)
    labels = torch.randint(0, classes, (args.batch_size,), device=device)
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=native_bf16,
                              cache_enabled=False)
    forward = model
    if device.type == "cuda":
        with autocast:
            forward = torch.cuda.make_graphed_callables(torch.nn.Sequential(model), (images,))

    def step(images, labels):
        with autocast:
            loss = criterion(forward(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return timed(iter(lambda: (images, labels), None), step, args.batches, args.batch_size)


def plain(folder: Path, classes: int, args) -> float:
    """(b) ImageFolder + PIL transforms + DataLoader, fp32: the way most scripts do it."""
    import torch
    from torchvision import datasets, transforms

    device = torch.device(args.device)
    transform = transforms.Compose([
        transforms.Resize((args.chip_size, args.chip_size)),
        transforms.RandomHorizontalFlip(), transforms.RandomVerticalFlip(),
        transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    loader = torch.utils.data.DataLoader(
        datasets.ImageFolder(str(folder), transform), batch_size=args.batch_size, shuffle=True,
        num_workers=args.workers, pin_memory=device.type == "cuda", drop_last=True,
        persistent_workers=args.workers > 0)
    torch.manual_seed(0)
    model = create_model(args.backbone, classes).to(device).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    criterion = torch.nn.CrossEntropyLoss()

    def step(images, labels):
        images, labels = images.to(device, non_blocking=True), labels.to(device)
        loss = criterion(model(images), labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    def endless():
        while True:
            yield from loader

    return timed(endless(), step, args.batches, args.batch_size)


def same_augmentation():
    """The product's augmentation (core.augment) in torchvision's PIL transforms: one of the
    8 flips/quarter turns, zoom 0.9-1.1, brightness, contrast, saturation, sometimes grey."""
    from torchvision import transforms

    from core.data import augment

    def quarter_turn(image):
        return image.rotate(90 * int(torch_randint(4)))

    return [transforms.RandomHorizontalFlip(), transforms.Lambda(quarter_turn),
            transforms.RandomAffine(0, scale=augment.SCALE_RANGE),
            transforms.ColorJitter(brightness=_spread(augment.BRIGHTNESS_RANGE),
                                   contrast=_spread(augment.CONTRAST_RANGE),
                                   saturation=_spread(augment.SATURATION_RANGE)),
            transforms.RandomGrayscale(augment.GREY_PROBABILITY)]


def torch_randint(high: int) -> int:
    import torch

    return int(torch.randint(high, ()))


def _spread(bounds: tuple[float, float]) -> float:
    return (bounds[1] - bounds[0]) / 2


def accuracy_check(args) -> None:
    """Both pipelines trained --accuracy-epochs epochs on the same split, with the same
    augmentation, schedule and seed: the product's fast path must not lose accuracy."""
    import torch
    from torchvision import datasets, transforms

    from core.data.training_data import scan_folders, stratified_split
    from core.training.step import WEIGHT_DECAY
    from core.training.trainer import warmup_share

    data = load_training_data([args.data], args.chip_size, 20, args.batch_size, 0, Feedback())
    trainer = _trainer(data, args)
    product_accuracy = trainer.fit(args.accuracy_epochs, args.lr, early_stopping=False)[-1]
    scan = scan_folders([args.data])
    train_index, valid_index = stratified_split(scan.labels, 20, 0)
    resize = [transforms.Resize((args.chip_size, args.chip_size)), transforms.ToTensor(),
              transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))]
    folder = datasets.ImageFolder(args.data, transforms.Compose(same_augmentation() + resize))
    plain_valid = datasets.ImageFolder(args.data, transforms.Compose(resize))
    loader = torch.utils.data.DataLoader(
        torch.utils.data.Subset(folder, train_index.tolist()), batch_size=args.batch_size,
        shuffle=True, num_workers=args.workers, drop_last=True)
    valid = torch.utils.data.DataLoader(torch.utils.data.Subset(plain_valid,
                                                                valid_index.tolist()),
                                        batch_size=args.batch_size)
    torch.manual_seed(0)
    device = torch.device(args.device)
    model = create_model(args.backbone, len(scan.classes)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=WEIGHT_DECAY)
    steps = args.accuracy_epochs * len(loader)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, args.lr, total_steps=steps,
                                                   pct_start=warmup_share(steps))
    for _ in range(args.accuracy_epochs):
        model.train()
        for images, labels in loader:
            loss = torch.nn.functional.cross_entropy(model(images.to(device)), labels.to(device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()
    with torch.inference_mode():
        hits = sum(int((model(images.to(device)).argmax(1).cpu() == labels).sum())
                   for images, labels in valid)
    print(f"accuracy after {args.accuracy_epochs} epochs on {len(valid_index)} validation "
          f"chips: product {product_accuracy.accuracy:.4f}, plain {hits / len(valid_index):.4f}")


def _trainer(data, args, feedback: Feedback | None = None) -> Trainer:
    import torch

    torch.manual_seed(0)
    model = create_model(args.backbone, len(data.classes), data.band_count)
    return Trainer(model, data, args.device, feedback=feedback)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--data", default=str(ROOT / "resources" / "sample" / "rsscn7"))
    parser.add_argument("--backbone", default="resnet18")
    parser.add_argument("--chip-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--batches", type=int, default=20, help="timed batches per round")
    parser.add_argument("--epoch-size", type=int, default=2000,
                        help="replicate the data to this many images (RESISC45: 25200)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="DataLoader worker processes of the plain loop")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--accuracy-epochs", type=int, default=0,
                        help="also train both pipelines this many epochs on --data itself "
                             "and compare their validation accuracy")
    parser.add_argument("--lr", type=float, default=2e-3, help="for --accuracy-epochs")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch threads (0: torch's default, one per core)")
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)

    print(f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, torch "
          f"{torch.__version__} ({torch.get_num_threads()} threads)")
    if args.device == "cuda":
        print(f"GPU: {torch.cuda.get_device_name(0)}")
    with tempfile.TemporaryDirectory(prefix="train-bench-") as scratch:
        folder = replicate(Path(args.data), Path(scratch) / "chips", args.epoch_size)
        started = time.perf_counter()
        data = load_training_data([str(folder)], args.chip_size, 10, args.batch_size, 0,
                                  Feedback())
        decode = time.perf_counter() - started
        print(f"data: {args.epoch_size} images from {args.data}, {len(data.classes)} classes; "
              f"decoded once in {decode:.1f} s ({args.epoch_size / decode:.0f} images/s)")
        print(f"model: {args.backbone}, {args.chip_size} px, batch {args.batch_size}, device "
              f"{args.device}; plain loop with {args.workers} DataLoader workers")
        rates: dict[str, list[float]] = {"a": [], "b": [], "c": []}
        for round_number in range(args.rounds):
            rates["a"].append(product(data, args, show_log=round_number == 0))
            rates["b"].append(plain(folder, len(data.classes), args))
            rates["c"].append(reference(len(data.classes), data.band_count, args))
    if args.accuracy_epochs:
        accuracy_check(args)
    rate_a, rate_b, rate_c = (statistics.median(rates[key]) for key in "abc")
    for key, label in (("a", "(a) product trainer:          "),
                       ("b", "(b) plain torchvision loop:   "),
                       ("c", "(c) clean reference, synthetic:")):
        values = ", ".join(f"{v:.0f}" for v in rates[key])
        print(f"{label}{statistics.median(rates[key]):9.1f} images/s (rounds: {values})")
    print(f"ratio_vs_naive={rate_a / rate_b:.2f} ratio_vs_model_only={rate_a / rate_c:.3f}")


if __name__ == "__main__":
    main()
