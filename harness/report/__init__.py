"""A run's artifacts: result.json, telemetry.csv, descent.png."""
