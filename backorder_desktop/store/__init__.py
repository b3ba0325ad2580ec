"""Persistence: the database connection, the tables and their migrations."""
