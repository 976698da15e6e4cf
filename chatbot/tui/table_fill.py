"""Fill a DataTable with Content cells in one batch, each column as wide as what it holds."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import DataTable


def fill(
    table: DataTable[Content],
    columns: Sequence[tuple[str, str]],
    rows: Sequence[tuple[str, Sequence[Content]]],
    widest: dict[str, int] | None = None,
) -> None:
    """Replace the table's columns and rows. DataTable measures only Rich renderables, so a
    Content cell (shown literally, unlike a str) would leave its column as narrow as the label:
    the widths are measured here instead (`widest` caps a column)."""
    widest = widest or {}
    widths = [cell_len(label) for label, _ in columns]
    for _, cells in rows:
        for number, cell in enumerate(cells):
            widths[number] = max(widths[number], cell.cell_length)
    table.clear(columns=True)
    for (label, key), width in zip(columns, widths, strict=True):
        table.add_column(label, key=key, width=min(width, widest.get(key, width)))
    for key, cells in rows:
        table.add_row(*cells, key=key)
