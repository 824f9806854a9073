"""Laptop-side sync with the research server (no Qt): enrolment, upload, receipts, back-off."""
