"""What a synthetic data set contains: areas, schools, waves and how each municipality develops.

A scenario is plain frozen data, so the demo and the benchmarks differ only in the scenario
they hand to :func:`oko.synthetic.generate`, never in the model. Every name in a scenario is
fictional and marked "(synthetisch)", so synthetic figures cannot be mistaken for real ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

#: Dutch OKO surveys secondary school years 2 and 4 (ages ~13–16); the model knows only these.
GRADES: tuple[int, ...] = (2, 4)
#: Label added to every synthetic area name.
SYNTHETIC_MARK = "(synthetisch)"
#: The substance-use prevalences a profile plans, by indicator id of oko-core.indicators.yaml.
PLANNED_INDICATORS: tuple[str, ...] = (
    "drunk_30d",
    "smoking_daily",
    "vaping_30d",
    "cannabis_lifetime",
)
#: The latent protective factors: parental time and monitoring, organised leisure, school climate.
FACTORS: tuple[str, ...] = ("parents", "leisure", "school")


@dataclass(frozen=True)
class Profile:
    """How a municipality develops over consecutive waves (index 0, 1, 2, ...).

    ``factor_shift`` moves the mean of each latent protective factor (in standard deviations);
    ``prevalence`` is the planned share of students per indicator, grade and wave step. The
    model calibrates itself to hit the planned prevalences (in expectation, over all students),
    so a scenario's figures can be read off here. Published figures come out about a point
    lower: flagged responses (exaggerators among them) are excluded, and a blank filter
    question routes past its follow-ups. Steps beyond the last repeat the last value.
    """

    name: str
    factor_shift: Mapping[str, tuple[float, ...]]
    prevalence: Mapping[str, Mapping[int, tuple[float, ...]]]

    def shift(self, factor: str, step: int) -> float:
        values = self.factor_shift[factor]
        return values[min(step, len(values) - 1)]

    def planned(self, indicator: str, grade: int, step: int) -> float:
        values = self.prevalence[indicator][grade]
        return values[min(step, len(values) - 1)]


def _profile(
    name: str,
    shifts: tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]],
    prevalence: dict[str, dict[int, tuple[float, ...]]],
) -> Profile:
    return Profile(
        name=name,
        factor_shift=MappingProxyType(dict(zip(FACTORS, shifts, strict=True))),
        prevalence=MappingProxyType({k: MappingProxyType(v) for k, v in prevalence.items()}),
    )


#: Prevalences stay inside the Icelandic reference range of domain.md (10th grade: drunk in
#: the last 30 days 42% → 5%, daily smoking 23% → 3%, cannabis lifetime 17% → 7%; vaping in
#: the last 30 days 15% in 2017); grade 4 is the comparable age group, grade 2 is lower.
PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        # The Icelandic story: more time with parents and more organised sport, less use.
        "improving": _profile(
            "improving",
            ((-0.2, 0.15, 0.5), (-0.15, 0.1, 0.35), (0.0, 0.05, 0.15)),
            {
                "drunk_30d": {2: (0.08, 0.05, 0.03), 4: (0.32, 0.21, 0.12)},
                "smoking_daily": {2: (0.02, 0.012, 0.007), 4: (0.09, 0.06, 0.035)},
                "vaping_30d": {2: (0.10, 0.08, 0.06), 4: (0.25, 0.20, 0.14)},
                "cannabis_lifetime": {2: (0.03, 0.02, 0.015), 4: (0.14, 0.10, 0.07)},
            },
        ),
        # Nothing changes, except vaping, which spreads.
        "stagnant": _profile(
            "stagnant",
            ((0.0, -0.03, -0.05), (0.0, -0.02, -0.05), (0.0, -0.05, -0.05)),
            {
                "drunk_30d": {2: (0.07, 0.07, 0.08), 4: (0.30, 0.30, 0.31)},
                "smoking_daily": {2: (0.02, 0.02, 0.02), 4: (0.08, 0.08, 0.085)},
                "vaping_30d": {2: (0.10, 0.12, 0.14), 4: (0.24, 0.27, 0.30)},
                "cannabis_lifetime": {2: (0.03, 0.03, 0.03), 4: (0.13, 0.13, 0.14)},
            },
        ),
        # Slow, modest progress.
        "gradual": _profile(
            "gradual",
            ((-0.05, 0.05, 0.12), (0.0, 0.05, 0.1), (0.0, 0.03, 0.05)),
            {
                "drunk_30d": {2: (0.06, 0.05, 0.05), 4: (0.27, 0.24, 0.21)},
                "smoking_daily": {2: (0.015, 0.013, 0.012), 4: (0.07, 0.06, 0.055)},
                "vaping_30d": {2: (0.09, 0.09, 0.08), 4: (0.22, 0.21, 0.19)},
                "cannabis_lifetime": {2: (0.025, 0.022, 0.02), 4: (0.12, 0.11, 0.10)},
            },
        ),
    }
)

#: School types as the admin enters them, and the mix of the student's own school_type answer
#: (1 vmbo/praktijk, 2 havo, 3 vwo, 4 other) within such a school.
SCHOOL_TYPE_MIX: Mapping[str, tuple[float, float, float, float]] = MappingProxyType(
    {
        "vmbo": (0.97, 0.0, 0.0, 0.03),
        "praktijk": (0.98, 0.0, 0.0, 0.02),
        "havo/vwo": (0.0, 0.5, 0.48, 0.02),
        "mixed": (0.45, 0.3, 0.22, 0.03),
    }
)


@dataclass(frozen=True)
class MunicipalitySpec:
    slug: str
    name: str
    region: str
    profile: str
    #: Added to the log-odds of every planned prevalence: a riskier or safer place.
    risk_offset: float = 0.0
    #: Added to every protective factor (standard deviations).
    protection_offset: float = 0.0


@dataclass(frozen=True)
class SchoolSpec:
    slug: str
    name: str
    #: Index into :attr:`Scenario.municipalities`.
    municipality: int
    school_type: str
    #: Pupils per grade in the first wave; later waves vary a little around it.
    pupils: int
    #: Share of pupils who take part (before wave-to-wave variation).
    response_rate: float = 0.85


@dataclass(frozen=True)
class WaveSpec:
    slug: str
    name: str
    year: int
    #: Position in the municipalities' profiles (0 = first wave).
    step: int


@dataclass(frozen=True)
class Scenario:
    municipalities: tuple[MunicipalitySpec, ...]
    schools: tuple[SchoolSpec, ...]
    waves: tuple[WaveSpec, ...]
    #: Exact number of responses over all waves; ``None``: as many as pupils times rates give.
    n_rows: int | None = None
    profiles: Mapping[str, Profile] = field(default_factory=lambda: PROFILES)

    def __post_init__(self) -> None:
        unknown = {m.profile for m in self.municipalities} - set(self.profiles)
        if unknown:
            raise ValueError(f"unknown profile(s): {', '.join(sorted(unknown))}")
        bad = [s.slug for s in self.schools if not 0 <= s.municipality < len(self.municipalities)]
        if bad:
            raise ValueError(f"school(s) in no municipality: {', '.join(bad)}")
        types = {s.school_type for s in self.schools} - set(SCHOOL_TYPE_MIX)
        if types:
            raise ValueError(f"unknown school type(s): {', '.join(sorted(types))}")

    @property
    def regions(self) -> tuple[str, ...]:
        """Region names in order of first appearance."""
        return tuple(dict.fromkeys(m.region for m in self.municipalities))


def demo_scenario() -> Scenario:
    """Three fictional municipalities in one region, sixteen schools, autumn 2022/2024/2026.

    Zilverhaven follows the Icelandic path, Duinrade stands still, Elzenmeer improves slowly.
    Two small schools (a praktijkschool and an island school) stay below the minimum school
    size, so the reports show how small schools are handled. Five or six schools per
    municipality give design-based intervals enough degrees of freedom (schools - 1) for
    most municipal figures to be published.
    """
    region = f"Regio Lage Kust {SYNTHETIC_MARK}"
    municipalities = (
        MunicipalitySpec("zilverhaven", f"Zilverhaven {SYNTHETIC_MARK}", region, "improving"),
        MunicipalitySpec("duinrade", f"Duinrade {SYNTHETIC_MARK}", region, "stagnant"),
        MunicipalitySpec("elzenmeer", f"Elzenmeer {SYNTHETIC_MARK}", region, "gradual"),
    )
    school = SchoolSpec
    schools = (
        school("baken-college", "Het Baken College", 0, "mixed", 150),
        school("zilverhaven-lyceum", "Zilverhaven Lyceum", 0, "havo/vwo", 120),
        school("vakcollege-de-kade", "Vakcollege De Kade", 0, "vmbo", 90, 0.82),
        school("maritiem-college", "Maritiem College", 0, "vmbo", 70, 0.8),
        school("montessori-zilverhaven", "Montessori College Zilverhaven", 0, "mixed", 80),
        school("praktijkschool-de-steiger", "Praktijkschool De Steiger", 0, "praktijk", 9, 0.9),
        school("duinrade-college", "Duinrade College", 1, "mixed", 150),
        school("helmgras", "Scholengemeenschap Helmgras", 1, "havo/vwo", 110, 0.88),
        school("vmbo-strandwal", "VMBO Strandwal", 1, "vmbo", 90, 0.8),
        school("technisch-college-duinrade", "Technisch College Duinrade", 1, "vmbo", 70, 0.82),
        school("de-branding", "De Branding", 1, "mixed", 60, 0.85),
        school("elzenmeer-lyceum", "Elzenmeer Lyceum", 2, "havo/vwo", 105),
        school("het-elzenhof", "Het Elzenhof", 2, "mixed", 130, 0.84),
        school("groen-college-elzenmeer", "Groen College Elzenmeer", 2, "vmbo", 70, 0.8),
        school("de-populier", "Christelijk College De Populier", 2, "mixed", 90),
        school("eilandschool-wadhoek", "Eilandschool Wadhoek", 2, "mixed", 8, 0.95),
    )
    waves = (
        WaveSpec("2022-najaar", "Najaar 2022", 2022, 0),
        WaveSpec("2024-najaar", "Najaar 2024", 2024, 1),
        WaveSpec("2026-najaar", "Najaar 2026", 2026, 2),
    )
    return Scenario(municipalities, schools, waves)


def benchmark_scenario(
    n_municipalities: int = 350,
    n_rows: int = 1_000_000,
    n_waves: int = 3,
    seed: int = 0,
) -> Scenario:
    """A country-sized scenario: random profiles and sizes, exactly ``n_rows`` responses.

    Municipalities are grouped ten to a region; each has one to eight schools. The layout
    depends only on the arguments, so benchmark runs are comparable.
    """
    rng = np.random.default_rng([seed, 0x5CE7])
    names = sorted(PROFILES)
    weights = np.array([0.35 if n == "gradual" else 0.325 for n in names])
    profiles = rng.choice(len(names), size=n_municipalities, p=weights / weights.sum())
    risk = rng.normal(0.0, 0.3, n_municipalities)
    protection = rng.normal(0.0, 0.15, n_municipalities)
    municipalities = tuple(
        MunicipalitySpec(
            slug=f"gemeente-{i + 1:03d}",
            name=f"Gemeente {i + 1:03d} {SYNTHETIC_MARK}",
            region=f"Regio {i // 10 + 1:02d} {SYNTHETIC_MARK}",
            profile=names[profiles[i]],
            risk_offset=float(risk[i]),
            protection_offset=float(protection[i]),
        )
        for i in range(n_municipalities)
    )
    types = tuple(SCHOOL_TYPE_MIX)
    schools: list[SchoolSpec] = []
    for index in range(n_municipalities):
        for _ in range(1 + min(int(rng.poisson(2.5)), 7)):
            number = len(schools) + 1
            schools.append(
                SchoolSpec(
                    slug=f"school-{number:05d}",
                    name=f"School {number:05d}",
                    municipality=index,
                    school_type=types[int(rng.choice(len(types), p=(0.3, 0.05, 0.3, 0.35)))],
                    pupils=int(np.clip(rng.lognormal(np.log(90), 0.6), 10, 600)),
                    response_rate=float(rng.uniform(0.7, 0.95)),
                )
            )
    waves = tuple(
        WaveSpec(f"{2022 + 2 * i}-najaar", f"Najaar {2022 + 2 * i}", 2022 + 2 * i, i)
        for i in range(n_waves)
    )
    return Scenario(municipalities, tuple(schools), waves, n_rows=n_rows)
