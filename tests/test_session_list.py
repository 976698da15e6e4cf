"""The sessions list widget: only rows in view are drawn, keys and clicks, literal text."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import App, ComposeResult

from chatbot.tui.session_list import Column, SessionList

COLUMNS = [Column("n", "n", 5, right=True), Column("text", "text", 12)]


class Host(App[None]):
    """The list alone, with every message it posts kept."""

    def __init__(self, rows: list[Any]) -> None:
        super().__init__()
        self.rows = rows
        self.asked: list[Any] = []
        self.posted: list[Any] = []

    def compose(self) -> ComposeResult:
        yield SessionList(self.cells)

    def cells(self, row: Any) -> list[str]:
        self.asked.append(row)
        return [str(row[0]), row[1]]

    def on_mount(self) -> None:
        self.query_one(SessionList).show(self.rows, COLUMNS)
        self.query_one(SessionList).focus()

    def on_session_list_highlighted(self, message: SessionList.Highlighted) -> None:
        self.posted.append(("highlighted", message.index))

    def on_session_list_selected(self, message: SessionList.Selected) -> None:
        self.posted.append(("selected", message.index))

    def on_session_list_header_clicked(self, message: SessionList.HeaderClicked) -> None:
        self.posted.append(("header", message.key))


def drawn(widget: SessionList) -> list[str]:
    return [widget.render_line(y).text for y in range(widget.size.height)]


async def test_ten_thousand_rows_draw_only_those_in_view() -> None:
    rows = [(n, f"row {n}") for n in range(10_000)]
    app = Host(rows)
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        widget = app.query_one(SessionList)
        assert widget.virtual_size.height == 10_001  # the rows and the header
        # Twelve lines: the header and eleven rows, and only those were asked for.
        assert {row[0] for row in app.asked} <= set(range(11))
        lines = drawn(widget)
        assert lines[0].split() == ["n", "text"] and lines[1].split() == ["0", "row", "0"]
        await pilot.press("end")
        await pilot.pause()
        assert widget.cursor == 9_999 and drawn(widget)[-1].split() == ["9999", "row", "9999"]
        assert len(app.asked) < 40
        await pilot.press("pageup")
        assert widget.cursor == 9_999 - 11
        await pilot.press("home", "down", "down", "up")
        assert widget.cursor == 1 and drawn(widget)[2].split() == ["1", "row", "1"]
        assert app.posted[-1] == ("highlighted", 1)
        await pilot.press("enter")
        assert app.posted[-1] == ("selected", 1)


async def test_cells_are_text_cut_to_their_column() -> None:
    hostile = [
        (1, "[b]bold[/b] [@click=app.quit]q[/]"),
        (2, "\x1b[31mred\x1b[0m\x07"),
        (3, "\u202eevil"),
        (4, "日本語のテキストです"),
        (5, "short"),
    ]
    app = Host(hostile)
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        widget = app.query_one(SessionList)
        lines = drawn(widget)[1:6]
        assert lines[0][8:20] == "[b]bold[/b]…"  # markup as typed, cut with an ellipsis
        assert "\x1b" not in lines[1] and lines[1][8:20] == "\\x1b[31mred…"
        assert "\u202e" not in lines[2] and "\\u202eevil" in lines[2]
        # Wide characters: twelve cells hold five of them, a space and the ellipsis.
        assert lines[3].rstrip().endswith("日本語のテ …")
        assert all(cell_len(line) == 40 for line in lines)
        assert lines[4][1:6] == "    5"  # numbers to the right
        assert app.is_running


async def test_clicks_highlight_then_open_and_the_header_sorts() -> None:
    app = Host([(n, f"row {n}") for n in range(5)])
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        widget = app.query_one(SessionList)
        await pilot.click(SessionList, offset=(3, 3))  # the third row
        assert widget.cursor == 2 and ("selected", 2) not in app.posted
        await pilot.click(SessionList, offset=(3, 3))
        assert app.posted[-1] == ("selected", 2)
        await pilot.click(SessionList, offset=(10, 0))
        assert app.posted[-1] == ("header", "text")
        await pilot.click(SessionList, offset=(30, 0))  # past the last column: nothing
        assert app.posted[-1] == ("header", "text")


async def test_fewer_rows_keep_the_cursor_in_range() -> None:
    app = Host([(n, "x") for n in range(50)])
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        widget = app.query_one(SessionList)
        await pilot.press("end")
        widget.show([(1, "a"), (2, "b")], COLUMNS, cursor=widget.cursor)
        await pilot.pause()
        assert widget.cursor == 1 and widget.highlighted == 1 and widget.scroll_y == 0
        widget.show([], COLUMNS)
        await pilot.pause()
        assert widget.highlighted is None and app.posted[-1] == ("highlighted", None)
        await pilot.press("enter", "down")
        assert app.posted[-1] == ("highlighted", None)
        assert drawn(widget)[1].strip() == ""
