"""Synthetic survey data: one generative model for the demo, the benchmarks and the tests.

Pure numpy/scipy like the indicator engine; writing the data into a database is the job of
:mod:`oko.services.synthetic_data`. Everything it makes is fictional and labelled as such.
"""

from oko.synthetic.generator import generate
from oko.synthetic.items import CHOICES, ITEM_CODES, ROUTES
from oko.synthetic.sample import COMMENTS, SyntheticSample
from oko.synthetic.scenario import (
    GRADES,
    PLANNED_INDICATORS,
    PROFILES,
    SYNTHETIC_MARK,
    MunicipalitySpec,
    Profile,
    Scenario,
    SchoolSpec,
    WaveSpec,
    benchmark_scenario,
    demo_scenario,
)

__all__ = [
    "CHOICES",
    "COMMENTS",
    "GRADES",
    "ITEM_CODES",
    "PLANNED_INDICATORS",
    "PROFILES",
    "ROUTES",
    "SYNTHETIC_MARK",
    "MunicipalitySpec",
    "Profile",
    "Scenario",
    "SchoolSpec",
    "SyntheticSample",
    "WaveSpec",
    "benchmark_scenario",
    "demo_scenario",
    "generate",
]
