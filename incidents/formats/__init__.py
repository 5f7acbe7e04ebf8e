"""Input tables: one module per format behind one shared table reader (CSV and GeoJSON incident tables today)."""
