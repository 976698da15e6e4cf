"""The sessions table: a DataTable that skips measuring cells whose column width is already set."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class SessionTable(DataTable[Content]):
    """DataTable measures every cell of every new row once it is idle: seconds for ten thousand
    rows, and wasted here, since `table_fill.fill` sets each column's width and every row is one
    line. Only the scrollable size is worked out."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        columns = self.columns.values()
        if any(column.auto_width for column in columns) or self._labelled_row_exists:
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in columns)
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(
            width + self._row_label_column_width, self._total_row_height + header
        )
