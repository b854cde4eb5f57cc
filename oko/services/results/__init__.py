"""From stored responses to results: the engine's columns, cached results, reports, dashboard."""
