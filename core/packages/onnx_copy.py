"""The ONNX copy of a package's network: exported beside the .pth so that classification
needs no PyTorch (onnxruntime runs it, core.engines), and checked as data when read.

The copy is the raw network: float32 chips (N, bands, size, size), already normalised as the
.emd says, in; logits (N, classes) out; any batch size.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import ModelPackageError, tr

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
    files read as data, and external data could name any file on the machine), and one whose
    declared tensors or constant shapes ask for more than MAX_ELEMENTS values, before any
    session allocates them."""
    found = inspect_onnx(data)
    if found.external:
        raise ModelPackageError(tr("{} keeps tensors in other files (ONNX external "
                                   "data); a model package must hold its whole network.").format(
                                    source))
    if found.largest[0] > MAX_ELEMENTS:
        count, where = found.largest
        raise ModelPackageError(
            tr("{} declares a tensor of {:,} values ({}), more than the {:,} any "
               "network Scene Classifier writes comes near: it was not written by Scene "
               "Classifier, or is damaged. Train or export the model again.").format(
                source, count, where, MAX_ELEMENTS))


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


MAX_ELEMENTS = 1 << 31  # values in one tensor: 8 GiB of float32, 40 x a ConvNeXt-Large
# Inputs that give an operator's output size from a constant (operator: input positions)
SHAPE_INPUTS = {"ConstantOfShape": (0,), "Expand": (1,), "Reshape": (1,), "Tile": (1,),
                "Resize": (3,), "Range": (0, 1, 2)}
TENSOR_DIMS, TENSOR_TYPE, TENSOR_INT64_DATA, TENSOR_NAME, TENSOR_RAW_DATA = 1, 2, 7, 8, 9
INT64 = 7  # TensorProto.INT64
NODE_INPUT, NODE_OUTPUT, NODE_OP_TYPE, NODE_ATTRIBUTE = 1, 2, 4, 5
ATTRIBUTE_NAME, ATTRIBUTE_TENSOR = 1, 5
SMALL = 16  # int64 tensors up to this many values are kept as possible shapes


@dataclass
class Inspection:
    """What check_onnx needs to know of a model."""

    external: bool = False  # a tensor keeps its data in another file
    largest: tuple[int, str] = (0, "")  # the most values a tensor or a shape asks for, where
    constants: dict[str, list[int]] = field(default_factory=dict)  # small int64 tensors
    uses: list[tuple[str, list[str]]] = field(default_factory=list)  # (operator, inputs)

    def bound(self, count: int, where: str) -> None:
        """Keep ``count`` values (at ``where``) if it is the most so far."""
        if count > self.largest[0]:
            self.largest = (count, where)


def inspect_onnx(data: bytes) -> Inspection:
    """Walk every tensor and node of the model, wherever it lies (_CHILDREN): whether any
    tensor keeps its data in another file (external data, or a data location that says
    so), and the most values a tensor declares (its dims) or a constant shape asks for
    (SHAPE_INPUTS given an initializer or a Constant node's value).

    Reads protobuf's wire format directly, so that checking needs neither onnx nor protobuf;
    without copying (memoryviews), and at most MAX_FIELDS fields, so that a crafted file
    of millions of tiny fields is refused at once rather than walked for minutes.
    """
    found = Inspection()
    pending = [("model", memoryview(data))]
    walked = 0
    while pending:
        kind, message = pending.pop()
        if kind == "tensor":
            _tensor(message, found)
        elif kind == "node":
            _node(message, found)
        for number, value in _fields(message):
            walked += 1
            if walked > MAX_FIELDS:
                raise ModelPackageError(
                    tr("The ONNX model has more than {:,} parts (protobuf fields); "
                       "networks Scene Classifier writes have far fewer: it is damaged "
                       "or was not written by Scene Classifier.").format(MAX_FIELDS))
            if kind == "tensor" and (number == TENSOR_EXTERNAL_DATA or (
                    number == TENSOR_DATA_LOCATION and value == EXTERNAL)):
                found.external = True
            child = _CHILDREN.get(kind, {}).get(number)
            if child and isinstance(value, memoryview):
                pending.append((child, value))
    for operator, inputs in found.uses:
        shapes = [found.constants.get(name) for name in inputs]
        if operator == "Range" and all(shape and len(shape) == 1 for shape in shapes):
            (start,), (limit,), (delta,) = shapes
            found.bound(abs((limit - start) // delta) if delta else 0, "a Range's length")
        elif operator != "Range" and shapes and shapes[0] is not None:
            found.bound(math.prod(max(1, value) for value in shapes[0]),
                        f"the shape given to a {operator}")
    return found


def _tensor(message: memoryview, found: Inspection) -> tuple[str, list[int] | None]:
    """A tensor's name and, for a small int64 one, its values (kept in ``found`` by name);
    its declared size bounds ``found``."""
    name, dims, kind, values, raw = "", [], 0, [], None
    for number, value in _fields(message):
        if number == TENSOR_DIMS:
            dims += _ints(value)
        elif number == TENSOR_TYPE and isinstance(value, int):
            kind = value
        elif number == TENSOR_INT64_DATA:
            values += _ints(value) if len(values) <= SMALL else []
        elif number == TENSOR_NAME and isinstance(value, memoryview):
            name = bytes(value).decode("utf-8", "replace")
        elif number == TENSOR_RAW_DATA and isinstance(value, memoryview):
            raw = value
    count = math.prod(max(0, dim) for dim in dims)
    found.bound(count, f"tensor '{name}'" if name else "a constant tensor")
    if kind != INT64 or count > SMALL:
        return name, None
    if raw is not None and len(raw) == 8 * count:
        values = [int.from_bytes(raw[i:i + 8], "little", signed=True)
                  for i in range(0, len(raw), 8)]
    if name:
        found.constants[name] = values
    return name, values


def _node(message: memoryview, found: Inspection) -> None:
    """A node's constant output (a Constant's int64 value) and its shape inputs."""
    inputs, outputs, operator, attributes = [], [], "", []
    for number, value in _fields(message):
        if not isinstance(value, memoryview):
            continue
        if number == NODE_INPUT:
            inputs.append(bytes(value).decode("utf-8", "replace"))
        elif number == NODE_OUTPUT:
            outputs.append(bytes(value).decode("utf-8", "replace"))
        elif number == NODE_OP_TYPE:
            operator = bytes(value).decode("utf-8", "replace")
        elif number == NODE_ATTRIBUTE:
            attributes.append(value)
    if operator in SHAPE_INPUTS:
        found.uses.append((operator, [inputs[i] if i < len(inputs) else "" for i in
                                      SHAPE_INPUTS[operator]]))
    if operator == "Constant" and outputs:
        for attribute in attributes:
            fields = dict(_fields(attribute))
            tensor = fields.get(ATTRIBUTE_TENSOR)
            if fields.get(ATTRIBUTE_NAME) == b"value" and isinstance(tensor, memoryview):
                values = _tensor(tensor, Inspection())[1]
                if values is not None:
                    found.constants[outputs[0]] = values


def _ints(value: int | memoryview | None) -> list[int]:
    """A repeated int64 field's values (signed): one (unpacked) or many (packed)."""
    if isinstance(value, int):
        numbers = [value]
    elif isinstance(value, memoryview):
        numbers, position = [], 0
        while position < len(value) and len(numbers) <= SMALL * 64:
            number, position = _varint(value, position)
            numbers.append(number)
    else:
        numbers = []
    return [number - (1 << 64) if number >= 1 << 63 else number for number in numbers]


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
            raise ModelPackageError(tr("The ONNX model is damaged (wire type {}).").format(wire))
        if position > end:
            raise ModelPackageError(tr("The ONNX model is damaged (cut short)."))
        yield number, value


def _varint(data: memoryview, position: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if position >= len(data) or shift > 63:
            raise ModelPackageError(tr("The ONNX model is damaged (bad number)."))
        byte = data[position]
        position += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, position
        shift += 7
