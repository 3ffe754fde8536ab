"""Models as versioned rows in the database."""
