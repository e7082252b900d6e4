"""python -m actorgraph.graph: the same as the actorgraph command."""

from actorgraph.graph.cli import cli

cli()
