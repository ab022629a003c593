import math

import pytest

import gan_core
from gan_core.config import Config


def test_defaults_are_the_chapters_constants():
    c = gan_core.book()
    assert (c.Z_DIM, c.X_DIM, c.G_HIDDEN, c.D_HIDDEN) == (1, 10, (10, 10), (10, 10))
    assert (c.step_size_G, c.step_size_D, c.ITER_NUM) == (0.01, 0.01, 50000)
    assert (c.GRADIENT_CLIP, c.WEIGHT_CLIP, c.batch_size, c.optimizer) == (0.2, 0.25, 1, "sgd")


@pytest.mark.parametrize("name,value", [
    ("step_size_G", 0), ("step_size_D", -0.1), ("step_size_D", math.nan), ("GRADIENT_CLIP", math.nan),
    ("WEIGHT_CLIP", -1), ("batch_size", 0), ("batch_size", 2.5), ("Z_DIM", 0), ("ITER_NUM", True),
    ("optimizer", "rmsprop"), ("ema", 1.0), ("G_HIDDEN", ()), ("D_HIDDEN", (10, 0)), ("lr_decay", "cosine"),
])
def test_bad_values_name_the_parameter_and_the_range(name, value):
    with pytest.raises(ValueError, match=name):
        Config(**{name: value})


def test_setting_a_field_validates():
    c = Config()
    with pytest.raises(ValueError, match=r"step_size_G must be a number in \(0, 10\]"):
        c.step_size_G = 0
    assert c.step_size_G == 0.01
    c.GRADIENT_CLIP = None
    assert c.GRADIENT_CLIP is None


def test_unknown_field_is_refused():
    with pytest.raises(ValueError, match="unknown"):
        Config().replace(step_size=1)
    with pytest.raises(AttributeError, match="unknown"):
        Config().stepsize = 1


def test_round_trip_through_dict():
    c = gan_core.recommended()
    assert Config.from_dict(c.to_dict()) == c


def test_unknown_recipe():
    with pytest.raises(ValueError, match="recipe must be one of 'book', 'recommended'"):
        gan_core.Trainer(recipe="fast")


@pytest.mark.parametrize("name,value", [
    ("ITER_NUM", 10**400), ("step_size_G", 10**400), ("G_HIDDEN", (10**400,)), ("batch_size", True),
    ("Z_DIM", 2.5), ("ema", float("inf")), ("optimizer", ["adam"]), ("WEIGHT_CLIP", "0.1"),
    ("adam_beta1", 1.0), ("leaky_slope", -0.1), ("X_DIM", 0), ("D_HIDDEN", ()),
])
def test_bad_values_are_refused_with_the_parameter_and_range(name, value):
    with pytest.raises(ValueError, match=name) as info:
        gan_core.Config(**{name: value})
    assert "must" in str(info.value)


def test_integral_floats_are_read_as_integers():
    assert gan_core.Config(Z_DIM=3.0, batch_size=64.0).batch_size == 64


def test_networks_that_would_need_gigabytes_are_refused_before_allocating():
    with pytest.raises(ValueError, match=r"G_HIDDEN=\(4096, 4096, 4096\).*parameters"):
        gan_core.Trainer(recipe="book", G_HIDDEN=(4096, 4096, 4096))
    assert gan_core.recommended().parameter_count() < 20_000


# --------------------------------------------------------------------------- dtype
def test_dtype_is_float64_unless_asked_and_only_float64_or_float32():
    from gan_core.config import ARCHITECTURE_FIELDS, DTYPES, LIVE_FIELDS
    assert Config().dtype == gan_core.book().dtype == "float64" and DTYPES == ("float64", "float32")
    assert Config(dtype="float32").dtype == "float32"
    for bad in ("float16", "Float32", "f4", 32, None, ["float32"], True):
        with pytest.raises(ValueError, match=r"^dtype must be one of 'float64', 'float32', got "):
            Config(dtype=bad)
    c = Config()
    with pytest.raises(ValueError, match="dtype must be one of"):
        c.dtype = "int8"
    assert c.dtype == "float64"
    # it fixes the networks, like the widths: not a live field
    assert "dtype" in ARCHITECTURE_FIELDS and "dtype" not in LIVE_FIELDS
    assert Config(dtype="float32").architecture()["dtype"] == "float32"


def test_a_config_dict_without_dtype_is_float64_and_dtype_round_trips():
    d = Config(dtype="float32").to_dict()
    assert d["dtype"] == "float32" and Config.from_dict(d).dtype == "float32"
    del d["dtype"]  # a config written before dtype existed
    assert Config.from_dict(d).dtype == "float64"


def test_the_size_refusal_counts_the_dtypes_bytes():
    with pytest.raises(ValueError, match=r"GiB with gradients and optimizer state in float32"):
        Config(G_HIDDEN=(4096,) * 3, dtype="float32").check_size()
