"""The fieldwork kit for coordinators and coalition members: preview a wave's questionnaire
without a code, download the documents a school needs, upload typed-in paper questionnaires."""

from oko.web.fieldwork import documents, upload
from oko.web.fieldwork.preview import bp

__all__ = ["bp", "documents", "upload"]
