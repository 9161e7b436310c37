"""The live event bus (bus.py): domain code publishes what happened to the streams that may
show it, and each streaming process reads it (chirvir/streaming)."""
