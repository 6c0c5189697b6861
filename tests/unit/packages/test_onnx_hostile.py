"""An ONNX copy is data: a tensor kept in another file (ONNX external data) is refused
wherever in the model it hides, and onnxruntime is never let read a file outside the package
(a canary file in the working directory stays unread)."""

from __future__ import annotations

import json
import re
import shutil

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402

from core.errors import Cancelled, ModelPackageError  # noqa: E402
from core.inference import onnx_session  # noqa: E402
from core.packages import onnx_copy as onnx_model  # noqa: E402
from core.packages.read import ModelPackage, load_package  # noqa: E402
from hostile_onnx import (  # noqa: E402
    CANARY,
    constant,
    external,
    in_function,
    int64,
    model,
    two_in_two_out,
)


def with_attribute(name: str, kind: int, **value) -> onnx.ModelProto:
    """A node carrying an attribute of ``kind`` (e.g. TENSORS) that holds the external
    tensor; the model checks structurally, whether or not an operator would use it."""
    node = constant(value=helper.make_tensor("w", TensorProto.FLOAT, (3, 2), [0.0] * 6))
    attribute = onnx.AttributeProto(name=name, type=kind, **value)
    node.attribute.append(attribute)
    return model([node])


def subgraph_model() -> onnx.ModelProto:
    branch = helper.make_graph([constant(value=external())], "branch", [],
                               [helper.make_tensor_value_info("w", TensorProto.FLOAT, [3, 2])])
    condition = helper.make_tensor("yes", TensorProto.BOOL, (), [True])
    return model([helper.make_node("Constant", [], ["c"], value=condition),
                  helper.make_node("If", ["c"], ["w"], then_branch=branch,
                                   else_branch=branch)])


def function_default() -> onnx.ModelProto:
    weights = helper.make_function("hostile", "Weights", [], ["w"],
                                   [constant(value=helper.make_tensor(
                                       "w", TensorProto.FLOAT, (3, 2), [0.0] * 6))],
                                   [helper.make_opsetid("", 17)])
    weights.attribute_proto.append(helper.make_attribute("default", external()))
    return model([helper.make_node("Weights", [], ["w"], domain="hostile")], [weights])


def training_model() -> onnx.ModelProto:
    graph = helper.make_graph([], "init", [], [], initializer=[external("state")])
    return model([constant(value=helper.make_tensor("w", TensorProto.FLOAT, (3, 2),
                                                    [0.0] * 6))],
                 training=[onnx.TrainingInfoProto(initialization=graph)])


def sparse_model() -> onnx.ModelProto:
    indices = helper.make_tensor("i", TensorProto.INT64, (1,), [0])
    values = external("w", (1,))
    return model([], sparse=[helper.make_sparse_tensor(values, indices, (3, 2))])


HIDING_PLACES = {
    "initializer": lambda: model([], initializers=[external()]),
    "constant node": lambda: model([constant(value=external())]),
    "model-local function": in_function,
    "function attribute default": function_default,
    "attribute tensors (field 10)": lambda: with_attribute(
        "extra", onnx.AttributeProto.TENSORS, tensors=[external()]),
    "attribute graphs (field 11)": lambda: with_attribute(
        "extra", onnx.AttributeProto.GRAPHS, graphs=[helper.make_graph(
            [], "g", [], [], initializer=[external()])]),
    "attribute sparse tensor": lambda: with_attribute(
        "extra", onnx.AttributeProto.SPARSE_TENSOR, sparse_tensor=helper.make_sparse_tensor(
            external("v", (1,)), helper.make_tensor("i", TensorProto.INT64, (1,), [0]),
            (3, 2))),
    "If subgraph": subgraph_model,
    "training graph": training_model,
    "sparse initializer": sparse_model,
}


@pytest.mark.parametrize("place", HIDING_PLACES)
def test_external_data_is_refused_wherever_it_hides(place):
    data = HIDING_PLACES[place]().SerializeToString()
    with pytest.raises(ModelPackageError, match="keeps tensors in other files"):
        onnx_model.check_onnx(data, "hostile.onnx")


def test_a_plain_model_passes():
    plain = model([constant(value=helper.make_tensor("w", TensorProto.FLOAT, (3, 2),
                                                     [0.0] * 6))])
    onnx_model.check_onnx(plain.SerializeToString(), "plain.onnx")


def test_the_check_knows_every_way_to_a_tensor():
    """Every field on a way from ModelProto to a TensorProto, by onnx's own descriptors,
    is in the check's table, under the same field number."""
    from google.protobuf.descriptor import FieldDescriptor

    kinds = {"ModelProto": "model", "GraphProto": "graph", "NodeProto": "node",
             "AttributeProto": "attribute", "TensorProto": "tensor",
             "SparseTensorProto": "sparse", "FunctionProto": "function",
             "TrainingInfoProto": "training_info"}
    reaches: dict[str, bool] = {}

    def reaches_tensor(message, seen=()) -> bool:
        if message.name == "TensorProto":
            return True
        if message.full_name in seen:
            return reaches.get(message.name, False)
        found = False
        for child in message.fields:
            if child.type == FieldDescriptor.TYPE_MESSAGE and reaches_tensor(
                    child.message_type, (*seen, message.full_name)):
                found = True
        reaches[message.name] = found
        return found

    reaches_tensor(onnx.ModelProto.DESCRIPTOR)
    needed = set()
    for name, kind in kinds.items():
        descriptor = getattr(onnx, name).DESCRIPTOR
        for child in descriptor.fields:
            if child.type == FieldDescriptor.TYPE_MESSAGE and (
                    child.message_type.name == "TensorProto" or
                    reaches.get(child.message_type.name)):
                needed.add((kind, child.number, kinds[child.message_type.name]))
    table = {(kind, number, child) for kind, fields in onnx_model._CHILDREN.items()
             for number, child in fields.items()}
    assert needed == table
    assert onnx.TensorProto.DESCRIPTOR.fields_by_name["external_data"].number == \
        onnx_model.TENSOR_EXTERNAL_DATA
    assert onnx.TensorProto.DESCRIPTOR.fields_by_name["data_location"].number == \
        onnx_model.TENSOR_DATA_LOCATION


def test_a_package_hiding_external_data_in_a_function_is_refused(trained, tmp_path):
    folder = shutil.copytree(trained[1].folder, tmp_path / "copy")
    emd = next(folder.glob("*.emd"))
    definition = json.loads(emd.read_text())
    (folder / definition["ModelFileONNX"]).write_bytes(in_function().SerializeToString())
    (folder / CANARY).write_bytes(np.arange(6, dtype=np.float32).tobytes())
    with pytest.raises(ModelPackageError, match="keeps tensors in other files"):
        load_package(str(emd))


def test_onnxruntime_reads_no_file_outside_the_package(tmp_path, monkeypatch):
    """Past the check (as if it missed a place), the session still cannot read the canary:
    plain onnxruntime, where it reads tensors as it runs (optimisations off, as some
    providers do), takes them from the working directory; the engine's session does not."""
    import onnxruntime

    data = in_function().SerializeToString()
    (tmp_path / CANARY).write_bytes(np.arange(6, dtype=np.float32).tobytes())
    monkeypatch.chdir(tmp_path)
    chips = np.ones((1, 3, 8, 8), np.float32)

    def options():
        chosen = onnxruntime.SessionOptions()
        chosen.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        chosen.log_severity_level = 4
        return chosen

    plain = onnxruntime.InferenceSession(data, options(), providers=["CPUExecutionProvider"])
    (read,) = plain.run(None, {"chips": chips})
    assert read.tolist() == [[6.0, 9.0]]  # the canary's numbers: the attack works on plain ORT
    package = ModelPackage({}, None, str(tmp_path / "hostile.emd"), data)
    with pytest.raises(ModelPackageError, match="onnxruntime cannot run the ONNX copy in "
                                                ".*hostile.emd: .*External data"):
        onnx_session.open_session(onnxruntime, package, options(), ["CPUExecutionProvider"])


def hostile_session(data: bytes, tmp_path):
    import onnxruntime

    package = ModelPackage({}, None, str(tmp_path / "hostile.emd"), data)
    session = onnx_session.open_session(onnxruntime, package, onnxruntime.SessionOptions(),
                                        ["CPUExecutionProvider"])
    return onnxruntime, session, {"chips": np.zeros((1, 2), np.float32)}


def test_a_tiny_model_asking_for_160_gb_is_refused_not_run(tmp_path):
    import resource

    from core.errors import SceneClassifierError
    from core.runtime.devices import BatchParts
    from core.runtime.feedback import Feedback

    data = two_in_two_out([
        helper.make_node("Constant", [], ["shape"], value=helper.make_tensor(
            "s", TensorProto.INT64, (2,), [200000, 200000])),
        helper.make_node("ConstantOfShape", ["shape"], ["big"], value=helper.make_tensor(
            "v", TensorProto.FLOAT, (1,), [1.0])),
        helper.make_node("ReduceSum", ["big"], ["extra"], keepdims=0)])
    assert len(data) < 1000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB
    onnxruntime, session, inputs = hostile_session(data, tmp_path)  # nothing folded at load
    parts = BatchParts(Feedback(), "cpu")
    with pytest.raises(SceneClassifierError, match=r"hostile.emd asks for 149.01 GiB at once, "
                       r"more than the .* it may take on this machine. A model") as refused:
        parts.run(2, "classifying", 1, lambda _: onnx_session.run(
            onnxruntime, session, inputs, lambda: False, str(tmp_path / "hostile.emd")))
    assert isinstance(refused.value.__cause__, MemoryError) and parts.parts == 2  # halved once
    assert onnx_session.memory_limit(onnxruntime) < 200000 * 200000 * 4
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 1 << 20  # KiB: < 1 GB


def test_a_model_that_loops_for_ever_stops_on_cancel(tmp_path):
    import signal
    import time

    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["acc_in", "one"], ["acc_out"])], "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, [1])],
        initializer=[helper.make_tensor("one", TensorProto.FLOAT, (1,), [1.0])])
    data = two_in_two_out(
        [helper.make_node("Loop", ["turns", "go", "zero"], ["extra"], body=body)],
        [helper.make_tensor("turns", TensorProto.INT64, (), [2**62]),
         helper.make_tensor("go", TensorProto.BOOL, (), [True]),
         helper.make_tensor("zero", TensorProto.FLOAT, (1,), [0.0])])
    onnxruntime, session, inputs = hostile_session(data, tmp_path)
    start = time.monotonic()
    signal.alarm(60)  # a failure here must not hang the suite
    try:
        with pytest.raises(Cancelled):
            onnx_session.run(onnxruntime, session, inputs,
                             lambda: time.monotonic() - start > 0.5, "hostile.emd")
    finally:
        signal.alarm(0)


def test_a_file_of_millions_of_tiny_fields_is_refused_not_walked():
    crafted = b"\x08\x01" * (onnx_model.MAX_FIELDS + 1)  # ir_version, again and again
    with pytest.raises(ModelPackageError, match="more than 2,000,000 parts"):
        onnx_model.check_onnx(crafted, "crafted.onnx")
    onnx_model.check_onnx(b"\x08\x01" * 1000, "small.onnx")  # the same, few: read as ever


# Tiny models asking for a huge tensor before anything runs: each is refused by the check,
# before a session could allocate it (the arena bounds what passes; see above)
HUGE_SHAPES = {
    "ConstantOfShape from a Constant node": ([
        helper.make_node("Constant", [], ["shape"], value=int64("s", [200000, 200000])),
        helper.make_node("ConstantOfShape", ["shape"], ["big"]),
        helper.make_node("ReduceSum", ["big"], ["extra"], keepdims=0)], [],
        "40,000,000,000 values (the shape given to a ConstantOfShape)"),
    "Expand to an initializer's shape": ([
        helper.make_node("Expand", ["chips", "shape"], ["big"]),
        helper.make_node("ReduceSum", ["big"], ["extra"], keepdims=0)],
        [int64("shape", [100000, 100000, 2])], "20,000,000,000 values"),
    "Tile by huge repeats": ([
        helper.make_node("Tile", ["chips", "repeats"], ["big"]),
        helper.make_node("ReduceSum", ["big"], ["extra"], keepdims=0)],
        [int64("repeats", [1 << 20, 1 << 20])], "(the shape given to a Tile)"),
    "Range over 2^40 values": ([
        helper.make_node("Range", ["start", "limit", "delta"], ["big"]),
        helper.make_node("ReduceSum", ["big"], ["extra"], keepdims=0)],
        [helper.make_tensor("start", TensorProto.INT64, (), [0]),
         helper.make_tensor("limit", TensorProto.INT64, (), [1 << 40]),
         helper.make_tensor("delta", TensorProto.INT64, (), [1])], "(a Range's length)"),
    "an initializer declaring 2^40 values": ([
        helper.make_node("ReduceSum", ["huge"], ["extra"], keepdims=0)],
        [TensorProto(name="huge", data_type=TensorProto.FLOAT, dims=[1 << 20, 1 << 20])],
        "1,099,511,627,776 values (tensor 'huge')"),
}


@pytest.mark.parametrize("case", HUGE_SHAPES)
def test_a_tiny_model_declaring_a_huge_tensor_is_refused_before_a_session(case, trained,
                                                                           tmp_path):
    nodes, initializers, message = HUGE_SHAPES[case]
    data = two_in_two_out(nodes, initializers)
    assert len(data) < 1000
    with pytest.raises(ModelPackageError, match=re.escape(message)):
        onnx_model.check_onnx(data, "hostile.onnx")
    # in a package: refused when the package is read, before any session is opened
    folder = shutil.copytree(trained[1].folder, tmp_path / "copy")
    emd = next(folder.glob("*.emd"))
    (folder / json.loads(emd.read_text())["ModelFileONNX"]).write_bytes(data)
    with pytest.raises(ModelPackageError, match="declares a tensor of .* not written by"):
        load_package(str(emd))


def test_shapes_of_a_real_network_pass(trained):
    """The package's own ONNX copy: its reshapes and constants are far below the bound."""
    package = load_package(trained[1].definition)
    found = onnx_model.inspect_onnx(package.onnx)
    assert 0 < found.largest[0] < onnx_model.MAX_ELEMENTS // 1000
