"""Services own transactions and queries; web views and CLI commands call them.

Grouped by flow: ``survey`` (class sessions, drafts, submissions, imported responses),
``results`` (the engine's columns, cached results, reports, the dashboard), ``staff``
(accounts, permissions, set-up, the fieldwork monitor), ``research`` (exports, API tokens,
microdata) and ``demo``. What every flow uses sits at the top: the audit log, rate limits
and :class:`~oko.services.refusal.Refusal`.

Each module holds one feature. A service takes a SQLAlchemy ``Session`` and commits only
where its docstring says so, so a caller can group several calls in one transaction.
"""
