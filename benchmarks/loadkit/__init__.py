"""Tools shared by ``benchmarks/load.py`` and ``tests/production``: throwaway databases and
PostgreSQL servers, gunicorn processes, simulated students that use the real survey pages over
HTTP, and the checks that every acknowledged submit is stored exactly once.

Everything runs on the loopback interface, and every loop and wait is bounded.
"""
