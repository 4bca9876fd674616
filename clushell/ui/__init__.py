"""Terminal user interface: REPL, completion, highlighting."""
