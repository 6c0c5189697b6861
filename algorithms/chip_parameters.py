"""The chip parameters, declared and read back in one place: CELL_SIZE, EXTENT, CROP_MODE,
PADDING and BLACKEN_AROUND_FEATURE, with the same enum indexes in every algorithm.

CROP_MODE: 0 fixed size, 1 bounding box, 2 as the model definition says (classify and
evaluate; export, which has no model, offers 0 and 1).
"""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterExtent,
    QgsProcessingParameterNumber,
)

from ..core.chips import BOUNDING_BOX, FIXED

CROP_MODES = ((FIXED, "fixed size around the feature centre"),
              (BOUNDING_BOX, "feature bounding box"),
              (None, "as the model definition says"))
BLACKEN_CHOICES = ((None, "as the model definition says"), (True, "yes"), (False, "no"))


def add_chip_parameters(alg, extent_help: str, from_model: bool = True,
                        blacken: bool = False) -> None:
    """CELL_SIZE, EXTENT, CROP_MODE and PADDING (and BLACKEN_AROUND_FEATURE): how chips are
    cut around features. ``from_model``: CROP_MODE offers (and defaults to) "as the model
    definition says", and is an advanced parameter."""
    alg.add_parameter(
        QgsProcessingParameterDistance("CELL_SIZE", alg.tr("Cell size (0 = the raster's own)"),
                                       0.0, "INPUT_RASTER", minValue=0.0),
        "The ground size of one chip pixel, in the raster's map units (shown beside the "
        "value). Match the resolution the model was (or will be) trained at: the raster is "
        "averaged when read coarser and interpolated when read finer. 0 reads the raster at "
        "its own resolution.")
    alg.add_parameter(
        QgsProcessingParameterExtent("EXTENT", alg.tr("Processing extent"), optional=True),
        extent_help)
    modes = CROP_MODES if from_model else CROP_MODES[:2]
    alg.add_parameter(
        QgsProcessingParameterEnum("CROP_MODE", alg.tr("Chip around each feature"),
                                   options=[label for _, label in modes],
                                   defaultValue=len(modes) - 1 if from_model else 0),
        "Fixed: the chip size in pixels at the cell size, centred on the feature (points "
        "always use this). Bounding box: the feature's bounding box plus the padding, "
        "resampled to the chip size." + (" As the model definition says: as the model was "
                                         "trained." if from_model else ""),
        advanced=from_model)
    alg.add_parameter(
        QgsProcessingParameterNumber("PADDING", alg.tr("Padding around the bounding box "
                                                       "(pixels)"),
                                     QgsProcessingParameterNumber.Integer, 0, False, 0, 10000),
        "Extra pixels (at the cell size) on each side of the bounding box.", advanced=True)
    if blacken:
        alg.add_parameter(
            QgsProcessingParameterEnum("BLACKEN_AROUND_FEATURE", alg.tr("Blacken around the "
                                                                        "feature"),
                                       options=[label for _, label in BLACKEN_CHOICES],
                                       defaultValue=0),
            "Set the pixels outside a polygon to 0 before classifying it.", advanced=True)


def chip_option_values(alg, parameters, context, layer) -> dict:
    """The chip parameters as core.chips.ChipOptions fields (extent in the raster's CRS)."""
    values = {
        "cell_size": alg.parameterAsDouble(parameters, "CELL_SIZE", context),
        "extent": extent_in(alg, parameters, context, layer),
        "crop_mode": CROP_MODES[alg.parameterAsEnum(parameters, "CROP_MODE", context)][0],
        "padding": alg.parameterAsInt(parameters, "PADDING", context),
    }
    if alg.parameterDefinition("BLACKEN_AROUND_FEATURE") is not None:
        choice = alg.parameterAsEnum(parameters, "BLACKEN_AROUND_FEATURE", context)
        values["blacken"] = BLACKEN_CHOICES[choice][0]
    return values


def extent_in(alg, parameters, context, layer):
    """EXTENT in the raster's CRS as (min x, min y, max x, max y), or None when not given."""
    if parameters.get("EXTENT") in (None, ""):
        return None
    rectangle = alg.parameterAsExtent(parameters, "EXTENT", context, layer.crs())
    if rectangle.isNull():
        return None
    return rectangle.xMinimum(), rectangle.yMinimum(), rectangle.xMaximum(), rectangle.yMaximum()
