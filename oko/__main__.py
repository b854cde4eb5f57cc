"""Run the ``oko`` command as ``python -m oko`` (same as the console script)."""

from oko.cli import main

main()
