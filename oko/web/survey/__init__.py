"""The student's questionnaire: class code, language, introduction, pages, thank-you.

Every POST here validates a Flask-WTF form, CSRF token included, inside the view rather than in
the app-wide ``before_request`` check: a student whose token expired then gets the same page
back with their answers and a plain explanation, instead of an error page that loses them.
"""

from flask import Blueprint

from oko.web.extensions import csrf

bp = Blueprint("survey", __name__)
csrf.exempt(bp)

from oko.web.survey import routes  # noqa: E402,F401  (routes attach themselves to bp)
