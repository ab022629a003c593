"""Shared test set-up: figures render off-screen in the test process."""
import matplotlib

matplotlib.use("Agg")
