"""Entry point of the frozen app (PyInstaller): the same as the `survey-app` console script."""

import sys

from survey_app.cli.main import entry

if __name__ == "__main__":
    sys.exit(entry())
