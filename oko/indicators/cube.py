"""The design cube: one pass over the responses, then every area and group at once.

Responses are summed once per indicator into *fine cells* (school x gender x grade). Every
published domain (an area at some level and a group) is a union of fine cells, and the
variance needs sums per school within the domain: so fine cells are gathered into *PSU cells*
(school x group), those into *stratum cells* (area x stratum x group) holding the PSU-level
moments of :class:`~oko.indicators.variance.StratumMoments`, and those into domains. Each step
is an ``np.bincount`` over a fixed membership list built once per wave, so the cost per
indicator is a few passes over the responses plus work proportional to the number of schools,
not to the number of domains times the number of responses.

"The rest of the parent area" (a municipality's region without it, a school's municipality
without it) is the parent's sums minus the child's, matched by stratum: areas are nested, so
no response is visited again.

The sampling *unit* behind a PSU cell is the school, except in the class design
(:attr:`~oko.indicators.config.SchoolDesign.CLASSES`): there it is a class session, with the
school as its stratum, and a school's responses without a class session make one more unit
whose students are counted as independent (within-school moments, as in the census design).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from oko.indicators.breakdowns import Breakdown
from oko.indicators.columns import ResponseColumns
from oko.indicators.config import SchoolDesign
from oko.indicators.groups import LEVELS, AreaLevel, Group, GroupKind
from oko.indicators.variance import (
    SchoolMoments,
    StratumMoments,
    clustered_variance,
    within_school_variance,
)


@dataclass(frozen=True)
class DomainSums:
    """Weighted and unweighted sums over the valid responses of each domain.

    With ``d`` the valid indicator and ``w`` the weight: ``w = Σ w d``, ``y = Σ w d y``,
    ``yy = Σ w d y²``, ``n = Σ d``, ``k = Σ d y`` (unweighted "yes" count of a proportion);
    ``a0`` .. ``b2`` are the :class:`~oko.indicators.variance.SchoolMoments`.
    """

    w: np.ndarray
    y: np.ndarray
    yy: np.ndarray
    n: np.ndarray
    k: np.ndarray
    a0: np.ndarray
    a1: np.ndarray
    a2: np.ndarray
    b0: np.ndarray
    b1: np.ndarray
    b2: np.ndarray

    def __sub__(self, other: DomainSums) -> DomainSums:
        return DomainSums(*(getattr(self, f.name) - getattr(other, f.name) for f in fields(self)))

    def take(self, index: np.ndarray) -> DomainSums:
        return DomainSums(*(getattr(self, f.name)[index] for f in fields(self)))


@dataclass(frozen=True)
class DomainEstimates:
    """Point estimates, variances and design facts per domain (arrays)."""

    value: np.ndarray
    variance: np.ndarray
    #: Weighted population-style variance of the outcome (p (1 - p) for a proportion).
    sigma2: np.ndarray
    df: np.ndarray
    #: Respondents in the domain, item non-response included (R's ``nrow`` of a subdesign).
    respondents: np.ndarray
    sums: DomainSums


@dataclass(frozen=True)
class _Structure:
    """Membership lists of one family of domains (own areas, or "rest of parent")."""

    cell_domain: np.ndarray  # stratum cell -> domain
    cell_psus: np.ndarray  # PSUs of the domain's area in the stratum
    area_psus: np.ndarray  # per domain: PSUs of its area
    area_respondents: np.ndarray  # per domain: respondents of its area
    respondents: np.ndarray  # per domain: respondents in the domain (any answers)
    df_clustered: np.ndarray  # per domain: PSUs with members minus their strata (>= 1)
    df_within: np.ndarray  # per domain: respondents minus schools with members (>= 1)
    df_classes: np.ndarray  # per domain: class design (classes minus schools, see WaveDesign)
    cell_clustered: np.ndarray  # stratum cell -> holds classes (False: responses without one)


class WaveDesign:
    """Membership lists for one wave's responses; build once, aggregate every indicator.

    Areas are numbered regions first, then municipalities, then schools, each sorted by code;
    groups are "all", then each breakdown's reported codes (genders, grades present, and
    affluence and school level when asked), in that order. Domain
    ``d`` is area ``d // G``, group ``d % G``.
    """

    def __init__(
        self,
        columns: ResponseColumns,
        weight: np.ndarray,
        breakdowns: Sequence[Breakdown],
        school_design: SchoolDesign = SchoolDesign.CLASSES,
    ):
        self.weight = weight
        self.school_design = school_design
        school_codes, first_row, school = np.unique(
            columns.psu, return_index=True, return_inverse=True
        )
        unit, unit_school, unit_clustered = _units(columns, school, school_design)
        n_unit = unit_school.size
        municipality_codes, school_municipality = np.unique(
            columns.municipality[first_row], return_inverse=True
        )
        region_of_municipality = np.zeros(municipality_codes.size, np.int64)
        region_of_municipality[school_municipality] = columns.region[first_row]
        region_codes, municipality_region = np.unique(region_of_municipality, return_inverse=True)

        n_region, n_municipality, n_school = (
            region_codes.size,
            municipality_codes.size,
            school_codes.size,
        )
        self.area_level = np.repeat(
            np.arange(len(LEVELS), dtype=np.int8), [n_region, n_municipality, n_school]
        )
        self.area_code = np.concatenate([region_codes, municipality_codes, school_codes])
        # Parent area of each area (-1 for regions): the "rest of the parent" comparisons.
        self.area_parent = np.concatenate(
            [
                np.full(n_region, -1),
                municipality_region,
                n_region + school_municipality,
            ]
        )
        school_areas = np.stack(
            [
                municipality_region[school_municipality],
                n_region + school_municipality,
                n_region + n_municipality + np.arange(n_school),
            ]
        )

        self.breakdowns = tuple(breakdowns)
        reported = [np.asarray(sorted(set(b.reported)), dtype=np.int16) for b in self.breakdowns]
        slots = [_slots(b.codes, codes) for b, codes in zip(self.breakdowns, reported, strict=True)]
        self.groups = (
            Group(GroupKind.ALL),
            *(
                Group(b.kind, int(code))
                for b, codes in zip(self.breakdowns, reported, strict=True)
                for code in codes
            ),
        )
        self.group_keys = np.array([g.key for g in self.groups], dtype=np.int64)
        n_groups = len(self.groups)
        # Domains estimated: a school's groups only of the breakdowns reported per school.
        per_school = np.array(
            [True]
            + [
                b.per_school
                for b, codes in zip(self.breakdowns, reported, strict=True)
                for _ in codes
            ]
        )
        at_school = self.area_level == LEVELS.index(AreaLevel.SCHOOL)
        self.estimated = (~at_school[:, None] | per_school[None, :]).ravel()

        # Fine cells: the (unit, slot + 1 per breakdown) combinations that have respondents,
        # numbered in the order of their mixed-radix code (sparse: with four breakdowns the
        # dense product would be mostly empty).
        combined = unit.astype(np.int64)
        for slot, codes in zip(slots, reported, strict=True):
            combined = combined * (codes.size + 1) + slot + 1
        fine_codes, self.row_fine = np.unique(combined, return_inverse=True)
        self.n_fine = fine_codes.size
        fine = np.arange(self.n_fine)
        fine_slots: list[np.ndarray] = []
        for codes in reversed(reported):
            fine_slots.insert(0, fine_codes % (codes.size + 1) - 1)
            fine_codes = fine_codes // (codes.size + 1)
        fine_school = fine_codes
        members, psu_cells = [fine], [fine_school * n_groups]
        offset = 1
        for fine_slot, codes in zip(fine_slots, reported, strict=True):
            inside = fine_slot >= 0
            members.append(fine[inside])
            psu_cells.append(fine_school[inside] * n_groups + offset + fine_slot[inside])
            offset += codes.size
        self.fine_member = np.concatenate(members)
        self.psu_member = np.concatenate(psu_cells)
        self.n_psu_cells = n_unit * n_groups

        # Stratum cells: (area, stratum) pairs with units, times groups.
        if school_design is SchoolDesign.CLASSES:
            # Each school a stratum of its classes; its responses without one, another.
            school_stratum = 2 * unit_school + ~unit_clustered
        elif columns.stratum is None:
            school_stratum = np.zeros(n_unit, np.int64)
        else:
            school_stratum = np.unique(columns.stratum[first_row], return_inverse=True)[1]
        n_strata = int(school_stratum.max()) + 1 if n_unit else 1
        unit_areas = school_areas[:, unit_school]
        pair = (unit_areas * n_strata + school_stratum).ravel()
        self._pair_keys, pair_index, pair_psus = np.unique(
            pair, return_inverse=True, return_counts=True
        )
        self._n_strata = n_strata
        pair_area = self._pair_keys // n_strata
        school_pair = pair_index.reshape(len(LEVELS), n_unit)
        group = np.arange(n_groups)
        self.n_cells = self._pair_keys.size * n_groups
        self.cell_pair_stratum = np.repeat(self._pair_keys % n_strata, n_groups)
        pair_clustered = np.ones(self._pair_keys.size, bool)
        pair_clustered[pair_index] = np.tile(unit_clustered, len(LEVELS))
        psu_cell_school = np.repeat(np.arange(n_unit), n_groups)
        psu_cell_group = np.tile(group, n_unit)
        self.cell_member_psu = np.tile(np.arange(self.n_psu_cells), len(LEVELS))
        self.cell_member_cell = (
            school_pair[:, psu_cell_school] * n_groups + psu_cell_group
        ).ravel()

        self.n_areas = self.area_code.size
        self.n_groups = n_groups
        self.n_domains = self.n_areas * n_groups
        rows_fine = np.bincount(self.row_fine, minlength=self.n_fine).astype(np.float64)
        rows_psu = self._to_psu_cells(rows_fine)
        # Per PSU cell, the factors of SchoolMoments from its unit's respondents; none for the
        # classes of the class design, whose variance is the clustered one.
        school_rows = np.repeat(rows_psu[::n_groups], n_groups)
        within = (
            np.repeat(~unit_clustered, n_groups) if school_design is SchoolDesign.CLASSES else 1
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            self._f = np.where(school_rows >= 2, school_rows / (school_rows - 1), 1.0) * within
            self._g = np.where(school_rows >= 2, self._f / school_rows, 0.0)
        cell_rows = self._to_cells(rows_psu)
        cell_members = self._to_cells((rows_psu > 0).astype(np.float64))
        cell_domain = np.repeat(pair_area * n_groups, n_groups) + np.tile(
            group, self._pair_keys.size
        )
        area_psus = np.bincount(pair_area, weights=pair_psus, minlength=self.n_areas)
        self._cell_clustered = np.repeat(pair_clustered, n_groups)
        self.own = _structure(
            cell_domain=cell_domain,
            cell_clustered=self._cell_clustered,
            cell_psus=np.repeat(pair_psus, n_groups),
            cell_rows=cell_rows,
            cell_members=cell_members,
            area_psus=np.repeat(area_psus, n_groups),
            n_domains=self.n_domains,
            n_groups=n_groups,
        )
        self._cell_rows, self._cell_members = cell_rows, cell_members
        self._build_rest(cell_domain, pair_area)

    # -- aggregation ----------------------------------------------------------------------

    def _to_psu_cells(self, fine_values: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.psu_member, weights=fine_values[self.fine_member], minlength=self.n_psu_cells
        )

    def _to_cells(self, psu_values: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.cell_member_cell,
            weights=psu_values[self.cell_member_psu],
            minlength=self.n_cells,
        )

    def aggregate(
        self, y: np.ndarray, valid: np.ndarray, binary: bool
    ) -> tuple[DomainEstimates, DomainEstimates]:
        """Estimates for every domain and for every "rest of parent" of a child domain."""
        wd = np.where(valid, self.weight, 0.0)
        wdy = wd * y
        per_row = {
            "w": wd,
            "y": wdy,
            "n": valid.astype(np.float64),
            "k": np.where(valid, y, 0.0),
            "q0": wd * self.weight,
            "q1": wdy * self.weight,
        }
        if not binary:
            per_row["yy"] = wdy * y
            per_row["q2"] = per_row["q1"] * y
        fine = {
            name: np.bincount(self.row_fine, weights=values, minlength=self.n_fine)
            for name, values in per_row.items()
        }
        if binary:
            fine["yy"], fine["q2"] = fine["y"], fine["q1"]
        psu = {name: self._to_psu_cells(values) for name, values in fine.items()}
        w_j, y_j = psu["w"], psu["y"]
        school = {
            "a0": self._f * psu.pop("q0"),
            "a1": self._f * psu.pop("q1"),
            "a2": self._f * psu.pop("q2"),
            "b0": self._g * w_j * w_j,
            "b1": self._g * w_j * y_j,
            "b2": self._g * y_j * y_j,
        }
        cells = {name: self._to_cells(values) for name, values in (psu | school).items()}
        moments = {
            "ww": self._to_cells(w_j * w_j),
            "wy": self._to_cells(w_j * y_j),
            "yy_psu": self._to_cells(y_j * y_j),
        }
        own_sums = DomainSums(
            **{
                f.name: np.bincount(
                    self.own.cell_domain, weights=cells[f.name], minlength=self.n_domains
                )
                for f in fields(DomainSums)
            }
        )
        own = _estimate(self.own, own_sums, cells, moments, None, self.school_design)
        rest_sums = own_sums.take(self.rest_parent) - own_sums.take(self.rest_child)
        rest = _estimate(self.rest, rest_sums, cells, moments, self._rest_cells, self.school_design)
        return own, rest

    # -- rest of parent -------------------------------------------------------------------

    def _build_rest(self, cell_domain: np.ndarray, pair_area: np.ndarray) -> None:
        """Stratum cells of "parent minus child" for every child domain."""
        n_groups = self.n_groups
        domain_area = np.arange(self.n_domains) // n_groups
        child = np.flatnonzero(self.area_parent[domain_area] >= 0)
        parent = self.area_parent[domain_area[child]] * n_groups + child % n_groups
        self.rest_child, self.rest_parent = child, parent

        order = np.argsort(cell_domain, kind="stable")
        counts = np.bincount(cell_domain, minlength=self.n_domains)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        repeats = counts[parent]
        owner = np.repeat(np.arange(child.size), repeats)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        parent_cell = order[starts[parent][owner] + offset]
        # The child's cell in the same stratum and group, if it has one.
        stratum = self.cell_pair_stratum[parent_cell]
        key = domain_area[child][owner] * self._n_strata + stratum
        position = np.searchsorted(self._pair_keys, key).clip(max=self._pair_keys.size - 1)
        found = self._pair_keys[position] == key
        child_cell = np.where(found, position * n_groups + child[owner] % n_groups, -1)
        self._rest_cells = (parent_cell, child_cell)

        def minus(values: np.ndarray) -> np.ndarray:
            return values[parent_cell] - np.where(found, values[child_cell.clip(0)], 0.0)

        own = self.own
        self.rest = _structure(
            cell_domain=owner,
            cell_clustered=self._cell_clustered[parent_cell],
            cell_psus=minus(own.cell_psus),
            cell_rows=minus(self._cell_rows),
            cell_members=minus(self._cell_members),
            area_psus=own.area_psus[parent] - own.area_psus[child],
            n_domains=child.size,
            n_groups=n_groups,
            respondents=own.respondents[parent] - own.respondents[child],
            area_respondents=own.area_respondents[parent] - own.area_respondents[child],
        )


def _slots(codes: np.ndarray, reported: np.ndarray) -> np.ndarray:
    """Index of each code in ``reported`` (sorted), or -1."""
    position = np.searchsorted(reported, codes).clip(max=max(reported.size - 1, 0))
    if reported.size == 0:
        return np.full(codes.shape, -1, np.int64)
    return np.where(reported[position] == codes, position, -1).astype(np.int64)


def _units(
    columns: ResponseColumns, school: np.ndarray, school_design: SchoolDesign
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit per row, school per unit and whether the unit is a class (a cluster).

    Units are the schools, except in the class design: class sessions, plus one unit per
    school for its responses without a class session (numbered after that school's classes).
    """
    sessions = columns.class_session
    if school_design is not SchoolDesign.CLASSES or sessions is None:
        n_school = int(school.max()) + 1 if school.size else 0
        clustered = np.full(n_school, school_design is not SchoolDesign.CLASSES)
        return school, np.arange(n_school), clustered
    # Sort key: school, then class session (-1, no session, as the largest).
    session_key = np.where(sessions >= 0, sessions, np.iinfo(np.int64).max)
    keys = np.stack([school.astype(np.int64), session_key])
    distinct, unit = np.unique(keys, axis=1, return_inverse=True)
    return unit.ravel(), distinct[0], distinct[1] != np.iinfo(np.int64).max


def _structure(
    *,
    cell_domain: np.ndarray,
    cell_clustered: np.ndarray,
    cell_psus: np.ndarray,
    cell_rows: np.ndarray,
    cell_members: np.ndarray,
    area_psus: np.ndarray,
    n_domains: int,
    n_groups: int,
    respondents: np.ndarray | None = None,
    area_respondents: np.ndarray | None = None,
) -> _Structure:
    if respondents is None:
        respondents = np.bincount(cell_domain, weights=cell_rows, minlength=n_domains)
    if area_respondents is None:
        area_respondents = np.repeat(respondents[::n_groups], n_groups)
    members = np.bincount(cell_domain, weights=cell_members, minlength=n_domains)
    strata = np.bincount(cell_domain, weights=cell_members > 0, minlength=n_domains)

    def clustered_only(values: np.ndarray) -> np.ndarray:
        return np.bincount(cell_domain, weights=values * cell_clustered, minlength=n_domains)

    within_units = members - clustered_only(cell_members)
    within_rows = respondents - clustered_only(cell_rows)
    df_classes = members - within_units - clustered_only(cell_members > 0)
    return _Structure(
        cell_domain=cell_domain,
        cell_clustered=cell_clustered,
        cell_psus=cell_psus,
        area_psus=area_psus,
        area_respondents=area_respondents,
        respondents=respondents,
        df_clustered=np.maximum(members - strata, 1),
        df_within=np.maximum(respondents - members, 1),
        df_classes=np.maximum(df_classes + within_rows - within_units, 1),
    )


def _estimate(
    structure: _Structure,
    sums: DomainSums,
    cells: dict[str, np.ndarray],
    moments: dict[str, np.ndarray],
    rest_cells: tuple[np.ndarray, np.ndarray] | None,
    school_design: SchoolDesign,
) -> DomainEstimates:
    """Ratio, variance and df per domain; ``rest_cells`` maps rest cells to (parent, child)."""

    def cell(values: np.ndarray) -> np.ndarray:
        if rest_cells is None:
            return values
        parent_cell, child_cell = rest_cells
        return values[parent_cell] - np.where(child_cell >= 0, values[child_cell.clip(0)], 0.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(sums.w > 0, sums.y / sums.w, np.nan)
        sigma2 = np.maximum(sums.yy / sums.w - value * value, 0.0)
    ratio = np.nan_to_num(value)
    within = within_school_variance(
        SchoolMoments(sums.a0, sums.a1, sums.a2, sums.b0, sums.b1, sums.b2), ratio, sums.w
    )
    if school_design is SchoolDesign.CENSUS:
        use_within = np.ones(ratio.shape, bool)
    elif school_design is SchoolDesign.CLASSES:
        use_within = np.zeros(ratio.shape, bool)
    else:
        use_within = structure.area_psus == 1
    if use_within.all():
        variance, df = within, structure.df_within
    else:
        # Classes of the class design: the within-school part covers only the responses
        # without a class session (their SchoolMoments), the clustered part only the classes.
        clustered_cell = structure.cell_clustered
        clustered = clustered_variance(
            StratumMoments(
                domain=structure.cell_domain,
                psus=structure.cell_psus,
                w=cell(cells["w"]) * clustered_cell,
                y=cell(cells["y"]) * clustered_cell,
                ww=cell(moments["ww"]) * clustered_cell,
                wy=cell(moments["wy"]) * clustered_cell,
                yy=cell(moments["yy_psu"]) * clustered_cell,
            ),
            ratio,
            sums.w,
        )
        if school_design is SchoolDesign.CLASSES:
            variance, df = clustered + within, structure.df_classes
        else:
            variance = np.where(use_within, within, clustered)
            df = np.where(use_within, structure.df_within, structure.df_clustered)
    # No spread in the domain (0% or 100%): every linearised score is 0, and so is the
    # variance, exactly rather than up to rounding in the expanded sums.
    variance = np.where(sigma2 > 0, variance, 0.0)
    return DomainEstimates(
        value=value,
        variance=np.where(sums.n > 0, variance, np.nan),
        sigma2=sigma2,
        df=np.maximum(df, 0).astype(np.int64),
        respondents=structure.respondents,
        sums=sums,
    )
