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
    """Settings that learn the whole distribution: at n = 1000 its samples are
    indistinguishable from real data by MMD2 and close to it by the 1-NN test.

    * ``Z_DIM = 5``: real signals have 3 free parameters (x0, freq, mult), so
      the noise needs at least 3 dimensions; a little more makes the map
      from noise to signal easier to learn.
    * G with two layers of 32 units, D with two layers of 80 and LeakyReLU
      slope 0.1: a discriminator that sees finer differences than G can make
      pushes G onto the sine family itself. Widths stay below 96 on purpose:
      with batch 64, wider products make OpenBLAS start worker threads, which
      were 4-9x slower on a shared 2-core machine. ``Trainer.train`` also keeps
      BLAS to one thread (``gan_core._blas``), so a busy machine cannot slow
      these products down.
    * Mini-batches of 64: each step's gradient averages 64 samples, which
      makes D's verdicts far less noisy than one sample at a time.
    * Adam (beta1 = 0.5, as in DCGAN) at 2e-3 for both nets: per-parameter
      step sizes cope with gradients of very different scales.
    * No gradient or weight clipping: Adam already bounds each step, and the
      clips were the chapter's guard against its own unstable updates.
    * Step sizes decayed linearly to 0 over 20,000 iterations: the game's
      oscillations shrink with the step, so the end of training settles
      instead of orbiting. 16,000 iterations left the valid share below 0.95.
    * Generator weights averaged for sampling (bias-corrected EMA, decay
      0.9995, about the last 2,000 iterations): averaging along the orbit lands
      nearer its centre than any single iterate.

    Measured (``bench/bench_recommended.py``, seeds 0-2, n = 1000): the README's
    benchmark table. Median 1-NN 0.543 in 0.74 of the time the chapter's
    code takes for its 50,000 iterations (median; every seed faster), though on
    a heavily loaded machine one seed was once slower than the chapter's run. Cheaper settings tried on the same
    seeds (median 1-NN, valid): D 64x64 (0.562, 0.943); one hidden layer of 128
    or 192 (0.610, 0.594); D 96x32 (0.566); 16,000 iterations (0.550, valid
    0.935); 14,000 at step 3e-3 (0.557); 10,000-12,000 (0.567-0.589); batch 32
    (0.557). Each step's cost is mostly the 64 x 80 x 80 products and the
    elementwise work on 64 x 80 arrays, so fewer iterations was the only lever
    left, and it cost quality.

    ``dtype="float32"`` was tried too, and is not taken. float32 moves half the
    bytes of float64 and fits twice as many numbers in a SIMD register (it is
    what deep-learning frameworks use by default); the book's gradient checks
    need float64. Interleaved in one process a step cost 564 us in float32
    against 792 us in float64 (median of 12 rounds of 2,000 iterations), and
    ``bench/bench_recommended.py --dtype float32`` trained in 11.6 s against the
    chapter's 23.0 s (median, 1.98x, on a busy machine), with median 1-NN
    0.535. But a float32 run follows another orbit of the game, and seed 2's
    valid share fell to 0.942 (float64: 0.952), below the 0.95 bar. Over seeds 0-5 the two are alike
    (valid 0.941-0.975 in float32, 0.943-0.974 in float64; median 1-NN 0.536
    and 0.541): the valid bar is marginal for both, and seed 2 falls on the
    wrong side of it in float32. Longer float32 schedules did not lift it:
    on seeds 0-2, 22,000 iterations gave valid 0.905-0.988 (1-NN 0.544-0.584)
    and 24,000 gave 0.926-0.968 (1-NN 0.538-0.559). ``Trainer(recipe="recommended",
    dtype="float32")`` trains it that way; notebook 06's short test bed does.
    """
    return Config(
        Z_DIM=5, G_HIDDEN=(32, 32), D_HIDDEN=(80, 80), leaky_slope=0.1,
        step_size_G=2e-3, step_size_D=2e-3, GRADIENT_CLIP=None, WEIGHT_CLIP=None,
        ITER_NUM=20000, batch_size=64, optimizer="adam", adam_beta1=0.5, adam_beta2=0.999,
        lr_decay="linear", ema=0.9995, dtype="float64",
    )


RECIPES = {"book": book, "recommended": recommended}


def get_recipe(name):
    """The ``Config`` of recipe ``name`` (``"book"`` or ``"recommended"``)."""
    if name not in RECIPES:
        raise ValueError(f"recipe must be one of {', '.join(map(repr, RECIPES))}, got {name!r}")
    return RECIPES[name]()
