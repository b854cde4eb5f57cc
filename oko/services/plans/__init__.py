"""A coalition's plan after a wave: goals and actions, set on the coalition pages and shown
with verdicts in the dashboard and the next report (:mod:`oko.services.plans.editing` saves,
:mod:`oko.services.plans.reading` loads them for pages, reports and researchers)."""
