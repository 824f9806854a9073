"""Research server: device enrolment, sealed-submission upload and the data manager's pull (no Qt).

Modules that import FastAPI are only `app`, `middleware` and `runner`; the rest are plain Python so
the laptop side (survey_app.sync) can share the receipt format without the web stack.
"""
