"""Named sets of hyperparameters: the chapter's ``book`` and our ``recommended``."""
from .config import Config


def book():
    """The chapter's settings, with its gradients corrected.

    One sample a step (``batch_size=1``), plain SGD with ``step_size_G =
    step_size_D = 0.01``, a 1 -> 10 -> 10 -> 10 generator and a 10 -> 10 -> 10 -> 1
    discriminator, gradient clipping at 0.2 (each weight matrix's gradient
    norm), weight clipping at 0.25, 50,000 iterations. It draws sine-like
    curves but cannot learn the whole distribution: with ``Z_DIM = 1`` the
    generator traces a single curve through a 3-parameter family.
    """
    return Config()


def recommended():
    """Settings that learn the whole distribution in a few seconds.

    * ``Z_DIM = 5``: real signals have 3 free parameters (x0, freq, mult), so
      the noise needs at least 3 dimensions; a little more makes the map
      from noise to signal easier to learn.
    * Hidden widths of 32: ten units with weights clipped to 0.25 cannot bend
      tanh outputs far enough; wider layers can.
    * Mini-batches of 64: each step's gradient averages 64 samples, which
      makes D's verdicts far less noisy than one sample at a time and costs
      about the same time per step in NumPy.
    * Adam (beta1 = 0.5, as in DCGAN) at 2e-3 for both nets: per-parameter
      step sizes cope with gradients of very different scales.
    * No gradient or weight clipping: Adam already bounds each step, and the
      clips were the chapter's guard against its own unstable updates.
    * Step sizes decayed linearly to 0: the game's oscillations shrink with
      the step, so the end of training settles instead of orbiting.
    * Generator weights averaged (EMA 0.999) for sampling: averaging along
      the orbit lands nearer its centre than any single iterate.
    """
    return Config(
        Z_DIM=5, G_HIDDEN=(32, 32), D_HIDDEN=(32, 32),
        step_size_G=2e-3, step_size_D=2e-3, GRADIENT_CLIP=None, WEIGHT_CLIP=None,
        ITER_NUM=10000, batch_size=64, optimizer="adam", adam_beta1=0.5, adam_beta2=0.999,
        lr_decay="linear", ema=0.999,
    )


RECIPES = {"book": book, "recommended": recommended}


def get_recipe(name):
    """The ``Config`` of recipe ``name`` (``"book"`` or ``"recommended"``)."""
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(map(repr, RECIPES))}, got {name!r}")
    return RECIPES[name]()
