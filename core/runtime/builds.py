"""Which build of PyTorch (and of onnxruntime) runs on this computer: chosen from the
platform and, for NVIDIA GPUs, from the driver version and the GPU's compute capability that
``nvidia-smi`` reports, so that the installer never fetches a CUDA build the driver cannot run
or the GPU's architecture is not compiled for (a CPU build then, with the reason in words).

The tables hold what NVIDIA and PyTorch publish: CUDA's minor-version compatibility (a CUDA
12.x runtime runs on drivers 525 and newer, 13.x on 580 and newer; NVIDIA's "CUDA
Compatibility" guide) and the GPU architectures each PyTorch CUDA build is compiled for
(PyTorch's release notes, 2.8 and 2.9). Update them when PyTorch adds or drops a build.
"""

from __future__ import annotations

from dataclasses import dataclass

TORCH_INDEX = "https://download.pytorch.org/whl/"


@dataclass(frozen=True)
class CudaBuild:
    """One CUDA build of PyTorch's wheels: its index, the oldest driver that runs it and the
    architectures (compute capabilities) its kernels are compiled for."""

    tag: str  # "cu128": the folder of TORCH_INDEX
    cuda: str  # "12.8"
    min_driver: int  # major version of the NVIDIA driver
    architectures: tuple[tuple[int, int], ...]  # (major, minor) compute capabilities

    @property
    def index(self) -> str:
        """The build's pip index URL."""
        return TORCH_INDEX + self.tag

    def runs_on(self, capability: tuple[int, int]) -> bool:
        """Whether its kernels run on a GPU of ``capability``: compiled for the same major
        architecture at the same or an older minor one (CUDA's binary compatibility)."""
        return any(major == capability[0] and minor <= capability[1]
                   for major, minor in self.architectures)


# Newest first: the first that the driver runs and the GPU's architecture is in is taken.
CUDA_BUILDS = (
    CudaBuild("cu130", "13.0", 580, ((7, 5), (8, 0), (8, 6), (9, 0), (10, 0), (11, 0),
                                     (12, 0))),
    CudaBuild("cu128", "12.8", 525, ((7, 0), (7, 5), (8, 0), (8, 6), (9, 0), (10, 0),
                                     (12, 0))),
    CudaBuild("cu126", "12.6", 525, ((5, 0), (6, 0), (7, 0), (7, 5), (8, 0), (8, 6),
                                     (9, 0))),
)
CPU_INDEX = TORCH_INDEX + "cpu"
# Intel Macs: PyTorch's last wheels for macOS on x86_64 (later releases have none).
INTEL_MAC_TORCH = ("torch==2.2.2", "torchvision==0.17.2")
ONNXRUNTIME_GPU_MIN_DRIVER = 525  # PyPI's onnxruntime-gpu is a CUDA 12 build


@dataclass(frozen=True)
class Gpu:
    """An NVIDIA GPU as ``nvidia-smi`` reports it."""

    name: str
    driver: str  # "550.54.15"
    capability: tuple[int, int] | None  # None: the driver does not report it

    @property
    def driver_major(self) -> int:
        """The driver's major version (550), 0 where it cannot be read."""
        head = self.driver.split(".", 1)[0]
        return int(head) if head.isdigit() else 0

    def describe(self) -> str:
        """The GPU in words: name, compute capability and driver."""
        capability = "" if self.capability is None else \
            f", compute capability {self.capability[0]}.{self.capability[1]}"
        return f"{self.name}{capability}, driver {self.driver}"


def parse_nvidia_smi(text: str) -> Gpu | None:
    """The first GPU of ``nvidia-smi --query-gpu=name,driver_version,compute_cap
    --format=csv,noheader`` (the compute capability may be missing: older drivers)."""
    for line in text.strip().splitlines():
        fields = [field.strip() for field in line.split(",")]
        if len(fields) < 2 or not fields[0]:
            continue
        capability = None
        if len(fields) > 2:
            major, _, minor = fields[2].partition(".")
            if major.isdigit() and minor.isdigit():
                capability = (int(major), int(minor))
        return Gpu(fields[0], fields[1], capability)
    return None


@dataclass(frozen=True)
class Choice:
    """What to install: the packages, the index that holds the right build (None: PyPI's
    default), the build's name and why it was chosen, in words for the dialog."""

    packages: tuple[str, ...]
    index: str | None
    build: str  # "CUDA 12.8", "CPU", "macOS (Apple silicon: Metal)", ...
    reason: str

    @property
    def uses_gpu(self) -> bool:
        """Whether the chosen build uses an NVIDIA GPU."""
        return self.build.startswith("CUDA")


def choose_torch(system: str, machine: str, gpu: Gpu | None, want_gpu: bool = True) -> Choice:
    """The PyTorch build for a platform (``platform.system()``, ``platform.machine()``) and
    GPU: the newest CUDA build the driver runs and the GPU's architecture is compiled in,
    else the CPU build, with the reason."""
    packages = ("torch", "torchvision", "onnx")  # onnx: each saved package's ONNX copy
    if system == "Darwin":
        if machine.lower() in ("x86_64", "amd64", "i386"):
            return Choice(INTEL_MAC_TORCH + ("onnx",), None, "macOS (Intel): PyTorch 2.2.2",
                          "PyTorch publishes no newer wheels for Intel Macs: its last release "
                          "for them (2.2.2) is installed. To classify only, onnxruntime is "
                          "current and smaller.")
        return Choice(packages, None, "macOS (Apple silicon: Metal)",
                      "macOS has one PyTorch build; it uses the Apple GPU (Metal, 'mps').")
    cpu = Choice(packages, CPU_INDEX, "CPU", "")
    if gpu is None or not want_gpu:
        return _cpu_choice(cpu, gpu)
    build, why_not = _cuda_build(gpu)
    if build is None:
        return _with_reason(cpu, f"{gpu.describe()}: {why_not} The CPU build will be "
                                 "installed.")
    return Choice(packages, build.index, f"CUDA {build.cuda}",
                  f"{gpu.describe()}: the CUDA {build.cuda} build ({build.tag}) will be "
                  "installed.")


def _with_reason(choice: Choice, reason: str) -> Choice:
    return Choice(choice.packages, choice.index, choice.build, reason)


def _cpu_choice(cpu: Choice, gpu: Gpu | None) -> Choice:
    """The CPU build without an NVIDIA GPU, or where its build is not wanted."""
    if gpu is None:
        return _with_reason(cpu, "No NVIDIA GPU found (or no driver): the CPU build will be "
                                 "installed.")
    return _with_reason(cpu, f"{gpu.describe()}: the CPU build will be installed, as asked.")


def _cuda_build(gpu: Gpu) -> tuple[CudaBuild | None, str]:
    """The newest CUDA build for ``gpu``, or None and why none fits."""
    runs = [build for build in CUDA_BUILDS if gpu.driver_major >= build.min_driver]
    if not runs:
        oldest = min(build.min_driver for build in CUDA_BUILDS)
        return None, (f"its driver is too old for PyTorch's CUDA builds (they need driver "
                      f"{oldest} or newer; update the NVIDIA driver to use the GPU).")
    if gpu.capability is None:  # the driver does not say: the build with the widest reach
        return runs[-1], ""
    fitting = [build for build in runs if build.runs_on(gpu.capability)]
    if fitting:
        return fitting[0], ""
    newer = [build for build in CUDA_BUILDS if build.runs_on(gpu.capability)]
    if newer:
        return None, (f"its architecture needs PyTorch's CUDA {newer[-1].cuda} build, which "
                      f"needs driver {newer[-1].min_driver} or newer (update the NVIDIA "
                      "driver to use the GPU).")
    return None, ("no current PyTorch CUDA build supports this architecture (the oldest "
                  "supported is compute capability "
                  f"{min(a for b in CUDA_BUILDS for a in b.architectures)[0]}.0).")


def choose_onnxruntime(system: str, gpu: Gpu | None, want_gpu: bool = True) -> Choice:
    """onnxruntime, or onnxruntime-gpu (a CUDA 12 build on Linux and Windows) where the
    driver runs it."""
    plain = Choice(("onnxruntime",), None, "CPU", "")
    if system == "Darwin":
        return _with_reason(plain, "macOS: onnxruntime (CPU and CoreML) will be installed.")
    if gpu is None or not want_gpu:
        return _cpu_choice(plain, gpu)
    if gpu.driver_major < ONNXRUNTIME_GPU_MIN_DRIVER:
        return _with_reason(plain, f"{gpu.describe()}: onnxruntime's GPU build needs driver "
                                   f"{ONNXRUNTIME_GPU_MIN_DRIVER} or newer; the CPU build "
                                   "will be installed.")
    return Choice(("onnxruntime-gpu",), None, "CUDA 12",
                  f"{gpu.describe()}: onnxruntime's CUDA 12 build will be installed.")
