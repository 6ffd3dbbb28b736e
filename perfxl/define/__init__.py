"""define stage."""
