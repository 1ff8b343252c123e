"""The business logic. Operations take domain objects, change them, flush, and never commit:
the request (or the CLI command) that called them commits once."""
