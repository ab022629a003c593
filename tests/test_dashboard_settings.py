"""Classroom links: gan_core.dashboard.settings (parse_link, make_link), no widgets."""
import pytest

from gan_core.dashboard.settings import PRESETS, make_link, parse_link, preset_config
from gan_core.errata import ERRATA


def test_the_issue_example_link():
    link = parse_link("?recipe=book&seed=3&step_size_D=0.05&hide=WEIGHT_CLIP,GRADIENT_CLIP")
    assert link.recipe == "book" and link.seed == 3
    assert link.settings == {"step_size_D": 0.05}
    assert link.hide == ("WEIGHT_CLIP", "GRADIENT_CLIP") and link.lock == () and link.problems == ()


def test_every_kind_of_value():
    link = parse_link("GRADIENT_CLIP=off&ema=0.99&G_HIDDEN=16x16&errata=dReLU,D_ascends&optimizer=adam"
                      "&learn=D+only&chunk=1&speed=slow+motion&batch_size=8&lock=step_size_G&Z_DIM=3")
    assert link.problems == ()
    assert link.settings == {"GRADIENT_CLIP": None, "ema": 0.99, "G_HIDDEN": (16, 16),
                             "errata": ("dReLU", "D_ascends"), "optimizer": "adam", "learn": "D only",
                             "chunk": 1, "speed": "slow motion", "batch_size": 8, "Z_DIM": 3}
    assert link.lock == ("step_size_G",)
    assert parse_link("errata=all").settings == {"errata": ERRATA}


@pytest.mark.parametrize("query,word", [
    ("step_size_D=abc", "step_size_D"), ("step_size_D=0", "step_size_D"), ("seed=-1", "seed"),
    ("seed=1.5", "seed"), ("recipe=fancy", "recipe"), ("hide=nothing", "hide"), ("learning_rate=1", "unknown"),
    ("errata=dFoo", "errata"), ("batch_size=0", "batch_size"), ("optimizer=rmsprop", "optimizer"),
    ("G_HIDDEN=axb", "G_HIDDEN"), ("chunk=0", "chunk"), ("learn=E+only", "learn"), ("seed=" + "9" * 400, "seed"),
])
def test_bad_parts_become_messages_and_are_left_out(query, word):
    link = parse_link(query + "&seed=2")
    assert len(link.problems) == 1 and word in link.problems[0] and "default is kept" in link.problems[0]
    assert link.settings == {} and link.recipe is None and link.hide == ()


def test_junk_never_raises():
    for junk in (None, "", "?", "&&&", "=", "%ZZ", "a=b=c", 5):
        parse_link(junk)


def test_make_link_round_trips():
    config = preset_config("book").replace(step_size_D=0.05, GRADIENT_CLIP=None, errata=("dTanh",), Z_DIM=2)
    query = make_link("book", 4, config, {"learn": "G only"}, hide=("WEIGHT_CLIP",), lock=("seed",))
    assert query.startswith("?recipe=book&seed=4")
    link = parse_link(query)
    assert link.problems == ()
    assert link.settings == {"Z_DIM": 2, "step_size_D": 0.05, "GRADIENT_CLIP": None, "errata": ("dTanh",),
                             "learn": "G only"}
    assert link.hide == ("WEIGHT_CLIP",) and link.lock == ("seed",)
    assert make_link("book", 0, preset_config("book")) == "?recipe=book&seed=0"


def test_chapter_preset_turns_every_erratum_on():
    assert "chapter" in PRESETS
    assert preset_config("chapter").errata == ERRATA
    assert preset_config("chapter").replace(errata=()) == preset_config("book")
    link = make_link("chapter", 0, preset_config("chapter").replace(errata=()))
    assert parse_link(link).settings == {"errata": ()}
