"""The demo instance and synthetic data in the database."""
