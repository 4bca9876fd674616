"""corosync.conf as a model: parse, render byte-stable, dotted get/set, nodelist edits, init configs.

Pure: no I/O beyond the text given, no subprocess, no printing.
"""
