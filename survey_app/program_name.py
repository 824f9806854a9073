"""How the command line is run, for hints that name a command (domain code takes it as `program`).

The command line records which one the person typed (survey_app.cli.program) and passes it in.
"""

SOURCE = "python main.py"  # from a source checkout
INSTALLED = "survey-app"  # the console script and the frozen app (cli.main.entry)
