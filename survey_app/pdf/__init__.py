"""Paper: printable questionnaires, codebook and meeting report as PDF (reportlab, no Qt)."""
