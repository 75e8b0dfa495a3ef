"""Spatial runs from Python: the same numbers as `nksim run`, stepped, inspected, changed."""
import threading

import numpy as np
import pytest

import nksim
from conftest import read_csv


def scenario(scenarios, name="spheroid_infusion.toml"):
    return nksim.load(scenarios / name)


def test_history_equals_counts_csv(scenarios, run_cli, tmp_path):
    # counts.csv prints 15 significant digits (time 12): cell counts are exact, field totals
    # agree to 1e-14 relative.
    cli = run_cli("run", scenarios / "spheroid_infusion.toml", "--out", tmp_path / "out",
                  "--threads", 2)
    assert cli.returncode == 0, cli.stderr
    csv = read_csv(tmp_path / "out" / "counts.csv")
    sim = nksim.run(scenario(scenarios), threads=1)  # the thread count does not change results
    history = sim.history()
    assert list(history) == list(csv)
    for column, values in csv.items():
        np.testing.assert_allclose(history[column], values, rtol=1e-14, atol=0, err_msg=column)
    assert history["nk_live"][-1] > 0 and history["ifn_gamma_total"].max() > 0
    assert sim.finished and sim.time_min == 1440


def test_stepping_in_pieces_equals_one_go(scenarios):
    whole = nksim.run(scenario(scenarios)).history()
    sim = scenario(scenarios).start(threads=2)
    for t in (0.5, 7, 7, 300, 1000.25, 5000):
        sim.advance_to(t)
    assert sim.finished
    for column, values in whole.items():
        np.testing.assert_array_equal(sim.history()[column], values, err_msg=column)


def test_agent_columns_are_views_that_never_dangle(scenarios):
    sim = scenario(scenarios).start()
    n = sim.num_agents
    x = sim.agents["x"]
    assert x.shape == (n,) and x.dtype == np.float64 and not x.flags.writeable
    again = sim.agents["x"]
    assert np.shares_memory(x, again)  # no copy: both look at the run's own column
    mhc = sim.agents["mhc_i"]
    assert np.all(mhc == 0.3)  # the scenario's property default
    sim.agents["mhc_i"] = np.linspace(0, 1, n)  # a checked setter, seen through the old view
    assert mhc[-1] == 1.0 and mhc[0] == 0.0
    with pytest.raises(ValueError):
        x[0] = 1.0  # views are read-only

    before = x.copy()
    sim.advance_to(240)  # cells move, divide and arrive: the old views keep their values
    np.testing.assert_array_equal(x, before)
    now = sim.agents["x"]
    assert not np.shares_memory(x, now)
    assert len(now) == sim.num_agents > n
    assert set(sim.agents["type"]) == {0, 1}
    assert sim.type_names == ["tumour", "nk"]
    live_nk = np.sum((sim.agents["type"] == 1) & (sim.agents["state"] == 0))
    assert live_nk == sim.counts()["nk_live"]
    del sim  # a view keeps what it points into alive
    assert np.isfinite(now).all()


def test_fields_are_grids_whose_total_is_the_counts_column(scenarios):
    sim = scenario(scenarios).start()
    sim.advance_to(600)
    ifn = sim.fields["ifn_gamma"]
    assert ifn.shape == (40, 40)  # 800 um / 20 um voxels, 2-D: (y, x)
    voxel_volume = 20.0 * 20.0 * 20.0  # 2-D voxels are voxel_um thick
    assert ifn.sum() * voxel_volume == pytest.approx(sim.counts()["ifn_gamma_total"], rel=1e-12)
    sim.fields["ifn_gamma"] = np.zeros_like(ifn)
    assert sim.counts()["ifn_gamma_total"] == 0
    with pytest.raises(nksim.InputError, match="cannot be negative"):
        sim.fields["ifn_gamma"] = np.full_like(ifn, -1.0)
    with pytest.raises(nksim.InputError, match="expected 1600 values, got 3"):
        sim.fields["ifn_gamma"] = [1.0, 2.0, 3.0]
    with pytest.raises(KeyError, match="did you mean 'ifn_gamma'"):
        sim.fields["ifn_gama"]


def test_adding_cells_between_steps(scenarios):
    sim = scenario(scenarios).start()
    before = sim.counts()["nk_live"]
    new_id = sim.add_agent("nk", 100.0, -50.0)
    assert sim.counts()["nk_live"] == before + 1
    assert new_id in set(sim.agents["id"])
    with pytest.raises(nksim.InputError, match="no cell type 'NK'.*did you mean 'nk'"):
        sim.add_agent("NK", 0, 0)
    with pytest.raises(nksim.InputError, match="outside the domain"):
        sim.add_agent("nk", 1000, 0)
    with pytest.raises(nksim.InputError, match="cannot be set"):
        sim.agents["x"] = np.zeros(sim.num_agents)
    with pytest.raises(nksim.InputError, match="value 0 is nan"):
        sim.agents["mhc_i"] = np.full(sim.num_agents, np.nan)
    sim.run_to_end()
    assert sim.finished


def test_threads_give_the_same_numbers_and_release_the_gil(scenarios):
    one_at_a_time = [nksim.run(scenario(scenarios)).history() for _ in range(2)]
    results = [None] * 3
    started = threading.Event()

    def work(i):
        started.set()
        results[i] = nksim.run(scenario(scenarios)).history()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(3)]
    for w in workers:
        w.start()
    started.wait()
    # While the runs integrate, this thread keeps running Python: the GIL is released.
    ticks = 0
    while any(w.is_alive() for w in workers):
        ticks += 1
    for w in workers:
        w.join()
    assert ticks > 1000
    for result in results + one_at_a_time[1:]:
        for column, values in one_at_a_time[0].items():
            np.testing.assert_array_equal(result[column], values, err_msg=column)


def test_bad_spatial_input(scenarios):
    s = scenario(scenarios)
    s["mechanisms.persistent_walk.nk.speed_um_per_min"] = -5
    with pytest.raises(nksim.InputError,
                       match=r"spheroid_infusion\.toml:\d+:\d+: .*speed_um_per_min"):
        s.start()
    with pytest.raises(nksim.InputError, match="threads must be in range 0 to 1024"):
        nksim.SpatialRun(scenario(scenarios), threads=-1)
    sim = scenario(scenarios).start()
    with pytest.raises(nksim.InputError, match="finite"):
        sim.advance_to(float("nan"))


def test_one_run_used_from_two_threads_waits_instead_of_racing(scenarios):
    # advance_to holds the run while it steps (and takes the GIL now and then to look for
    # Ctrl-C); a reader on another thread waits for the run without holding the GIL, so neither
    # deadlocks, and the reader sees the run before or after a whole advance, never in between.
    sim = scenario(scenarios).start()
    seen = []
    worker = threading.Thread(target=sim.run_to_end)
    worker.start()
    while worker.is_alive():
        seen.append(sim.time_min)
    worker.join(timeout=120)
    assert not worker.is_alive()
    assert sim.time_min == 1440
    assert set(seen) <= {0.0, 1440.0}
