"""The ONNX copy of a package's network: exported beside the .pth so that classification
needs no PyTorch (onnxruntime runs it, core.engines), and checked as data when read.

The copy is the raw network: float32 chips (N, bands, size, size), already normalised as the
.emd says, in; logits (N, classes) out; any batch size.
"""

from __future__ import annotations

import os
import warnings

from .errors import ModelPackageError

OPSET = 17
INPUT_NAME = "chips"
OUTPUT_NAME = "logits"


def exporter_missing() -> str | None:
    """Why PyTorch's ONNX exporter cannot run here (it needs the ``onnx`` package, which a
    plain PyTorch install lacks), or None when it can."""
    from .deps import installed

    return None if installed("onnx") else "the ONNX exporter needs the 'onnx' package"


def export_onnx(model, band_count: int, chip_size: int, path: str) -> None:
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


# ONNX's protobuf fields on the way to every tensor of a model (onnx.proto3).
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_SPARSE_INITIALIZER = 1, 5, 15
NODE_ATTRIBUTE = 5
ATTRIBUTE_TENSOR, ATTRIBUTE_GRAPH, ATTRIBUTE_TENSORS, ATTRIBUTE_GRAPHS = 5, 6, 9, 10
ATTRIBUTE_SPARSE_TENSOR, ATTRIBUTE_SPARSE_TENSORS = 22, 23
SPARSE_VALUES, SPARSE_INDICES = 1, 2
TENSOR_EXTERNAL_DATA, TENSOR_DATA_LOCATION = 13, 14


def has_external_tensors(data: bytes) -> bool:
    """True when any tensor of the model (initialisers, constants, subgraphs) is external.

    Reads protobuf's wire format directly, so that checking needs neither onnx nor protobuf.
    """
    pending = [("model", data)]
    while pending:
        kind, message = pending.pop()
        for number, value in _fields(message):
            if not isinstance(value, bytes):
                if kind == "tensor" and number == TENSOR_DATA_LOCATION and value == 1:
                    return True
                continue
            child = _CHILDREN.get(kind, {}).get(number)
            if kind == "tensor" and number == TENSOR_EXTERNAL_DATA:
                return True
            if child:
                pending.append((child, value))
    return False


_CHILDREN = {
    "model": {MODEL_GRAPH: "graph"},
    "graph": {GRAPH_NODE: "node", GRAPH_INITIALIZER: "tensor",
              GRAPH_SPARSE_INITIALIZER: "sparse"},
    "node": {NODE_ATTRIBUTE: "attribute"},
    "attribute": {ATTRIBUTE_TENSOR: "tensor", ATTRIBUTE_TENSORS: "tensor",
                  ATTRIBUTE_GRAPH: "graph", ATTRIBUTE_GRAPHS: "graph",
                  ATTRIBUTE_SPARSE_TENSOR: "sparse", ATTRIBUTE_SPARSE_TENSORS: "sparse"},
    "sparse": {SPARSE_VALUES: "tensor", SPARSE_INDICES: "tensor"},
}


def _fields(message: bytes):
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


def _varint(data: bytes, position: int) -> tuple[int, int]:
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
