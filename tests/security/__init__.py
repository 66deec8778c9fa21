"""tests/security: one file per numbered finding of the "Trust" issue, each reproducing it."""
