"""Pure functions on drawings: parse, normalise/simplify like Quick, Draw!, rasterise."""
