"""gan_core: a tiny, correct NumPy GAN that learns to draw sine signals.

The package behind the *GAN Basics* notebook book. Everything the notebooks
compute comes from here; NumPy is the only import-time dependency
(matplotlib and ipywidgets are imported by ``plots`` and ``dashboard`` only).
"""
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Tanh, get_activation
from .config import Config
from .data import SINE_RANGES, sample_sines, sine_signals
from .layers import Dense, uniform_init
from .losses import bce, bce_grad, generator_logit_grad, generator_loss, sigmoid_bce_grad
from .mlp import MLP, Discriminator, Generator
from .recipes import RECIPES, book, recommended
from .trainer import Trainer, train

__version__ = "0.1.0"
