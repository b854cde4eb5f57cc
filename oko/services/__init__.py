"""Services own transactions and queries; web views and CLI commands call them.

Each module holds one feature. A service takes a SQLAlchemy ``Session`` and commits only
where its docstring says so, so a caller can group several calls in one transaction.
"""
