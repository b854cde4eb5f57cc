"""Closing a wave: the reports of every municipality and school, and a mail to each reader.

``batches`` closes a wave and plans its batch, ``jobs`` holds the idempotent steps (plan,
build one report, send one mail), ``mails`` writes and delivers a mail, ``queue`` runs the
jobs on RQ or in a background thread, ``status`` reads the batches for the admin pages.
"""
