"""The linking register: participant code <-> name and contact details, kept apart (no Qt)."""
