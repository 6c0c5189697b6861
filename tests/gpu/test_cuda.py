"""On a CUDA GPU: training never makes the host wait for the GPU inside an epoch, and the
network replayed from CUDA graphs trains like the network itself.

CI has no GPU, so these tests are skipped there with the reason shown (make test runs
pytest with -rs); on a GPU machine: ``python -m pytest tests/gpu -rs``.
"""

from __future__ import annotations

import math

import pytest
import torch

from core.data.training_data import load_training_data
from core.models.backbones import create_model
from core.runtime.feedback import Feedback
from core.training import cuda_graphs
from core.training.step import prepared
from core.training.trainer import Trainer

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs a CUDA GPU (none here; CI has none)")


@pytest.fixture(scope="module")
def data(rsscn7_small):
    # 134 training chips in batches of 16: 8 full batches and a partial one of 6
    return load_training_data([str(rsscn7_small)], chip_size=64, batch_size=16, seed=0)


def test_the_training_loop_never_waits_for_the_gpu(data, monkeypatch):
    monkeypatch.setattr(cuda_graphs, "MIN_STEPS", 1)  # capture graphs even for this short run
    lines: list[str] = []
    trainer = Trainer(create_model("resnet18", len(data.classes)), data, "cuda",
                      feedback=Feedback(log=lines.append))
    assert trainer.train_images.device.type == "cuda"
    torch.cuda.set_sync_debug_mode("error")  # any wait outside core.devices.host_reads fails
    try:
        history = trainer.fit(3, 1e-3, early_stopping=False)
    finally:
        torch.cuda.set_sync_debug_mode(0)
    assert any(line.startswith("CUDA graphs: forward and backward passes captured for "
                               "batches of 16") for line in lines), lines
    assert len(history) == 3
    assert all(math.isfinite(row.train_loss) and math.isfinite(row.valid_loss)
               for row in history)


def test_cuda_graphs_compute_what_the_network_computes(data):
    torch.manual_seed(0)
    trainer = Trainer(create_model("resnet18", len(data.classes)), data, "cuda")
    model = trainer.model.train()
    images, labels = next(trainer.train_batches())
    sample = prepared(trainer.network, images)
    graphed = cuda_graphs.GraphedForward.capture(model, sample.clone(),
                                                 trainer.network.autocast, Feedback())
    assert isinstance(graphed, cuda_graphs.GraphedForward)

    def gradients(forward):
        model.zero_grad(set_to_none=True)
        with trainer.network.autocast():
            logits = forward(sample)
            loss = torch.nn.functional.cross_entropy(logits, labels)
        loss.backward()
        flat = torch.cat([p.grad.flatten().float() for p in model.parameters()])
        return logits.float().detach(), flat

    eager_logits, eager_grads = gradients(model)
    graph_logits, graph_grads = gradients(graphed)
    assert torch.allclose(graph_logits, eager_logits, atol=5e-2, rtol=5e-2)
    similarity = torch.nn.functional.cosine_similarity(graph_grads, eager_grads, dim=0)
    assert float(similarity) > 0.99
    partial = graphed(sample[:5])  # another shape runs the network itself
    assert partial.shape == (5, len(data.classes))
