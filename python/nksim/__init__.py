"""nksim from Python: scenarios as values, well-mixed and spatial runs, virtual trials.

    import nksim
    scenario = nksim.load("scenarios/depillis2005_nk_infusion.toml")
    scenario["parameters.c"] = 2e-7          # edit a number by its scenario path
    result = scenario.run()                   # numpy arrays by state name
    result.to_dataframe()                     # a pandas DataFrame (when pandas is installed)

    sim = nksim.load("scenarios/spheroid_2d.toml").start(threads=2)
    sim.advance_to(60)                        # minutes
    sim.agents["x"], sim.fields["ifn_gamma"]  # numpy views, no copy

Errors are nksim.InputError (bad input: the message names the file, line and key, exactly as
the command line prints it), nksim.NumericalError (a model that cannot be integrated) and
nksim.Error (any other failure). The walk-through is docs/python.md.
"""

from collections.abc import Mapping
import os

import numpy as np

from ._nksim import (  # noqa: F401  (re-exported)
    Error,
    InputError,
    NumericalError,
    Scenario,
    __version__,
    describe,
    export_sbml,
)
from . import _nksim

__all__ = [
    "Error", "InputError", "NumericalError", "Scenario", "WellMixedResult", "WellMixedRun",
    "SpatialRun", "Trial", "describe", "export_sbml", "load", "read_trial", "run", "run_file", "run_trial",
    "start",
]


def _pandas():
    try:
        import pandas
    except ImportError as error:  # pragma: no cover - pandas is in scripts/setup.sh
        raise ImportError("to_dataframe needs pandas (Debian: apt-get install python3-pandas; "
                          "pip: pip install pandas)") from error
    return pandas


def load(source, name=None):
    """A Scenario from a file path, a dict of tables, or a Scenario (returned as is)."""
    if isinstance(source, Scenario):
        return source
    if isinstance(source, Mapping):
        return Scenario.from_dict(dict(source), name or "<dict>")
    if isinstance(source, (str, os.PathLike)):
        return Scenario.from_file(os.fspath(source))
    raise TypeError(f"nksim.load: expected a path, a dict or a Scenario, got {type(source).__name__}")


class WellMixedResult:
    """A finished well-mixed run: output times, every state as a numpy array, the outcome."""

    def __init__(self, raw):
        self.model = raw["model"]
        self.parameter_set = raw["parameter_set"]
        self.time_days = raw["time_days"]
        self.values = raw["values"]  # rows: output times; columns: states
        self.state_names = list(raw["state_names"])
        self.units = dict(raw["units"])
        self.tumour_state = raw["tumour_state"]
        self.outcome = raw["outcome"]
        self.elimination_time_days = raw["elimination_time_days"]
        self.escape_time_days = raw["escape_time_days"]
        self.tumour_min = raw["tumour_min"]
        self.tumour_min_time_days = raw["tumour_min_time_days"]
        self.tumour_max = raw["tumour_max"]
        self.tumour_max_time_days = raw["tumour_max_time_days"]
        self.solver_steps = raw["solver_steps"]
        # Read-outs of the target state (summary.json "tumour"): value at the end, area under
        # the curve, set point (mean log10 over the last tenth), time to clearance.
        self.tumour_final = raw["tumour_final"]
        self.tumour_auc = raw["tumour_auc"]
        self.tumour_set_point_log10 = raw["tumour_set_point_log10"]
        self.clearance_time_days = raw["clearance_time_days"]
        self.states = {n: self.values[:, i] for i, n in enumerate(self.state_names)}
        # Derived outputs of the model (R0 of hernandez_vargas2012), after the states.
        self.derived_names = list(raw["derived_names"])
        self.derived = {n: raw["derived"][:, i] for i, n in enumerate(self.derived_names)}

    def __getitem__(self, state):
        if state == "time_days":
            return self.time_days
        if state in self.derived:
            return self.derived[state]
        return self.states[state]

    def to_dataframe(self):
        """time_days, one column per state and per derived output (as timeseries.csv)."""
        columns = {"time_days": self.time_days}
        columns.update(self.states)
        columns.update(self.derived)
        return _pandas().DataFrame(columns)

    def __repr__(self):
        return (f"<nksim.WellMixedResult {self.model}/{self.parameter_set}: {self.outcome}, "
                f"{len(self.time_days)} rows>")


class WellMixedRun:
    """A well-mixed run stepped from Python: advance_to(days), state, dose(state, amount)."""

    def __init__(self, scenario):
        self._run = _nksim._WellMixedRun(scenario)

    def advance_to(self, t_days):
        self._run.advance_to(float(t_days))
        return self

    @property
    def time_days(self):
        return self._run.time_days

    @property
    def end_time_days(self):
        return self._run.end_time_days

    @property
    def finished(self):
        return self._run.finished

    @property
    def state(self):
        """The state now, as {name: value}."""
        return self._run.state()

    def dose(self, state, amount):
        """A bolus now: adds `amount` to `state` (the run continues as if the scenario had it)."""
        self._run.dose(state, float(amount))

    def finish(self):
        """Runs to the end; returns the WellMixedResult of the whole run."""
        return WellMixedResult(self._run.finish())


class _Columns(Mapping):
    def __init__(self, keys, get, set_=None):
        self._keys, self._get, self._set = keys, get, set_

    def __getitem__(self, name):
        return self._get(name)

    def __setitem__(self, name, values):
        self._set(name, np.asarray(values, dtype=float))

    def __iter__(self):
        return iter(self._keys())

    def __len__(self):
        return len(self._keys())

    def __repr__(self):
        return f"<nksim columns: {', '.join(self._keys())}>"


class SpatialRun:
    """A spatial run stepped from Python.

    agents[name] and fields[name] are read-only numpy views into the run, made without copying.
    They show the live values until the run changes (a step, an added cell); then each view
    keeps the values it had, and a new view shows the new state. Per-cell properties and fields
    can be set: sim.agents["mhc_i"] = values, sim.fields["ifn_gamma"] = values.
    """

    def __init__(self, scenario, threads=0):
        self._run = _nksim._SpatialRun(scenario, int(threads))
        self.agents = _Columns(self._run.column_names, self._run.column, self._run.set_property)
        self.fields = _Columns(self._run.field_names, self._run.field, self._run.set_field)

    def advance_to(self, t_min):
        """Steps until the clock reaches t_min minutes (or the end of the run)."""
        self._run.advance_to(float(t_min))
        return self

    def run_to_end(self):
        return self.advance_to(self._run.end_time_min)

    time_min = property(lambda self: self._run.time_min)
    end_time_min = property(lambda self: self._run.end_time_min)
    finished = property(lambda self: self._run.finished)
    steps = property(lambda self: self._run.steps)
    warnings = property(lambda self: self._run.warnings)
    type_names = property(lambda self: self._run.type_names)
    num_agents = property(lambda self: self._run.num_agents())

    def add_agent(self, type_name, x, y, z=0.0):
        """Adds a live cell of a type at a position (um); returns its id."""
        return self._run.add_agent(type_name, float(x), float(y), float(z))

    def counts(self):
        """The counts.csv row for now: cells per type and state, field totals."""
        return self._run.counts()

    def history(self):
        """Every counts.csv row so far (at the scenario's output interval), as arrays."""
        return self._run.history()

    def to_dataframe(self):
        """history() as a pandas DataFrame (the columns of counts.csv)."""
        return _pandas().DataFrame(self.history())

    def __repr__(self):
        return (f"<nksim.SpatialRun t={self.time_min:g}/{self.end_time_min:g} min, "
                f"{self.num_agents} agents>")


class Trial:
    """A virtual trial's store read back: patients' sampled values and endpoints."""

    def __init__(self, directory):
        self.directory = os.fspath(directory)
        raw = _nksim._read_trial(self.directory)
        self.name = raw["name"]
        self.seed = raw["seed"]
        self.num_patients = raw["patients"]
        self.follow_up_days = raw["follow_up_days"]
        self.arms = list(raw["arms"])
        self.tumour_state = raw["tumour_state"]
        self.units = dict(raw["units"])
        self._patients = raw["parameters"]
        self._endpoints = raw["endpoints"]

    @property
    def endpoints(self):
        """One row per patient and arm: RECIST category, best change, TTP, survival, ..."""
        return _pandas().DataFrame(self._endpoints)

    @property
    def patients(self):
        """One row per patient: every sampled quantity."""
        return _pandas().DataFrame(self._patients)

    def endpoint_arrays(self):
        """The endpoints as a dict of numpy arrays (no pandas needed)."""
        return dict(self._endpoints)

    def series(self, patient, arm, state=None):
        """(time_days, values) of one state of one patient in one arm (stored series only)."""
        arm_index = self.arms.index(arm) if isinstance(arm, str) else int(arm)
        return _nksim._trial_series(self.directory, int(patient), arm_index,
                                    state or self.tumour_state)

    def __repr__(self):
        return (f"<nksim.Trial {self.name}: {self.num_patients} patients x "
                f"{len(self.arms)} arms>")


def run(scenario, threads=0):
    """Runs a scenario to its end: a WellMixedResult, or a finished SpatialRun."""
    scenario = load(scenario)
    if scenario.engine == "well_mixed":
        return WellMixedResult(_nksim._run_well_mixed(scenario))
    return SpatialRun(scenario, threads).run_to_end()


def start(scenario, threads=0):
    """A run to step: WellMixedRun or SpatialRun (threads: spatial only; 0 = the scenario's)."""
    scenario = load(scenario)
    if scenario.engine == "well_mixed":
        return WellMixedRun(scenario)
    return SpatialRun(scenario, threads)


def run_file(scenario_file, out_dir, threads=0):
    """Exactly `nksim run FILE --out DIR`: every output file; returns the one-line summary."""
    return _nksim._run_file(os.fspath(scenario_file), os.fspath(out_dir), int(threads))


def run_trial(trial_file, out_dir, threads=1):
    """Runs (or resumes) a trial file into out_dir, as `nksim trial run`; returns its Trial."""
    summary = _nksim._run_trial(os.fspath(trial_file), os.fspath(out_dir), int(threads))
    if summary["failed"]:
        raise NumericalError(f"{summary['failed']} of {summary['plans']} plans failed; first: "
                             f"{summary['first_failure']}")
    return Trial(out_dir)


def read_trial(out_dir):
    """Reads a trial store written by `nksim trial run` or run_trial."""
    return Trial(out_dir)


def to_sbml(scenario):
    """A well-mixed scenario (edits included) as SBML Level 3 Version 2 text: its model,
    parameters, initial state, boluses as events and infusions in the rate rules."""
    return _nksim._scenario_sbml(load(scenario))


Scenario.run = run
Scenario.start = start
Scenario.to_sbml = to_sbml
