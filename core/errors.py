"""User-facing exception types.

Every message says what is wrong and how to fix it; the Processing algorithms turn these
into QgsProcessingException without a traceback.
"""


class SceneClassifierError(Exception):
    """Base class for errors caused by the user's input or environment."""


class DataError(SceneClassifierError):
    """The training or input imagery cannot be used."""


class ModelPackageError(SceneClassifierError):
    """A model package (.emd/.pth/.dlpk) is missing, invalid or unsafe."""


class BackboneError(SceneClassifierError):
    """A backbone or its weights cannot be created or loaded."""


class DeviceError(SceneClassifierError):
    """The requested compute device is not available."""


class DependencyError(SceneClassifierError):
    """A required Python package (torch, torchvision) is missing."""


class Cancelled(SceneClassifierError):
    """The user cancelled the run."""

    def __init__(self, message: str = "Cancelled by the user; nothing was written.") -> None:
        super().__init__(message)


class OutputError(SceneClassifierError):
    """An output would replace or lose files that the run did not create, or cannot be
    written where it was asked to go."""
