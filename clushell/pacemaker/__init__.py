"""Pacemaker's command-line tools behind the Runner."""
