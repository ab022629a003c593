"""Tests of gan_core.metrics: sine fit, validity, MMD2 with its fixed bandwidth, the null bands,
1-NN test, coverage, evaluate's verdict and the argument checks."""
import json
import math
import time

import numpy as np
import pytest

from gan_core import metrics
from gan_core.data import SINE_RANGES, sample_sines
from gan_core.metrics import (
    REAL_BANDWIDTH,
    coverage,
    evaluate,
    fit_sines,
    format_report,
    median_distance,
    mmd2,
    mmd2_floor,
    nn1_accuracy,
    null_bands,
    real_bandwidth,
    valid_fraction,
    valid_mask,
)

N = 1000


def sines(x0, freq, mult, x_dim=10):
    """Sines from parameter arrays, written out here so the tests do not lean on data.py."""
    x0, freq, mult = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (x0, freq, mult))
    i = np.arange(x_dim)
    return mult[:, None] * np.sin(x0[:, None] + freq[:, None] * i)


def real_params(n, rng):
    return [rng.uniform(*SINE_RANGES[k], size=n) for k in ("x0", "freq", "mult")]


@pytest.fixture(scope="module")
def real():
    return sample_sines(N, np.random.default_rng(101))


@pytest.fixture(scope="module")
def real_other():
    return sample_sines(N, np.random.default_rng(202))


@pytest.fixture(scope="module")
def collapsed():
    """One real curve repeated N times: the picture of mode collapse."""
    return np.repeat(sample_sines(1, np.random.default_rng(303)), N, axis=0)


@pytest.fixture(scope="module")
def noise():
    return np.random.default_rng(404).normal(0.0, 0.5, size=(N, 10))


@pytest.fixture(scope="module")
def floor_1000():
    return mmd2_floor(N)


@pytest.fixture(scope="module")
def report_real(real):
    return evaluate(real)


@pytest.fixture(scope="module")
def report_collapsed(collapsed):
    return evaluate(collapsed)


# ---------------------------------------------------------------------------
# fit_sines
# ---------------------------------------------------------------------------
def assert_recovers(fit, x0, freq, mult, tol=1e-6):
    np.testing.assert_allclose(fit["x0"], x0, rtol=0, atol=tol)
    np.testing.assert_allclose(fit["freq"], freq, rtol=0, atol=tol)
    np.testing.assert_allclose(fit["mult"], mult, rtol=0, atol=tol)
    assert np.all(fit["rmse"] < 1e-9)


def test_fit_recovers_range_corners_and_centres():
    grid = np.array(np.meshgrid(*[np.linspace(*SINE_RANGES[k], 3) for k in ("x0", "freq", "mult")]))
    x0, freq, mult = grid.reshape(3, -1)
    assert_recovers(fit_sines(sines(x0, freq, mult)), x0, freq, mult)


def test_fit_recovers_the_fixed_random_false_curve():
    x = sample_sines(3, np.random.default_rng(0), random=False)
    fit = fit_sines(x)
    assert_recovers(fit, 0.0, 0.2, 1.0)


def test_fit_recovers_wide_random_parameters():
    rng = np.random.default_rng(7)
    x0, freq, mult = rng.uniform(-3, 3, 500), rng.uniform(0.1, 3.0, 500), rng.uniform(0.05, 3, 500)
    assert_recovers(fit_sines(sines(x0, freq, mult)), x0, freq, mult)


def test_fit_recovers_real_data_and_other_lengths():
    rng = np.random.default_rng(8)
    x0, freq, mult = real_params(300, rng)
    assert_recovers(fit_sines(sines(x0, freq, mult)), x0, freq, mult)
    assert_recovers(fit_sines(sines(x0, freq, mult, x_dim=25)), x0, freq, mult)


def test_fit_negative_amplitude_becomes_phase_shift():
    # -0.6 sin(0.5 + 1.3 i) = 0.6 sin(0.5 - pi + 1.3 i)
    fit = fit_sines(-sines(0.5, 1.3, 0.6))
    assert_recovers(fit, 0.5 - math.pi, 1.3, 0.6)


def test_fit_output_shapes_and_ranges():
    x = np.vstack([sample_sines(20, np.random.default_rng(1)),
                   np.random.default_rng(2).normal(size=(20, 10))])
    fit = fit_sines(x)
    assert set(fit) == {"x0", "freq", "mult", "rmse"}
    for v in fit.values():
        assert v.shape == (40,) and v.dtype == np.float64 and np.all(np.isfinite(v))
    assert np.all(fit["mult"] >= 0)
    assert np.all((fit["freq"] > 0) & (fit["freq"] < np.pi))
    assert np.all((fit["x0"] >= -np.pi) & (fit["x0"] < np.pi))
    # the fit is a least-squares optimum: rmse never exceeds the rmse of the zero model
    assert np.all(fit["rmse"] <= np.sqrt((x ** 2).mean(axis=1)) + 1e-12)
    assert fit_sines(x[:1])["x0"].shape == (1,)


def test_fit_degenerate_samples_do_not_crash():
    i = np.arange(10)
    x = np.array([np.zeros(10), np.ones(10), (-1.0) ** i, 1e6 * np.sin(0.3 + 1.3 * i), 1e-12 * (i - 4.5)])
    fit = fit_sines(x)
    for v in fit.values():
        assert np.all(np.isfinite(v))
    assert fit["mult"][0] == 0.0 and fit["rmse"][0] == 0.0
    assert np.all(fit["mult"] >= 0)
    assert abs(fit["freq"][3] - 1.3) < 1e-9 and abs(fit["mult"][3] / 1e6 - 1) < 1e-9


def test_fit_noisy_sines_rmse_matches_noise_level():
    rng = np.random.default_rng(9)
    sigma = 0.01
    x0, freq, mult = real_params(2000, rng)
    x = sines(x0, freq, mult) + rng.normal(0, sigma, size=(2000, 10))
    fit = fit_sines(x)
    # 10 points, 3 parameters: E[SSE] = 7 sigma^2, so rmse ~ sigma * sqrt(0.7) = 0.84 sigma
    assert 0.75 * sigma < fit["rmse"].mean() < 0.9 * sigma
    assert np.median(np.abs(fit["freq"] - freq)) < 0.01
    assert np.median(np.abs(fit["mult"] - mult)) < 0.01


def test_fit_is_fast(real):
    best = min(_timed(fit_sines, real) for _ in range(3))
    assert best < 0.5          # bench/bench_metrics.py measures ~0.03 s


def _timed(f, *args):
    t = time.perf_counter()
    f(*args)
    return time.perf_counter() - t


# ---------------------------------------------------------------------------
# validity
# ---------------------------------------------------------------------------
def test_real_data_is_valid(real):
    assert valid_fraction(real) >= 0.999
    assert valid_mask(real).dtype == bool


def test_range_edges_valid_and_outside_invalid():
    lo = {k: v[0] for k, v in SINE_RANGES.items()}
    hi = {k: v[1] for k, v in SINE_RANGES.items()}
    inside = sines([lo["x0"], hi["x0"], 0.5], [lo["freq"], hi["freq"], 1.3], [hi["mult"], lo["mult"], 0.6])
    assert valid_mask(inside).all()
    outside = sines([-0.1, 1.1, 0.5, 0.5, 0.5, 0.5, 0.0],
                    [1.3, 1.3, 1.1, 1.6, 1.3, 1.3, 0.2],
                    [0.6, 0.6, 0.6, 0.6, 0.4, 0.9, 1.0])
    assert not valid_mask(outside).any()


def test_noise_is_invalid(noise):
    assert valid_fraction(noise) < 0.01


def test_validity_uses_rmse_tolerance():
    rng = np.random.default_rng(10)
    clean = sines(*real_params(500, rng))
    assert valid_fraction(clean + rng.normal(0, 0.01, clean.shape)) > 0.95
    assert valid_fraction(clean + rng.normal(0, 0.2, clean.shape)) < 0.05
    noisy = clean + rng.normal(0, 0.06, clean.shape)     # fit rmse ~ 0.05, the default tol
    assert valid_fraction(noisy, rmse_tol=0.01) < valid_fraction(noisy) < valid_fraction(noisy, rmse_tol=0.2)


def test_valid_mask_reuses_a_given_fit(noise, real):
    x = np.vstack([noise[:50], real[:50]])
    fit = fit_sines(x)
    np.testing.assert_array_equal(valid_mask(x, fit=fit), valid_mask(x))
    assert valid_fraction(x, fit=fit) == pytest.approx(0.5)


# ---------------------------------------------------------------------------
# MMD2
# ---------------------------------------------------------------------------
def brute_mmd2(x, y, sigma):
    def k(a, b):
        return np.exp(-((a[:, None, :] - b[None, :, :]) ** 2).sum(-1) / (2 * sigma ** 2))
    n, m = len(x), len(y)
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    return ((kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2 * kxy.mean())


def brute_median(z):
    j, l = np.triu_indices(len(z), 1)
    return np.median(np.sqrt(((z[j] - z[l]) ** 2).sum(-1)))


def test_mmd2_matches_brute_force():
    rng = np.random.default_rng(11)
    x, y = rng.normal(size=(7, 10)), rng.normal(0.3, 1.2, size=(9, 10))
    assert mmd2(x, y, bandwidth=1.7) == pytest.approx(brute_mmd2(x, y, 1.7), rel=1e-12, abs=1e-15)
    assert median_distance(np.vstack([x, y])) == pytest.approx(brute_median(np.vstack([x, y])), rel=1e-12)
    assert mmd2(x, y) == pytest.approx(brute_mmd2(x, y, REAL_BANDWIDTH), rel=1e-12, abs=1e-15)
    assert median_distance(x[:5]) == pytest.approx(brute_median(x[:5]), rel=1e-12)  # odd pair count
    assert mmd2(x, y) == pytest.approx(mmd2(y, x), rel=1e-12)
    # translating both sets together changes nothing
    assert mmd2(x + 5.0, y + 5.0) == pytest.approx(mmd2(x, y), rel=1e-9)


def test_blocked_paths_for_large_sets_match_brute_force(monkeypatch):
    # large pooled sets are processed in row blocks and take the median on a subset;
    # shrink the limits so that path runs on a small problem
    monkeypatch.setattr(metrics, "BLOCK_ROWS", 4)
    monkeypatch.setattr(metrics, "MEDIAN_MAX_POINTS", 10)
    rng = np.random.default_rng(18)
    x, y = rng.normal(size=(8, 10)), rng.normal(0.5, 1.0, size=(9, 10))
    z = np.vstack([x, y])
    assert mmd2(x, y, bandwidth=2.0) == pytest.approx(brute_mmd2(x, y, 2.0), rel=1e-12)
    subset = z[np.linspace(0, 16, 10).round().astype(int)]
    assert median_distance(z) == pytest.approx(brute_median(subset), rel=1e-12)
    assert mmd2(x, y) == pytest.approx(brute_mmd2(x, y, REAL_BANDWIDTH), rel=1e-12)
    assert nn1_accuracy(x, x) == 0.0 and nn1_accuracy(x[:5], y) == brute_nn1(x[:5], y)
    assert nn1_accuracy(x, y) == brute_nn1(x, y)


def test_mmd2_all_points_equal_is_zero_not_nan():
    z = np.ones((4, 10))
    assert mmd2(z, z) == pytest.approx(0.0, abs=1e-12)


def test_real_bandwidth_is_the_median_distance_of_the_documented_real_sample():
    # the constant is what its recipe gives, to the 12 digits it is written with
    z = sample_sines(metrics.BANDWIDTH_SAMPLES, np.random.default_rng(metrics.BANDWIDTH_SEED))
    assert metrics.BANDWIDTH_SAMPLES == 4000
    assert float(f"{median_distance(z):.12g}") == REAL_BANDWIDTH
    assert real_bandwidth() == real_bandwidth(10) == REAL_BANDWIDTH == 0.877338069863


def test_real_bandwidth_for_another_length_is_computed_the_same_way_and_cached():
    z = sample_sines(metrics.BANDWIDTH_SAMPLES, np.random.default_rng(metrics.BANDWIDTH_SEED), x_dim=12)
    h12 = real_bandwidth(12)
    assert h12 == pytest.approx(median_distance(z), rel=1e-12)
    assert 0.9 < h12 < 1.1                     # longer signals lie further apart than at x_dim = 10
    assert metrics._BANDWIDTH_CACHE[12] == h12 and real_bandwidth(12) == h12
    x, y = sample_sines(30, np.random.default_rng(19), x_dim=12), sample_sines(40, np.random.default_rng(20), x_dim=12)
    assert mmd2(x, y) == pytest.approx(brute_mmd2(x, y, h12), rel=1e-12, abs=1e-15)


def test_mmd2_uses_one_fixed_bandwidth_for_every_comparison(real, real_other, collapsed, noise):
    pairs = [(real, real_other), (collapsed, real_other), (noise, real), (real[:50] * 3.0, real[50:80])]
    for x, y in pairs:
        assert mmd2(x, y) == mmd2(x, y, bandwidth=REAL_BANDWIDTH)
    # the pooled-median bandwidth of the old code would differ from pair to pair
    medians = [median_distance(np.vstack([x, y])) for x, y in pairs]
    assert max(medians) - min(medians) > 0.3
    # the kernel really is exp(-||a - b||^2 / (2 h^2)) with h = REAL_BANDWIDTH
    x, y = real[:40] * 3.0, real_other[:30]
    assert mmd2(x, y) == pytest.approx(brute_mmd2(x, y, REAL_BANDWIDTH), rel=1e-12)
    assert mmd2(x, y, bandwidth=2.5) == pytest.approx(brute_mmd2(x, y, 2.5), rel=1e-12)
    assert mmd2(x, y, bandwidth=2.5) != mmd2(x, y)


def test_null_bands_at_n1000():
    b = null_bands(N)
    assert (b["n"], b["m"], b["x_dim"], b["repeats"], b["seed"]) == (N, N, 10, 100, metrics.FLOOR_SEED)
    assert b["bandwidth"] == REAL_BANDWIDTH and b["percentiles"] == [2.5, 97.5]
    assert len(b["mmd2_values"]) == len(b["nn1_values"]) == 100
    np.testing.assert_allclose([b["mmd2_low"], b["mmd2_high"]], np.percentile(b["mmd2_values"], [2.5, 97.5]), rtol=1e-12)
    np.testing.assert_allclose([b["nn1_low"], b["nn1_high"]], np.percentile(b["nn1_values"], [2.5, 97.5]), rtol=1e-12)
    # measured: MMD2 [-0.00069, 0.00192], 1-NN [0.479, 0.528]
    assert -0.0015 < b["mmd2_low"] < 0 < b["mmd2_high"] < 0.0025
    assert 0.47 < b["nn1_low"] < 0.495 and 0.505 < b["nn1_high"] < 0.54
    assert abs(b["nn1_mean"] - 0.5) < 0.005 and abs(b["mmd2_mean"]) < 3e-4
    # each value is a real-vs-real pair of the documented draw: the first pair recomputed
    gen = np.random.default_rng(metrics.FLOOR_SEED)
    x, y = sample_sines(N, gen), sample_sines(N, gen)
    assert b["mmd2_values"][0] == pytest.approx(mmd2(x, y), rel=1e-12, abs=1e-15)
    assert b["nn1_values"][0] == nn1_accuracy(x, y)


@pytest.mark.slow
def test_precomputed_null_table_equals_fresh_draws():
    # the committed table is a cache of the documented draws, not a result of its own:
    # every entry is drawn afresh here (1-NN exactly; MMD2 to rounding, it goes through BLAS)
    table = metrics.read_null_table()
    assert sorted(k[0] for k in table) == sorted(metrics.NULL_TABLE_SIZES)
    for (n, m, repeats, seed, x_dim), (mmds, nns) in table.items():
        assert (m, repeats, seed, x_dim) == (n, metrics.FLOOR_REPEATS, metrics.FLOOR_SEED, 10)
        fresh_mmds, fresh_nns = metrics._draw_null_values(np.random.default_rng(seed), n, m, repeats, x_dim)
        np.testing.assert_allclose(mmds, fresh_mmds, rtol=1e-9, atol=1e-15)
        assert nns == fresh_nns


def test_null_bands_of_the_table_sizes_draw_nothing(monkeypatch):
    metrics._FLOOR_CACHE.clear()
    metrics._TABLE_READ.clear()
    monkeypatch.setattr(metrics, "_draw_null_values", lambda *a: pytest.fail("drew instead of reading the table"))
    for n in metrics.NULL_TABLE_SIZES:
        assert len(null_bands(n)["nn1_values"]) == metrics.FLOOR_REPEATS
    assert metrics.read_null_table("/nonexistent/null_values.json") == {}


def test_write_null_table_round_trips(tmp_path, monkeypatch):
    monkeypatch.setattr(metrics, "NULL_TABLE_SIZES", (20,))
    path = metrics.write_null_table(str(tmp_path / "t.json"))
    (key, (mmds, nns)), = metrics.read_null_table(path).items()
    assert key == (20, 20, metrics.FLOOR_REPEATS, metrics.FLOOR_SEED, 10)
    assert (mmds, nns) == metrics._draw_null_values(np.random.default_rng(metrics.FLOOR_SEED), 20, 20, metrics.FLOOR_REPEATS, 10)


def test_null_bands_are_cached_deterministic_and_copied():
    a = null_bands(80, repeats=6, seed=3)
    a["mmd2_values"].append(9.0)
    a["nn1_high"] = 9.0
    b = null_bands(80, repeats=6, seed=3)
    assert len(b["mmd2_values"]) == 6 and b["nn1_high"] != 9.0
    metrics._FLOOR_CACHE.clear()
    assert null_bands(80, repeats=6, seed=3) == b            # recomputed: the same numbers
    assert null_bands(80, repeats=6, seed=4) != b
    # mmd2_floor summarises the very same draws
    f = mmd2_floor(80, rng=3, repeats=6)
    assert f["values"] == b["mmd2_values"] and f["max"] == max(b["mmd2_values"])
    c = null_bands(60, x_dim=12, repeats=4, m=70)
    assert (c["n"], c["m"], c["x_dim"]) == (60, 70, 12) and c["bandwidth"] == real_bandwidth(12)


def test_mmd2_floor_at_n1000(floor_1000):
    f = floor_1000
    assert f["n"] == f["m"] == N and f["repeats"] == metrics.FLOOR_REPEATS == len(f["values"])
    # BOOK_GUIDE: real-vs-real mean ~1e-4 (i.e. ~0), max ~0.002-0.0035
    assert abs(f["mean"]) < 3e-4
    assert 0.001 < f["max"] < 0.005
    assert f["min"] < 0 < f["max"]              # unbiased: it scatters around 0
    assert mmd2_floor(N) == f                    # cached and deterministic
    assert mmd2_floor(N, rng=metrics.FLOOR_SEED) == f


def test_mmd2_floor_cache_is_not_shared_by_mutation():
    a = mmd2_floor(50, repeats=3)
    a["values"].append(99.0)
    a["max"] = 99.0
    b = mmd2_floor(50, repeats=3)
    assert b["max"] != 99.0 and len(b["values"]) == 3


def test_mmd2_unbiased_mean_near_zero():
    f = mmd2_floor(60, rng=5, repeats=300)
    assert abs(f["mean"]) < 3 * f["std"] / math.sqrt(300)
    # the biased V-statistic (diagonal kept) sits clearly above zero on the same draws
    rng = np.random.default_rng(5)
    x, y = sample_sines(60, rng), sample_sines(60, rng)
    sigma = REAL_BANDWIDTH
    k = lambda a, b: np.exp(-((a[:, None] - b[None]) ** 2).sum(-1) / (2 * sigma ** 2))  # noqa: E731
    biased = k(x, x).mean() + k(y, y).mean() - 2 * k(x, y).mean()
    assert biased > mmd2(x, y) + 0.5 * (2 / 60) * (1 - k(x, x).mean())


def test_mmd2_real_vs_real_within_floor(real, real_other, floor_1000):
    assert mmd2(real, real_other) <= floor_1000["max"]


def test_mmd2_collapsed_far_above_floor(collapsed, real_other, floor_1000):
    value = mmd2(collapsed, real_other)
    assert value > 0.1
    assert value > 100 * floor_1000["max"]


# ---------------------------------------------------------------------------
# 1-NN two-sample test
# ---------------------------------------------------------------------------
def brute_nn1(x, y):
    z = np.vstack([x, y])
    labels = np.r_[np.zeros(len(x)), np.ones(len(y))]
    d = np.sqrt(((z[:, None] - z[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    return float(np.mean(labels[np.argmin(d, axis=1)] == labels))


def test_nn1_matches_brute_force():
    rng = np.random.default_rng(12)
    for n, m in [(30, 30), (17, 41), (1, 5)]:
        x, y = rng.normal(size=(n, 10)), rng.normal(0.4, 1.0, size=(m, 10))
        assert nn1_accuracy(x, y) == pytest.approx(brute_nn1(x, y), abs=1e-15)


def test_nn1_leave_one_out_and_ties():
    rng = np.random.default_rng(13)
    x = rng.normal(size=(50, 10))
    assert nn1_accuracy(x, x) == 0.0          # every point's nearest other is its twin
    assert nn1_accuracy(x, x + 100.0) == 1.0  # fully separated
    # pooled order 0, 10 | 2, 4: point 2 is equally far from 0 (index 0) and 4 (index 3);
    # the tie goes to index 0, so only point 4 is classified correctly
    assert nn1_accuracy([[0.0], [10.0]], [[2.0], [4.0]]) == 0.25


def test_nn1_real_vs_real(real, real_other):
    assert 0.45 <= nn1_accuracy(real, real_other) <= 0.56


def test_nn1_collapsed(collapsed, real_other):
    assert nn1_accuracy(collapsed, real_other) > 0.95


# ---------------------------------------------------------------------------
# coverage
# ---------------------------------------------------------------------------
def test_coverage_real(real):
    cov = coverage(real)
    assert set(cov) == {"std_x0", "std_freq", "std_mult", "bins_x0", "bins_freq", "bins_mult", "n_valid"}
    for p in ("x0", "freq", "mult"):
        assert 0.9 < cov[f"std_{p}"] < 1.1
        assert cov[f"bins_{p}"] == 1.0
    assert cov["n_valid"] == N


def test_coverage_collapsed(collapsed):
    cov = coverage(collapsed)
    for p in ("x0", "freq", "mult"):
        assert cov[f"std_{p}"] < 1e-6
        assert cov[f"bins_{p}"] == pytest.approx(0.1)


def test_coverage_half_range_and_no_valid(noise):
    rng = np.random.default_rng(14)
    x0, _, mult = real_params(2000, rng)
    cov = coverage(sines(x0, rng.uniform(1.2, 1.35, 2000), mult))
    assert cov["std_freq"] == pytest.approx(0.5, abs=0.03)
    assert cov["bins_freq"] == 0.5 and cov["bins_x0"] == 1.0
    assert coverage(noise[:100]) == {"std_x0": 0.0, "std_freq": 0.0, "std_mult": 0.0,
                                     "bins_x0": 0.0, "bins_freq": 0.0, "bins_mult": 0.0, "n_valid": 0.0}


# ---------------------------------------------------------------------------
# evaluate and format_report
# ---------------------------------------------------------------------------
REPORT_KEYS = {
    "n", "n_real", "valid_fraction", "n_valid", "mean_rmse", "mmd2", "mmd2_floor_mean",
    "mmd2_floor_max", "nn1_accuracy", "bandwidth", "null_repeats", "mmd2_null_low", "mmd2_null_high",
    "nn1_null_low", "nn1_null_high", "indistinguishable", "coverage_std_x0", "coverage_std_freq", "coverage_std_mult",
    "coverage_bins_x0", "coverage_bins_freq", "coverage_bins_mult",
}


def test_evaluate_real(report_real, floor_1000):
    r = dict(report_real)
    assert set(r) == REPORT_KEYS
    assert type(r.pop("indistinguishable")) is bool
    assert all(type(v) is float for v in r.values())
    assert json.loads(json.dumps(report_real)) == report_real
    assert r["n"] == r["n_real"] == N
    assert r["valid_fraction"] >= 0.999 and r["mean_rmse"] < 1e-9
    assert r["mmd2_floor_mean"] == floor_1000["mean"] and r["mmd2_floor_max"] == floor_1000["max"]
    bands = null_bands(N)
    assert r["bandwidth"] == REAL_BANDWIDTH and r["null_repeats"] == metrics.FLOOR_REPEATS == 100
    assert (r["mmd2_null_low"], r["mmd2_null_high"]) == (bands["mmd2_low"], bands["mmd2_high"])
    assert (r["nn1_null_low"], r["nn1_null_high"]) == (bands["nn1_low"], bands["nn1_high"])
    assert r["mmd2"] <= r["mmd2_floor_max"]
    assert 0.45 <= r["nn1_accuracy"] <= 0.56
    assert 0.9 < r["coverage_std_freq"] < 1.1 and r["coverage_bins_mult"] == 1.0


def test_evaluate_collapsed(report_collapsed):
    r = report_collapsed
    assert r["valid_fraction"] == 1.0
    assert r["mmd2"] > 0.1 and r["nn1_accuracy"] > 0.95
    assert r["mmd2"] > 100 * r["mmd2_null_high"] and r["nn1_accuracy"] > r["nn1_null_high"] + 0.4
    assert r["indistinguishable"] is False
    assert r["coverage_std_x0"] < 1e-6 and r["coverage_bins_x0"] == pytest.approx(0.1)


def test_verdict_real_vs_real_inside_both_bands_on_fresh_seeds():
    # fresh real samples against fresh references: each band lets about 5% of real data
    # out, so the joint verdict holds for most (measured 17 of these 20), never for none
    reports = [evaluate(sample_sines(N, np.random.default_rng(s)), rng=s + 5000) for s in range(1000, 1020)]
    inside = [(r["mmd2"] <= r["mmd2_null_high"], r["nn1_accuracy"] <= r["nn1_null_high"]) for r in reports]
    assert [r["indistinguishable"] for r in reports] == [a and b for a, b in inside]
    assert sum(r["indistinguishable"] for r in reports) >= 15
    assert sum(a for a, _ in inside) >= 16 and sum(b for _, b in inside) >= 16
    for s in (1001, 1002):                       # two of them, spelled out
        r = reports[s - 1000]
        assert r["indistinguishable"] is True
        assert r["mmd2_null_low"] - 0.001 < r["mmd2"] <= r["mmd2_null_high"]
        assert r["nn1_null_low"] - 0.02 < r["nn1_accuracy"] <= r["nn1_null_high"]
        assert "indistinguishable from real data at n = 1000" in format_report(r)


def test_verdict_collapsed_and_off_manifold_generators_are_outside():
    rng = np.random.default_rng(21)
    one_curve = np.repeat(sines(0.5, 1.35, 0.65), N, axis=0)            # every sample the same sine
    two_modes = sines(rng.choice([0.1, 0.9], N), np.full(N, 1.3), np.full(N, 0.6))
    shifted = sample_sines(N, rng) + 0.05                                # valid-looking but offset
    for x in (one_curve, two_modes, shifted):
        r = evaluate(x)
        assert r["indistinguishable"] is False
        assert r["nn1_accuracy"] > r["nn1_null_high"]
        assert "indistinguishable" not in format_report(r).splitlines()[3]
    r = evaluate(one_curve)
    assert r["mmd2"] > r["mmd2_null_high"]
    line = format_report(r).splitlines()[3]
    assert line.startswith("verdict: distinguishable from real data at n = 1000: ")
    assert "MMD2 above its real-vs-real band" in line and "1-NN above its real-vs-real band" in line


def test_evaluate_is_deterministic():
    x = np.random.default_rng(15).normal(0, 0.5, size=(150, 10))
    first = evaluate(x)
    metrics._FLOOR_CACHE.clear()                 # recomputing the floor gives the same numbers
    assert evaluate(x) == first
    assert evaluate(x, rng=metrics.REFERENCE_SEED) == first
    assert evaluate(x, rng=1)["mmd2"] != first["mmd2"]
    assert first["valid_fraction"] < 0.05


def test_evaluate_other_reference_size():
    x = sample_sines(120, np.random.default_rng(16))
    r = evaluate(x, n_real=200, floor_repeats=5)
    assert r["n"] == 120.0 and r["n_real"] == 200.0
    assert r["mmd2_floor_max"] == mmd2_floor(120, m=200, repeats=5)["max"]
    b = null_bands(120, repeats=5, m=200)
    assert r["null_repeats"] == 5.0 and r["nn1_null_high"] == b["nn1_high"] and r["mmd2_null_low"] == b["mmd2_low"]
    assert "n = 120 (vs 200 real)" in format_report(r)


def test_format_report(report_real, report_collapsed):
    text = format_report(report_real)
    lines = text.splitlines()
    assert len(lines) == 6
    assert "MMD2" in text and "1-NN" in text and "valid" in text
    assert f"{report_real['mmd2']:.4g}" in text
    assert "1000 of 1000" in text
    r = report_real
    assert f"[{r['mmd2_null_low']:.4g}, {r['mmd2_null_high']:.4g}]" in lines[1] and "2.5-97.5% of 100 draws" in lines[1]
    assert f"[{r['nn1_null_low']:.4g}, {r['nn1_null_high']:.4g}]" in lines[2]
    verdict = ("indistinguishable from real data at n = 1000" if r["indistinguishable"]
               else "distinguishable from real data at n = 1000: ")
    assert lines[3].startswith("verdict: " + verdict)
    # a report without the bands (an old metrics.json) still prints, without a verdict
    old = {k: v for k, v in r.items() if "null" not in k}
    assert len(format_report(old).splitlines()) == 5 and "verdict" not in format_report(old)
    assert "0.1" in format_report(report_collapsed, digits=3).splitlines()[-1]
    with pytest.raises(ValueError, match="report"):
        format_report({"n": 3.0})
    with pytest.raises(ValueError, match="report"):
        format_report([1, 2])


# ---------------------------------------------------------------------------
# input validation: every error names the parameter
# ---------------------------------------------------------------------------
GOOD = sample_sines(5, np.random.default_rng(17))


@pytest.mark.parametrize("call, pattern", [
    (lambda: fit_sines(np.zeros(10)), r"^samples must be a 2-D array.*got shape \(10,\)"),
    (lambda: fit_sines(np.zeros((0, 10))), r"^samples .*n >= 1"),
    (lambda: fit_sines(np.zeros((5, 3))), r"^samples .*x_dim >= 4"),
    (lambda: fit_sines(np.full((2, 10), np.nan)), r"^samples must hold only finite numbers; found 20 NaN or inf"),
    (lambda: fit_sines([["a"] * 10]), r"^samples must be an array of real numbers, got dtype <U1"),
    (lambda: fit_sines("sines"), r"^samples must be an array of real numbers"),
    (lambda: fit_sines([[0.0] * 10, [0.0] * 9]), r"^samples must be an array of real numbers; got a ragged"),
    (lambda: valid_mask(np.where(GOOD > 0.5, -np.inf, GOOD)), r"^samples must hold only finite"),
    (lambda: valid_fraction([[1, 2, None, 4]]), r"^samples must be an array of real numbers"),
    (lambda: coverage(np.full((3, 10), np.nan)), r"^samples must hold only finite"),
    (lambda: median_distance([[1.0, 2.0], [3.0]]), r"^samples must be an array of real numbers; got a ragged"),
    (lambda: evaluate(np.full((5, 10), np.inf)), r"^samples must hold only finite"),
    (lambda: evaluate("abc"), r"^samples must be an array of real numbers"),
    (lambda: evaluate(np.zeros((5, 2000))), r"^samples must have at most"),
    (lambda: valid_mask(GOOD, rmse_tol=0), r"^rmse_tol"),
    (lambda: valid_mask(GOOD, rmse_tol=float("nan")), r"^rmse_tol"),
    (lambda: valid_mask(GOOD, fit={"x0": np.zeros(5)}), r"^fit "),
    (lambda: valid_fraction(GOOD, fit=fit_sines(GOOD[:4])),
     r"^fit\['x0'\] must have shape .*\(5,\), got shape \(4,\)"),
    (lambda: valid_mask(GOOD, fit={**fit_sines(GOOD), "rmse": np.full(5, np.nan)}), r"^fit\['rmse'\] must hold only finite"),
    (lambda: mmd2(GOOD[:1], GOOD), r"^x .*n >= 2"),
    (lambda: mmd2(GOOD, GOOD[:, :4]), r"^y must have the same number of columns"),
    (lambda: mmd2(GOOD, np.where(GOOD > 0, np.inf, GOOD)), r"^y must hold only finite"),
    (lambda: mmd2(np.where(GOOD > 0, np.nan, GOOD), GOOD), r"^x must hold only finite"),
    (lambda: mmd2([[1.0, 2.0], [3.0]], GOOD), r"^x must be an array of real numbers; got a ragged"),
    (lambda: mmd2(GOOD, "xy"), r"^y must be an array of real numbers"),
    (lambda: mmd2(GOOD, GOOD, bandwidth=0), r"^bandwidth must be a number in \[1e-06, 1e\+06\]"),
    (lambda: mmd2(GOOD, GOOD, bandwidth="wide"), r"^bandwidth must be a number in \[1e-06, 1e\+06\]"),
    (lambda: mmd2(GOOD, GOOD, bandwidth=True), r"^bandwidth must be a number in \[1e-06, 1e\+06\], got True"),
    (lambda: mmd2(GOOD, GOOD, bandwidth=1e-200), r"^bandwidth must be a number in \[1e-06, 1e\+06\], got 1e-200"),
    (lambda: mmd2(GOOD, GOOD, bandwidth=1e200), r"^bandwidth must be a number in \[1e-06, 1e\+06\], got 1e\+200"),
    (lambda: mmd2(GOOD, GOOD, bandwidth=float("nan")), r"^bandwidth must be a number"),
    (lambda: mmd2(GOOD, GOOD, bandwidth=10**400), r"^bandwidth must be a number in .*401 digits"),
    (lambda: mmd2(np.zeros((3, 1100)), np.zeros((3, 1100))), r"^bandwidth must be given for signals longer"),
    (lambda: median_distance(GOOD[:1]), r"^samples"),
    (lambda: mmd2_floor(1), r"^n must be an integer in \[2, 1000000\], got 1"),
    (lambda: mmd2_floor(10**400), r"^n must be an integer in \[2, 1000000\], got an integer with 401 digits"),
    (lambda: mmd2_floor(10, repeats=10**400), r"^repeats must be an integer in \[1, 10000\]"),
    (lambda: mmd2_floor(True), r"^n must be an integer in"),
    (lambda: mmd2_floor(10, x_dim=0), r"^x_dim must be an integer in \[1, 1024\]"),
    (lambda: null_bands(1), r"^n must be an integer in \[2, 1000000\]"),
    (lambda: null_bands(10**400), r"^n must be an integer in \[2, 1000000\], got an integer with 401 digits"),
    (lambda: null_bands(10, repeats=10**400), r"^repeats must be an integer in \[1, 10000\]"),
    (lambda: null_bands(10, repeats=2.5), r"^repeats must be an integer in"),
    (lambda: null_bands(10, m=1), r"^m must be an integer in"),
    (lambda: null_bands(10, x_dim=2000), r"^x_dim must be an integer in \[1, 1024\]"),
    (lambda: null_bands(10, seed=-1), r"^seed must be an integer in \[0, "),
    (lambda: null_bands(10, seed=np.random.default_rng(0)), r"^seed must be an integer"),
    (lambda: real_bandwidth(0), r"^x_dim must be an integer in \[1, 1024\]"),
    (lambda: real_bandwidth(10**400), r"^x_dim must be an integer in \[1, 1024\]"),
    (lambda: mmd2_floor(10.5), r"^n must be an integer"),
    (lambda: mmd2_floor(10, m=1), r"^m must"),
    (lambda: mmd2_floor(10, repeats=0), r"^repeats must"),
    (lambda: mmd2_floor(10, rng="seed"), r"^rng must"),
    (lambda: nn1_accuracy(np.zeros((2, 2, 2)), GOOD), r"^x must be a 2-D array"),
    (lambda: nn1_accuracy(GOOD, np.full((3, 10), np.nan)), r"^y must hold only finite"),
    (lambda: nn1_accuracy(GOOD, [[1.0] * 10, [1.0]]), r"^y must be an array of real numbers; got a ragged"),
    (lambda: nn1_accuracy(GOOD, GOOD[:, :3]), r"^y must have the same number of columns"),
    (lambda: coverage(GOOD, bins=0), r"^bins must"),
    (lambda: coverage(GOOD, bins=10**400), r"^bins must be an integer in \[1, 10000\]"),
    (lambda: evaluate(GOOD[:1]), r"^samples .*n >= 2"),
    (lambda: evaluate(GOOD, n_real=1), r"^n_real must"),
    (lambda: evaluate(GOOD, rng=-1), r"^rng must be None, a seed"),
    (lambda: evaluate(GOOD, rng=10**400), r"^rng must be None, a seed .*401 digits"),
    (lambda: evaluate(GOOD, rng=True), r"^rng must be None, a seed"),
    (lambda: evaluate(GOOD, n_real=10**400), r"^n_real must be an integer in \[2, 1000000\]"),
    (lambda: evaluate(GOOD, floor_repeats=0), r"^floor_repeats must"),
    (lambda: evaluate(GOOD, floor_repeats=10**400), r"^floor_repeats must be an integer in \[1, 10000\]"),
    (lambda: format_report(evaluate(GOOD), digits=10**400), r"^digits must be an integer in \[1, 17\]"),
    (lambda: format_report({**evaluate(GOOD), "mmd2": "big"}), r"^report must .*numbers"),
])
def test_validation_errors_name_the_parameter(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_fit_sines_gives_each_sample_the_same_fit_whatever_block_it_falls_in():
    # the grid search runs in blocks of GRID_BLOCK_ROWS samples: a sample's fit must not depend on them
    rng = np.random.default_rng(11)
    x = np.concatenate([sample_sines(150, rng), rng.uniform(-1, 1, (53, 10))])
    assert len(x) > 3 * metrics.GRID_BLOCK_ROWS
    whole = metrics.fit_sines(x)
    parts = [metrics.fit_sines(x[a:b]) for a, b in ((0, 1), (1, 70), (70, len(x)))]
    for key in ("x0", "freq", "mult", "rmse"):
        assert np.array_equal(whole[key], np.concatenate([p[key] for p in parts]))
