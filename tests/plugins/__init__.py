"""Fixtures shared by every test folder, registered in tests/conftest.py with ``pytest_plugins``."""
