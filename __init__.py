"""ActorGraph: a knowledge graph of state, non-state and proxy actors, with evidence."""

__version__ = "0.1.0"
