"""Tests for gan_core.data: the sine sampler and the row streams."""
import numpy as np
import pytest

from gan_core.data import SINE_RANGES, RowStream, sample_sines, sine_signals


def test_samples_are_sines_with_parameters_in_the_real_ranges():
    rng = np.random.default_rng(0)
    x = sample_sines(500, rng)
    again = np.random.default_rng(0)
    x0, freq, mult = (again.uniform(*SINE_RANGES[k], size=500) for k in ("x0", "freq", "mult"))
    assert x.shape == (500, 10)
    assert np.array_equal(x, mult[:, None] * np.sin(x0[:, None] + freq[:, None] * np.arange(10)))
    assert np.array_equal(sine_signals(0.0, 0.2, 1.0), np.sin(0.2 * np.arange(10))[None])


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "5", 10**400])
def test_bad_counts_name_the_parameter_and_range(n):
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, "):
        sample_sines(n, np.random.default_rng(0))


def test_a_stream_hands_out_the_same_rows_however_it_is_consumed():
    def draw(k, rng):
        return rng.standard_normal((k, 3))
    a = RowStream(draw, np.random.default_rng(5))
    b = RowStream(draw, np.random.default_rng(5))
    rows_a = np.vstack([a.take(64) for _ in range(100)])
    rows_b = np.vstack([b.take(n) for n in (1, 4000, 2399)])
    assert np.array_equal(rows_a, rows_b)


def test_a_stream_continues_exactly_from_its_state():
    def draw(k, rng):
        return sample_sines(k, rng)
    a = RowStream(draw, np.random.default_rng(7))
    a.take(4000)
    state = a.state()
    want = np.vstack([a.take(64) for _ in range(10)])
    b = RowStream(draw, np.random.default_rng(123))
    b.load_state(state)
    assert np.array_equal(np.vstack([b.take(64) for _ in range(10)]), want)
    with pytest.raises(ValueError, match="stream rows"):
        b.load_state({"bit_generator": state["bit_generator"], "rows": np.zeros((3, 4))})


def test_a_float32_stream_hands_out_the_float64_rows_rounded_and_resumes_exactly():
    def draw(k, rng):
        return sample_sines(k, rng)
    wide = RowStream(draw, np.random.default_rng(7))
    narrow = RowStream(draw, np.random.default_rng(7), dtype="float32")
    got = [narrow.take(n) for n in (64, 4000, 100, 64)]  # crosses a block boundary
    assert all(rows.dtype == np.float32 for rows in got)
    want = np.vstack([wide.take(n) for n in (64, 4000, 100, 64)]).astype(np.float32)
    assert np.array_equal(np.vstack(got), want)
    state = narrow.state()
    assert state["rows"].dtype == np.float32
    ahead = np.vstack([narrow.take(64) for _ in range(70)])
    twin = RowStream(draw, np.random.default_rng(1), dtype="float32")
    twin.load_state(state)
    again = np.vstack([twin.take(64) for _ in range(70)])
    assert again.dtype == np.float32 and np.array_equal(again, ahead)
    with pytest.raises(ValueError, match="stream rows must be real numbers"):
        twin.load_state({"bit_generator": state["bit_generator"], "rows": np.array([["a"] * 10])})
