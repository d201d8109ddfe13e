"""What the CLI prints for people, drawn by rich: tables and trees.

On a terminal they get colour and fit the window; anywhere else (a pipe, a file, a
test) they are plain text as wide as their content, one row a line, so that ``grep``
and ``split`` keep working (``--json`` is the format for scripts).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from rich.console import Console, RenderableType
from rich.table import Table

#: Columns a line may take off a terminal: wide enough that nothing wraps.
UNBOUNDED_WIDTH = 10_000


def render(renderable: RenderableType) -> str:
    """``renderable`` as text for stdout, trailing spaces trimmed from each line."""
    tty = sys.stdout.isatty()
    console = Console(
        width=None if tty else UNBOUNDED_WIDTH,
        markup=False,
        emoji=False,
        highlight=False,
    )
    with console.capture() as captured:
        console.print(renderable)
    return "\n".join(line.rstrip() for line in captured.get().splitlines())


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    """Rows under their headers, columns two spaces apart, left-aligned."""
    grid = Table(box=None, pad_edge=False, padding=(0, 1), header_style="bold")
    for header in headers:
        grid.add_column(header, overflow="fold")
    for row in rows:
        grid.add_row(*row)
    return render(grid)
