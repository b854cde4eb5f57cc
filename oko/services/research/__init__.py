"""Research data: aggregate exports, API tokens, governed microdata."""
