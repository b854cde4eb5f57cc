"""The coalition's plan: goals and actions with their verdicts on the dashboard, and the
forms to set and edit them (coalition members for their own municipality, admins for all)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from oko.indicators.definitions import Indicator
from oko.reporting.plans import ActionPlan
from oko.services.plans import editing, reading
from oko.services.results.engine import Settings
from oko.services.rows import ACTION_STATUSES, GOAL_DIRECTIONS, Action, Goal, Municipality
from oko.web.auth import login_required
from oko.web.coalition import bp
from oko.web.coalition.dashboard import READERS, _municipality, _options, _user, wave_board
from oko.web.coalition.forms import GoalForm, PlanActionForm
from oko.web.context import db_session
from oko.web.i18n import current_language, refusal_text, translate


@bp.get("/dashboard/<municipality_slug>/<wave_slug>/goals")
@login_required(*READERS)
def wave_goals(municipality_slug: str, wave_slug: str):
    """ "Our goals" and "What we did since last time" of a wave's report, as the PDF shows."""
    board, waves = wave_board(municipality_slug, wave_slug)
    return render_template("coalition/dashboard_goals.html", board=board, waves=waves)


@bp.get("/plans/<municipality_slug>/")
@login_required(*READERS)
def plans_home(municipality_slug: str):
    session = db_session()
    town = _municipality(municipality_slug)
    goals = reading.goals_of(session, _user(), town)
    try:
        indicators = {
            i.id: i
            for i in editing.options(
                session, _user(), town, settings=_options()["settings"]
            ).indicators
        }
    except editing.PlanError:
        indicators = {}  # no results yet, so no goals either: nothing to label
    return render_template(
        "coalition/plans.html",
        municipality=town,
        goals=goals,
        actions=reading.actions_of(session, _user(), town),
        history=reading.history(session, _user(), town)[:50],
        shown=partial(_shown, indicators),
    )


def _shown(
    indicators: Mapping[str, Indicator], field: str, value: Any, indicator_id: str = ""
) -> str:
    """A saved field as the coalition reads it: an indicator's label rather than its id, a
    target in percent, a group in words. ``indicator_id``: the indicator a target is of."""
    if value is None or value == "":
        return "–"
    if field == "indicator":
        indicator = indicators.get(value)
        return indicator.label(current_language()) if indicator else str(value)
    if field == "target":
        indicator = indicators.get(indicator_id)
        return f"{value * 100:g}%" if indicator and indicator.is_proportion else f"{value:g}"
    if field == "group":
        return _group_label(value)
    if field in ("direction", "status"):
        return translate(f"plans.{field}_{value}")
    if field == "priority":
        return translate("plans.yes" if value else "plans.no")
    return str(value)


def _plan_options(town: Municipality, settings: Settings) -> editing.PlanOptions:
    try:
        return editing.options(db_session(), _user(), town, settings=settings)
    except editing.PlanError as exc:
        flash(refusal_text(exc), "error")
        abort(redirect(url_for("coalition.plans_home", municipality_slug=town.slug)))


def _indicator_choices(options: editing.PlanOptions) -> list[SelectChoice]:
    language = current_language()
    return [SelectChoice(i.id, i.label(language)) for i in options.indicators]


def _group_label(group: str) -> str:
    kind, _, code = group.partition("=")
    return translate(f"plans.group_{kind}", code=code)


@bp.route("/plans/<municipality_slug>/goals/new", methods=["GET", "POST"])
@bp.route("/plans/<municipality_slug>/goals/<int:goal_id>", methods=["GET", "POST"])
@login_required(*READERS)
def goal_form(municipality_slug: str, goal_id: int | None = None):
    session = db_session()
    town = _municipality(municipality_slug)
    config = _options()
    options = _plan_options(town, config["settings"])
    row = None
    data = {}
    if goal_id is not None:
        try:
            row = reading.goal(session, _user(), town, goal_id)
        except LookupError:
            abort(404)
        percent = any(i.id == row.indicator and i.is_proportion for i in options.indicators)
        data = {
            "target": row.target * 100 if percent else row.target,
            "target_wave": row.target_wave.slug if row.target_wave else "",
            "target_year": None if row.target_wave else row.target_year,
        }
    form = GoalForm(obj=row, data=data or None)
    form.indicator.choices = _indicator_choices(options)
    form.direction.choices = [
        SelectChoice(d, translate(f"plans.direction_{d}")) for d in GOAL_DIRECTIONS
    ]
    form.group.choices = [SelectChoice(g, _group_label(g)) for g in options.groups]
    form.target_wave.choices = [
        SelectChoice("", "–"),
        *(SelectChoice(w.slug, w.name) for w in options.waves),
    ]

    def save() -> None:
        editing.save_goal(
            session,
            _user(),
            town,
            editing.GoalInput(
                indicator=form.indicator.data,
                direction=form.direction.data,
                target=form.target.data,
                group=form.group.data,
                target_wave=form.target_wave.data or None,
                target_year=form.target_year.data,
                priority=form.priority.data,
                reason=form.reason.data or "",
            ),
            settings=config["settings"],
            today=config["today"],
            goal=row,
        )

    return _save_or_render(form, save, "coalition/goal_form.html", town, row)


@bp.route("/plans/<municipality_slug>/actions/new", methods=["GET", "POST"])
@bp.route("/plans/<municipality_slug>/actions/<int:action_id>", methods=["GET", "POST"])
@login_required(*READERS)
def action_form(municipality_slug: str, action_id: int | None = None):
    session = db_session()
    town = _municipality(municipality_slug)
    row = None
    if action_id is not None:
        try:
            row = reading.action(session, _user(), town, action_id)
        except LookupError:
            abort(404)
    settings = _options()["settings"]
    form = PlanActionForm(obj=row)
    form.indicator.choices = _indicator_choices(_plan_options(town, settings))
    form.status.choices = [SelectChoice(s, translate(f"plans.status_{s}")) for s in ACTION_STATUSES]

    def save() -> None:
        editing.save_action(
            session,
            _user(),
            town,
            ActionPlan(
                what=form.what.data,
                responsible=form.responsible.data,
                starts_on=form.starts_on.data,
                indicator=form.indicator.data,
                status=form.status.data,
            ),
            settings=settings,
            action=row,
        )

    return _save_or_render(form, save, "coalition/action_form.html", town, row)


def _save_or_render(
    form: FlaskForm,
    save: Callable[[], None],
    template: str,
    town: Municipality,
    row: Goal | Action | None,
) -> ResponseReturnValue:
    """A submitted, valid form is saved and the coalition goes back to its plan; otherwise
    (or when the service refuses the save) the form comes back, 422 with its errors."""
    if form.validate_on_submit():
        try:
            save()
        except editing.PlanError as exc:
            form.form_errors.append(refusal_text(exc))
        else:
            flash(translate("plans.saved"))
            return redirect(url_for("coalition.plans_home", municipality_slug=town.slug))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(template, form=form, municipality=town, row=row), status
