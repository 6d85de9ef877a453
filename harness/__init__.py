"""lunar-hil harness: everything on the harness side of the link (plant, sensors, faults,
links, sessions, reports, command line)."""
