"""Where students are: municipalities (the coalition's area) and their schools."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oko.models.base import Base


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable identifier used on the command line and in URLs, e.g. "zeewolde".
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The region used as reference (e.g. a GGD region); comparisons use the rest of it.
    region: Mapped[str] = mapped_column(String(200), default="")

    schools: Mapped[list[School]] = relationship(back_populates="municipality")


class School(Base):
    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    #: vmbo, havo, vwo, praktijk, mixed, ...: free text chosen by the admin.
    school_type: Mapped[str] = mapped_column(String(40), default="")

    municipality: Mapped[Municipality] = relationship(back_populates="schools")
    pupil_counts: Mapped[list[SchoolGradeCount]] = relationship(
        back_populates="school", cascade="all, delete-orphan"
    )


class SchoolGradeCount(Base):
    """Pupils enrolled per grade: the denominator of the response rate."""

    __tablename__ = "school_grade_count"
    __table_args__ = (UniqueConstraint("school_id", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id", ondelete="CASCADE"))
    grade: Mapped[int]
    pupils: Mapped[int]

    school: Mapped[School] = relationship(back_populates="pupil_counts")


class PopulationCount(Base):
    """Known pupil numbers by gender x grade in a municipality and wave, for post-stratification."""

    __tablename__ = "population_count"
    __table_args__ = (UniqueConstraint("municipality_id", "wave_id", "gender", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    gender: Mapped[int]
    grade: Mapped[int]
    pupils: Mapped[int]
