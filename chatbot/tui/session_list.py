"""The sessions list: a table that draws only the rows in view, however many sessions there are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from chatbot.shells.output import neutralise

# Blank cells between columns: the same air DataTable gives its cells.
GAP = 2
HEADER = 1


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    right: bool = False  # numbers line up on their last digit


class SessionList(ScrollView, can_focus=True):
    """Rows are asked of `cells` only when they come into view, so ten thousand sessions cost no
    more to show, sort or filter than ten: the screen hands down the rows in order, the list
    posts what is highlighted, chosen or clicked in the header. Every cell is text, never markup,
    and control characters are shown as escapes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
        Binding("enter", "select", "Replay", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "session-list--header",
        "session-list--even-row",
        "session-list--cursor",
    }

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Highlighted(Message):
        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    class HeaderClicked(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        cells: Callable[[Any], Sequence[str]],
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._cells = cells
        self.rows: Sequence[Any] = ()
        self.columns: Sequence[Column] = ()
        self._lines: LRUCache[int, str] = LRUCache(1024)
        self._header = ""

    # Attributes down: the screen says what to show; the list only draws it.

    def show(self, rows: Sequence[Any], columns: Sequence[Column], cursor: int = 0) -> None:
        """Replace every row (already filtered and sorted) and the columns."""
        self.rows, self.columns = rows, columns
        self._header = self._line([c.label for c in columns])
        self._lines.clear()
        width = sum(c.width for c in columns) + GAP * len(columns)
        self.virtual_size = Size(width, len(rows) + HEADER)
        self.cursor = cursor  # always_update: the watcher redraws and posts Highlighted

    def redraw(self) -> None:
        """Cells have changed (a score came in): draw the rows again from `cells`."""
        self._lines.clear()
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        return self.cursor if 0 <= self.cursor < len(self.rows) else None

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self) -> None:
        self._keep_in_view()
        self.refresh()
        self.post_message(self.Highlighted(self.highlighted))

    def _keep_in_view(self) -> None:
        visible = self._page()
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + visible:
            self.scroll_to(y=self.cursor - visible + 1, animate=False, immediate=True)

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER)

    def on_resize(self) -> None:
        self._keep_in_view()

    # Drawing

    def _line(self, texts: Sequence[str]) -> str:
        return "".join(
            f" {_fit(neutralise(text), column.width, column.right)} "
            for column, text in zip(self.columns, texts, strict=False)
        )

    def _row(self, index: int) -> str:
        found = self._lines.get(index)
        if found is None:
            found = self._line(self._cells(self.rows[index]))
            self._lines[index] = found
        return found

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self.rich_style
        if y < HEADER:
            line, style = self._header, base + self.get_component_rich_style("session-list--header")
        else:
            index = y - HEADER + scroll_y
            if index >= len(self.rows):
                return Strip.blank(width, base)
            line, style = self._row(index), base
            if index % 2 == 0:
                style += self.get_component_rich_style("session-list--even-row")
            if index == self.cursor:
                style += self.get_component_rich_style("session-list--cursor")
        return Strip([Segment(line, style)]).crop_extend(scroll_x, scroll_x + width, style)

    # Keys and the mouse: messages up

    def action_move(self, by: int) -> None:
        self.cursor += by

    def action_page(self, by: int) -> None:
        self.cursor += by * self._page()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y < HEADER:
            key = self._column_at(offset.x + round(self.scroll_x))
            if key is not None:
                self.post_message(self.HeaderClicked(key))
            return
        index = offset.y - HEADER + round(self.scroll_y)
        if index >= len(self.rows):
            return
        # The first click highlights; a second (or a double click) opens, as in a file manager.
        if index == self.cursor or event.chain > 1:
            self.cursor = index
            self.action_select()
        else:
            self.cursor = index

    def _column_at(self, x: int) -> str | None:
        right = 0
        for column in self.columns:
            right += column.width + GAP
            if x < right:
                return column.key
        return None


def _fit(text: str, width: int, right: bool = False) -> str:
    """Exactly `width` cells: padded, or cut with an ellipsis (wide characters counted as two)."""
    length = cell_len(text)
    if length <= width:
        return " " * (width - length) + text if right else set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…" if width else ""
