"""Pages of the staff and participant flows."""
