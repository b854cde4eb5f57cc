"""Synthetic survey data: one generative model for the demo, the benchmarks and the tests.

Pure numpy/scipy like the indicator engine; writing the data into a database is the job of
:mod:`oko.services.demo.synthetic_data`. Everything it makes is fictional and labelled as such.

    sample = generate(benchmark_scenario(n_municipalities=350, n_rows=1_000_000), seed=1)
    results = compute_waves(sample.wave_inputs(), indicators)   # engine input per wave
    columns = sample.response_columns()                         # or all waves at once
    for answers in sample.iter_answers(): ...                   # stored answer dicts

The demo uses :func:`demo_scenario`; a test may build any :class:`Scenario` of its own.
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
