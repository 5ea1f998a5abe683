"""The bundled demo case: synthetic data (no real person) showing a typical violent-collection case."""
