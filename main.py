"""Start the survey app, or run a command-line tool: `python main.py --help`."""

import sys

from survey_app.cli.main import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
