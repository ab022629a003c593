"""Tests for gan_core.experiments.reporting: the number formatter and claims as sentences."""
import pytest

from gan_core import experiments as E


def test_approx_rounds_to_significant_digits():
    assert E.approx(0.878) == "≈0.88"
    assert E.approx(0.00062) == "≈0.00062"
    assert E.approx(35711) == "≈36000"
    assert E.approx(28.7, 1) == "≈30"
    assert E.approx(1.0) == "≈1"
    assert E.approx(0.0) == "≈0"
    assert E.approx(1e-6) == "≈1e-06"


def test_confirm_prints_the_claim_as_a_sentence_or_raises(capsys):
    assert E.confirm("two is more than one", 2 > 1) is None
    assert capsys.readouterr().out == "Two is more than one.\n"
    with pytest.raises(AssertionError, match="one is more than two"):
        E.confirm("one is more than two", 1 > 2)


# --------------------------------------------------------------------------- runs and sweeps


def test_format_number_and_setting():
    assert E.format_number(0.8812) == "0.88" and E.format_number(123456) == "1.2e+05"
    assert E.format_number(float("nan")) == "nan"
    assert E.format_setting((32, 32)) == "32,32" and E.format_setting(None) == "off" and E.format_setting(0.5) == "0.5"
