"""Tables, engine and queries."""
