"""The one place where the core's errors become CLI errors."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from actorgraph.graph.errors import KGError

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    """Turn the core's errors into one-line messages and exit status 1 (usage errors keep click's 2).

    A reader that stops reading (``actorgraph query … | head``) is no error: the command stops quietly.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BrokenPipeError:
            stop_writing()
        except KGError as exc:
            if isinstance(exc.__cause__, BrokenPipeError):  # the serialisers wrap I/O errors (StoreError)
                stop_writing()
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def stop_writing() -> None:
    """Exit 0 when standard output's reader has gone, as `yes | head` does, without another broken pipe."""
    # Python flushes stdout at exit and would fail on the closed pipe again (the recipe of the signal module's docs).
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    raise SystemExit(0)
