"""The chip parameters read back in one place (declared in core.interface.chip_parameters):
CELL_SIZE, EXTENT, CROP_MODE, PADDING, BLACKEN_AROUND_FEATURE (and export's CHIP_SIZE and
FORMAT)."""

from __future__ import annotations


def chip_option_values(alg, parameters, context, layer) -> dict:
    """The chip parameters as core.chips.ChipOptions fields (extent in the raster's CRS)."""
    from ..core.interface import CHIP_OPTIONS, values_for

    return dict(values_for(alg.TOOL, CHIP_OPTIONS,
                           lambda name: alg.value(parameters, name, context)),
                extent=extent_in(alg, parameters, context, layer))


def extent_in(alg, parameters, context, layer):
    """EXTENT in the raster's CRS as (min x, min y, max x, max y), or None when not given."""
    if parameters.get("EXTENT") in (None, ""):
        return None
    rectangle = alg.parameterAsExtent(parameters, "EXTENT", context, layer.crs())
    if rectangle.isNull():
        return None
    return rectangle.xMinimum(), rectangle.yMinimum(), rectangle.xMaximum(), rectangle.yMaximum()
