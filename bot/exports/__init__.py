"""The files the bot makes: charts (matplotlib), workbooks (openpyxl), CSV.

``RENDERERS`` implements core.render.Renderers. matplotlib and openpyxl are imported when a
renderer is first asked for, never by importing this package: chatting needs neither. A
streamed workbook (an area's every report) is written by a child process (workbook_process).
"""

from __future__ import annotations

from core.render import ChartRenderer, StreamedWorkbookRenderer, WorkbookRenderer

__all__ = ["RENDERERS", "FileRenderers"]


class FileRenderers:
    @property
    def chart(self) -> ChartRenderer:
        from bot.exports.chart import render_progress_chart

        return render_progress_chart

    @property
    def workbook(self) -> WorkbookRenderer:
        from bot.exports.workbook import build_workbook

        return build_workbook

    @property
    def streamed_workbook(self) -> StreamedWorkbookRenderer:
        from bot.exports.workbook_process import write_workbook_in_child

        return write_workbook_in_child


RENDERERS = FileRenderers()
