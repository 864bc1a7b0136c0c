# Copyright 2026 The hri_emo authors
# SPDX-License-Identifier: Apache-2.0
"""The report of a replayed session: figures (PNG) and one HTML page, from the input bag
and the bag of the graph's outputs. Pure Python (matplotlib Agg), no rclpy.

    from hri_emo_ros.report import write_report, format_summary_table
    summary = write_report(Path("report"), Path("session_bag"), Path("outputs"), labels)
    print(format_summary_table(summary))

Modules: `loading` (bags -> `series.RunSeries`, plain per-person time series), `summary`
(per-person rows), `fig_*` and `video_strip` (one figure family each), `tables` (rows of
the HTML-only tables), `html_page` (the page), `report` (`write_report`).
"""

from hri_emo_ros.report.errors import ReportError
from hri_emo_ros.report.report import write_report
from hri_emo_ros.report.summary import PersonSummary, ReportSummary, format_summary_table

__all__ = ["PersonSummary", "ReportError", "ReportSummary", "format_summary_table",
           "write_report"]
