"""SQLAlchemy models. Importing this package registers every table on ``Base.metadata``."""

from oko.models.accounts import ROLES, User, user_school, user_wave
from oko.models.areas import Municipality, PopulationCount, School, SchoolGradeCount
from oko.models.audit import AuditEntry
from oko.models.base import Base, utcnow
from oko.models.closing import (
    BATCH_STATUSES,
    MAIL_STATUSES,
    REPORT_STATUSES,
    ClosingBatch,
    ClosingMail,
    ClosingReport,
)
from oko.models.plans import ACTION_STATUSES, GOAL_DIRECTIONS, Action, Goal, PlanVersion
from oko.models.ratelimit import RateLimitCounter
from oko.models.research import GRANT_STATUSES, ApiToken, MicrodataDownload, MicrodataGrant
from oko.models.responses import Draft, Response
from oko.models.waves import WAVE_STATUSES, ClassSession, Wave

__all__ = [
    "ACTION_STATUSES",
    "BATCH_STATUSES",
    "GOAL_DIRECTIONS",
    "GRANT_STATUSES",
    "MAIL_STATUSES",
    "REPORT_STATUSES",
    "ROLES",
    "WAVE_STATUSES",
    "Action",
    "ApiToken",
    "AuditEntry",
    "Base",
    "ClassSession",
    "ClosingBatch",
    "ClosingMail",
    "ClosingReport",
    "Draft",
    "Goal",
    "MicrodataDownload",
    "MicrodataGrant",
    "Municipality",
    "PlanVersion",
    "PopulationCount",
    "RateLimitCounter",
    "Response",
    "School",
    "SchoolGradeCount",
    "User",
    "Wave",
    "user_school",
    "user_wave",
    "utcnow",
]
