"""Research outputs built from plain data: tidy aggregate tables, codebooks, Frictionless data
packages, CSV / JSON / XLSX files and pseudonymised microdata with SPSS labels.

Pure like :mod:`oko.indicators`: no Flask, no database. Services load the data and hand it
in; these builders never decide what is suppressed, they carry the engine's decisions over.
"""
