"""Command-line entry point: `python main.py [command]`."""
