"""The ONNX copy of a package's network: exported beside the .pth so that classification
needs no PyTorch (onnxruntime runs it, core.engines), and checked as data when read.

The copy is the raw network: float32 chips (N, bands, size, size), already normalised as the
.emd says, in; logits (N, classes) out; any batch size.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..errors import ModelPackageError

if TYPE_CHECKING:
    import torch

OPSET = 17
INPUT_NAME = "chips"
OUTPUT_NAME = "logits"


def exporter_missing() -> str | None:
    """Why PyTorch's ONNX exporter cannot run here (it needs the ``onnx`` package, which a
    plain PyTorch install lacks), or None when it can."""
    from ..runtime.dependencies import installed

    return None if installed("onnx") else "the ONNX exporter needs the 'onnx' package"


def export_onnx(model: torch.nn.Module, band_count: int, chip_size: int, path: str) -> None:
    """Write ``model`` (a torch module) as ONNX to ``path`` (beside it first)."""
    import copy

    import torch

    network = copy.deepcopy(model).float().cpu().eval()
    example = torch.zeros((1, band_count, chip_size, chip_size))
    partial = f"{path}.partial"
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation notice
            torch.onnx.export(network, (example,), partial, input_names=[INPUT_NAME],
                              output_names=[OUTPUT_NAME], opset_version=OPSET, dynamo=False,
                              dynamic_axes={INPUT_NAME: {0: "batch"},
                                            OUTPUT_NAME: {0: "batch"}})
        os.replace(partial, path)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def check_onnx(data: bytes, source: str) -> None:
    """Refuse an ONNX model whose tensors are stored in other files (a package is one set of
    files read as data, and external data could name any file on the machine)."""
    if has_external_tensors(data):
        raise ModelPackageError(f"{source} keeps tensors in other files (ONNX external "
                                "data); a model package must hold its whole network.")


# The protobuf fields (onnx.proto3) on every way from a model to a tensor: the main graph,
# the model-local functions and the training graphs, every node's attributes of every kind
# that holds a tensor or a graph, and sparse tensors' parts. A test checks this table against
# onnx's own descriptors, so that no way is missed.
TENSOR_EXTERNAL_DATA, TENSOR_DATA_LOCATION, EXTERNAL = 13, 14, 1
MAX_FIELDS = 2_000_000  # a ConvNeXt or ViT export has some 10^4 (weights are one field each)
_CHILDREN = {
    "model": {7: "graph", 20: "training_info", 25: "function"},
    "training_info": {1: "graph", 2: "graph"},  # initialization, algorithm
    "function": {7: "node", 11: "attribute"},  # node, attribute_proto (defaults)
    "graph": {1: "node", 5: "tensor", 15: "sparse"},  # node, initializer, sparse_initializer
    "node": {5: "attribute"},
    "attribute": {5: "tensor", 6: "graph", 10: "tensor", 11: "graph",  # t, g, tensors, graphs
                  22: "sparse", 23: "sparse"},  # sparse_tensor, sparse_tensors
    "sparse": {1: "tensor", 2: "tensor"},  # values, indices
}


def has_external_tensors(data: bytes) -> bool:
    """True when any tensor of the model, wherever it lies (_CHILDREN), keeps its data in
    another file (external data, or a data location that says so).

    Reads protobuf's wire format directly, so that checking needs neither onnx nor protobuf;
    without copying (memoryviews), and at most MAX_FIELDS fields, so that a crafted file
    of millions of tiny fields is refused at once rather than walked for minutes.
    """
    pending = [("model", memoryview(data))]
    walked = 0
    while pending:
        kind, message = pending.pop()
        for number, value in _fields(message):
            walked += 1
            if walked > MAX_FIELDS:
                raise ModelPackageError(
                    f"The ONNX model has more than {MAX_FIELDS:,} parts (protobuf fields); "
                    "networks Scene Classifier writes have far fewer: it is damaged or "
                    "was not written by Scene Classifier.")
            if kind == "tensor" and (number == TENSOR_EXTERNAL_DATA or (
                    number == TENSOR_DATA_LOCATION and value == EXTERNAL)):
                return True
            child = _CHILDREN.get(kind, {}).get(number)
            if child and isinstance(value, memoryview):
                pending.append((child, value))
    return False


def _fields(message: memoryview) -> Iterator[tuple[int, int | memoryview | None]]:
    """(field number, int or bytes) of a protobuf message; a damaged one is an error."""
    position, end = 0, len(message)
    while position < end:
        key, position = _varint(message, position)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, position = _varint(message, position)
        elif wire == 1:
            value, position = None, position + 8
        elif wire == 2:
            size, position = _varint(message, position)
            value, position = message[position:position + size], position + size
        elif wire == 5:
            value, position = None, position + 4
        else:
            raise ModelPackageError(f"The ONNX model is damaged (wire type {wire}).")
        if position > end:
            raise ModelPackageError("The ONNX model is damaged (cut short).")
        yield number, value


def _varint(data: memoryview, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ModelPackageError("The ONNX model is damaged (bad number).")
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
