"""Auditing a finished run: diffs, stats, the HTML report, comparing runs and rerunning one."""
