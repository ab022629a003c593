"""gan_core.classroom: pooling the groups' figures, the projector line and the figure."""
import math

import matplotlib
import numpy as np
import pytest

from gan_core import classroom

FIGURES = {"A": 0.543, "B": 0.551, "C": [0.538, 0.547], "D": 0.612}


def test_pool_groups_numbers():
    p = classroom.pool_groups(FIGURES)
    values = np.array([0.543, 0.551, 0.538, 0.547, 0.612])
    assert (p.n, p.groups) == (5, 4)
    assert p.median == pytest.approx(0.547)
    assert (p.low, p.high) == (pytest.approx(0.538), pytest.approx(0.612))
    assert p.mean == pytest.approx(0.5582)
    assert p.sem == pytest.approx(values.std(ddof=1) / math.sqrt(5))
    assert p.sem == pytest.approx(0.0136213, abs=1e-6)


def test_pool_groups_accepts_lists_tuples_arrays_and_numpy_scalars():
    by_list = classroom.pool_groups([1, 2, 3, 4])
    assert by_list == classroom.pool_groups((1.0, 2.0, 3.0, 4.0))
    assert by_list == classroom.pool_groups(np.array([1, 2, 3, 4]))
    assert by_list == classroom.pool_groups({"g1": np.float64(1), "g2": np.int64(2), "g3": [3, 4]})._replace(groups=4)
    assert (by_list.median, by_list.mean, by_list.groups) == (2.5, 2.5, 4)
    assert by_list.sem == pytest.approx(np.std([1, 2, 3, 4], ddof=1) / 2)
    rows = classroom.pool_groups([[1, 2], [3, 4]])           # a list of per-group lists
    assert (rows.n, rows.groups, rows.mean) == (4, 2, 2.5)


def test_a_single_figure_has_no_standard_error():
    p = classroom.pool_groups({"only": 0.5})
    assert (p.n, p.groups, p.median, p.mean, p.low, p.high) == (1, 1, 0.5, 0.5, 0.5, 0.5)
    assert math.isnan(p.sem)
    assert classroom.format_pooled(p) == ("figure: median 0.500, range 0.500 to 0.500, "
                                          "mean 0.500 (no s.e. from one figure), n = 1 from 1 group")


def test_format_pooled_line():
    line = classroom.format_pooled(classroom.pool_groups(FIGURES), "1-NN accuracy")
    assert line == ("1-NN accuracy: median 0.547, range 0.538 to 0.612, "
                    "mean 0.558 +/- 0.014 (s.e.), n = 5 from 4 groups")
    assert classroom.format_pooled(FIGURES, "x", digits=1) == (
        "x: median 0.5, range 0.5 to 0.6, mean 0.6 +/- 0.0 (s.e.), n = 5 from 4 groups")


@pytest.mark.parametrize("bad, words", [
    ({}, "at least one group"),
    ([], "at least one group"),
    (3, "must be a mapping"),
    ("0.5", "must be a mapping"),
    (None, "must be a mapping"),
    ({"A": []}, "group 'A' gave no figure"),
    ({"A": "0.5"}, "group 'A' gave str"),
    ({"A": [0.5, None]}, "group 'A' gave NoneType"),
    ({"A": float("nan")}, "group 'A' gave nan"),
    ({"A": float("inf")}, "group 'A' gave inf"),
    ([True, 0.5], "group 1 gave bool"),
])
def test_bad_figures_raise_a_value_error_naming_the_parameter(bad, words):
    with pytest.raises(ValueError) as info:
        classroom.pool_groups(bad)
    assert str(info.value).startswith("figures") and words in str(info.value)


@pytest.mark.parametrize("digits", [-1, 13, 2.0, True, "3"])
def test_format_pooled_refuses_bad_digits(digits):
    with pytest.raises(ValueError, match="digits must be an integer"):
        classroom.format_pooled(FIGURES, digits=digits)


def test_pooled_figure_draws_one_column_per_group_and_the_pooled_bar():
    import matplotlib.pyplot as plt
    fig = classroom.pooled_figure(FIGURES, "1-NN accuracy", reference=0.5)
    try:
        assert isinstance(fig, matplotlib.figure.Figure)
        (ax,) = fig.axes
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels[:4] == ["A", "B", "C", "D"] and labels[4].startswith("pooled")
        dots = [line for line in ax.lines if line.get_marker() == "o"]
        assert sorted(len(line.get_ydata()) for line in dots) == [1, 1, 1, 2]
        assert ax.get_ylabel() == "1-NN accuracy"
        assert "5 figures from 4 groups" in ax.get_title()
    finally:
        plt.close(fig)


def test_import_needs_numpy_only():
    import subprocess
    import sys
    code = ("import sys; import gan_core.classroom; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
