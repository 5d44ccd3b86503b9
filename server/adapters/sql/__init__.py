"""SQL statements port: one read statement run as a user, cancellable, with a bounded result."""
