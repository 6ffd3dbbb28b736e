"""A round of collection: who has returned (status), what changed since last year (compare)."""
