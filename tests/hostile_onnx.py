"""Hostile ONNX models, built by the tests that need them (tests/unit/packages and the
hostile suite of tests/cli): tensors kept in a canary file outside the package, and tiny
graphs that make whatever tensor a test wants."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper

CANARY = "canary.bin"


def external(name: str = "w", shape: tuple[int, ...] = (3, 2),
             location: str = CANARY) -> TensorProto:
    """A float tensor whose data lies in ``location`` (CANARY, beside whatever reads the
    model)."""
    tensor = TensorProto(name=name, data_type=TensorProto.FLOAT, dims=shape,
                         data_location=TensorProto.EXTERNAL)
    for key, value in (("location", location), ("offset", "0"),
                       ("length", str(4 * int(np.prod(shape))))):
        tensor.external_data.add(key=key, value=value)
    return tensor


def model(nodes, functions=(), initializers=(), sparse=(), training=()) -> onnx.ModelProto:
    """chips (N, 3, 8, 8) -> logits (N, 2): global mean pool, then times w (3 x 2), where
    ``nodes`` make w."""
    graph = helper.make_graph(
        [helper.make_node("GlobalAveragePool", ["chips"], ["pooled"]),
         helper.make_node("Flatten", ["pooled"], ["flat"]), *nodes,
         helper.make_node("MatMul", ["flat", "w"], ["logits"])], "hostile",
        [helper.make_tensor_value_info("chips", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 2])],
        initializer=list(initializers), sparse_initializer=list(sparse))
    built = helper.make_model(graph, functions=list(functions), opset_imports=[
        helper.make_opsetid("", 17), helper.make_opsetid("hostile", 1)])
    built.ir_version = 8
    built.training_info.extend(training)
    return built


def constant(**attribute) -> onnx.NodeProto:
    return helper.make_node("Constant", [], ["w"], **attribute)


def in_function(location: str = CANARY) -> onnx.ModelProto:
    """Weights made by a model-local function, from an external tensor at ``location``."""
    weights = helper.make_function("hostile", "Weights", [], ["w"],
                                   [constant(value=external(location=location))],
                                   [helper.make_opsetid("", 17)])
    return model([helper.make_node("Weights", [], ["w"], domain="hostile")], [weights])


def two_in_two_out(nodes, initializers=()) -> bytes:
    """chips (N, 2) -> logits (N, 2) = chips + what ``nodes`` make as "extra"."""
    graph = helper.make_graph(
        [*nodes, helper.make_node("Add", ["chips", "extra"], ["logits"])], "hostile",
        [helper.make_tensor_value_info("chips", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 2])],
        initializer=list(initializers))
    built = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    built.ir_version = 8
    return built.SerializeToString()


def int64(name: str, values: list[int]) -> TensorProto:
    return helper.make_tensor(name, TensorProto.INT64, (len(values),), values)
