"""XLSForm (ODK, KoboToolbox) in and out: import to form files, export for pyxform, check."""
