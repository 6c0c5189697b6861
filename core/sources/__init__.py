"""Where chips come from: raster sources read with GDAL, feature geometries turned into
windows on them, and the one feature path that cuts the chips of classify, evaluate and
export."""
