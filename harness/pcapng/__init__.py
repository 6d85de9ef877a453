"""pcapng captures: a small writer and reader, and a run's capture converted to pcapng."""
