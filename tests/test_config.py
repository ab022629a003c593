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
