"""The command line: every Processing tool as a command, without QGIS (GDAL for rasters and
vectors), for GPU servers and scripts; under torchrun, training and classification spread
over several processes (core.distributed)."""
