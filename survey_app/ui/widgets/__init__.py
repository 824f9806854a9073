"""Answer widgets built from form items: each carries its own labels and reports stored codes."""
