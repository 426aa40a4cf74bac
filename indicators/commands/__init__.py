"""The commands of ``python -m indicators``, one module per concern (``indicators/cli.py`` assembles them)."""
