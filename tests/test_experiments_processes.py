"""Experiments in worker processes give the same numbers as in this process."""
import pickle

import numpy as np
import pytest

import gan_core
from gan_core.experiments import ParallelRuns, processes, seeds_side_by_side
from gan_core.experiments.probes import twin_gap


def test_runs_and_trainers_survive_pickling_and_continue_exactly():
    # pickle copies arrays one by one; the networks re-link their views into theta
    for recipe in ("book", "recommended"):
        runs = ParallelRuns([{"seed": s} for s in range(2)], recipe=recipe, ITER_NUM=100).train(5)
        copy = pickle.loads(pickle.dumps(runs))
        assert np.shares_memory(copy.G.W[0], copy.G.theta)
        runs.train(30)
        copy.train(30)
        assert np.array_equal(runs.sample(5), copy.sample(5)) and np.array_equal(runs.D_fake, copy.D_fake)
        trainer = gan_core.Trainer(recipe=recipe, errata="all" if recipe == "book" else ()).train(10)
        twin = pickle.loads(pickle.dumps(trainer))
        assert np.shares_memory(twin.G.params["W1"], twin.G.theta) and twin.G.layers[0].W.base is not None
        trainer.train(20)
        twin.train(20)
        assert np.array_equal(trainer.G.theta, twin.G.theta)
        assert np.array_equal(trainer.history.to_array(), twin.history.to_array())


@pytest.mark.slow
def test_train_in_processes_equals_training_here():
    def make():
        return [(ParallelRuns([{"seed": s} for s in (0, 1)], recipe="book"), 200),
                (seeds_side_by_side((3,), recipe="recommended", iterations=0, ITER_NUM=50), 50),
                (gan_core.Trainer(recipe="book", seed=4), 120)]
    here = [runs.train(its) for runs, its in make()]
    jobs = make()
    there = processes.train_in_processes(jobs, workers=2)
    assert [type(t) for t in there] == [type(h) for h in here]
    assert jobs[2][0].iteration == 0                            # the objects sent away stay untrained
    assert np.array_equal(here[0].sample(7), there[0].sample(7)) and np.array_equal(here[0].D_real, there[0].D_real)
    assert np.array_equal(here[1].sample(7), there[1].sample(7))
    assert there[2].iteration == 120 and np.array_equal(here[2].G.theta, there[2].G.theta)
    there[0].train(10)                                          # a returned run trains on
    here[0].train(10)
    assert np.array_equal(here[0].sample(3), there[0].sample(3))


@pytest.mark.slow
def test_call_in_processes_keeps_order_and_results():
    calls = [(twin_gap, {"recipe": "book", "iterations": 40, "every": 20, "seed": s}) for s in (0, 1, 2)]
    there = processes.call_in_processes(calls, workers=2)
    here = [twin_gap("book", 40, every=20, seed=s) for s in (0, 1, 2)]
    for (i1, g1), (i2, g2) in zip(here, there):
        assert np.array_equal(i1, i2) and np.array_equal(g1, g2)


def test_a_worker_pool_trains_in_the_background_with_the_same_numbers():
    jobs = [(ParallelRuns([{"seed": s} for s in (0, 1)], recipe="book"), 150), (gan_core.Trainer(recipe="book", seed=2), 80)]
    with processes.WorkerPool(workers=1) as pool:
        first = pool.train(jobs)
        second = pool.call([(twin_gap, {"recipe": "book", "iterations": 40, "every": 20})])
        assert isinstance(first.done(), bool)
        here = [runs.train(its) for runs, its in
                [(ParallelRuns([{"seed": s} for s in (0, 1)], recipe="book"), 150), (gan_core.Trainer(recipe="book", seed=2), 80)]]
        there = first.result()
        assert first.done() and first.result() is there              # asked again: the same results
        assert jobs[1][0].iteration == 0 and there[1].iteration == 80   # the objects sent away stay untrained
        assert np.array_equal(here[0].D_fake, there[0].D_fake) and np.array_equal(here[1].G.theta, there[1].G.theta)
        assert [r.iteration for r in first.each()] == [150, 80]
        (its, gaps), = second.result()
        assert np.array_equal(gaps, twin_gap("book", 40, every=20)[1])
    pool.close()                                                      # closing twice is harmless
    with pytest.raises(ValueError, match=r"^jobs\[0\]\[0\] must be a ParallelRuns"):
        processes.WorkerPool().train([("runs", 5)])
    with pytest.raises(ValueError, match=r"^calls\[0\]\[0\] must be a function defined at the top"):
        processes.WorkerPool().call([(lambda: 1, {})])
    with pytest.raises(ValueError, match=r"^workers must be an integer in \[1, 64\], got 0"):
        processes.WorkerPool(workers=0)


def test_one_worker_runs_here():
    runs = ParallelRuns([{"seed": 0}], recipe="book")
    (out,) = processes.train_in_processes([(runs, 5)], workers=1)
    assert out is runs and len(runs.D_fake) == 5
    assert processes.call_in_processes([]) == []
    assert processes.default_workers() >= 1


def _local_is_refused():
    def inner():
        return 1
    return inner


@pytest.mark.parametrize("call, message", [
    (lambda: processes.call_in_processes([(np.sum, [1])]), r"^calls\[0\] must be a pair \(function, dict of keyword arguments\)"),
    (lambda: processes.call_in_processes([(5, {})]), r"^calls\[0\]\[0\] must be a function"),
    (lambda: processes.call_in_processes([(lambda: 1, {})]), r"^calls\[0\]\[0\] must be a function defined at the top of an importable module"),
    (lambda: processes.call_in_processes([(_local_is_refused(), {})]), r"^calls\[0\]\[0\] must be a function defined at the top"),
    (lambda: processes.call_in_processes([(twin_gap, {})], workers=0), r"^workers must be an integer in \[1, 64\], got 0"),
    (lambda: processes.call_in_processes([(twin_gap, {})], workers=10**400), r"^workers must be an integer in \[1, 64\]"),
    (lambda: processes.train_in_processes([("runs", 5)]), r"^jobs\[0\]\[0\] must be a ParallelRuns or a Trainer, got str"),
    (lambda: processes.train_in_processes([(gan_core.Trainer(), -1)]), r"^jobs\[0\]\[1\] must be an integer in \[0, 1000000000\], got -1"),
    (lambda: processes.train_in_processes([gan_core.Trainer()]), r"^jobs\[0\] must be a pair \(runs, iterations\)"),
])
def test_bad_calls_are_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()
