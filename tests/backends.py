"""Real SPARQL servers for the remote-store tests: Oxigraph's `oxigraph serve` and Virtuoso 7.

Each starts on free loopback ports with a temporary database and stops at the end of the
session. A server that cannot start raises BackendUnavailable with the reason: the tests then
fail (a skipped backend would hide that the contract is not checked on it).
"""

from __future__ import annotations

# The starters live in the package, so the benchmarks start the servers the same way without tests/ on sys.path.
from actorgraph.graph.servers import BackendUnavailable, Server, oxigraph_server, virtuoso_server

__all__ = ["BackendUnavailable", "Server", "oxigraph_server", "virtuoso_server"]
