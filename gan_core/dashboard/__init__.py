"""A live training dashboard: move a control and watch the game change while it trains.

``Dashboard()`` puts GAN Lab's controls around a :class:`gan_core.Trainer` and
draws what the run does, frame by frame::

    from gan_core.dashboard import Dashboard
    dash = Dashboard(recipe="book", seed=0)           # or recipe="chapter", step_size_D=0.05, hide=(...)
    dash                                              # last expression of a cell

One idea per module:

* :mod:`.settings` - the settings' names, presets (``book``, ``recommended``,
  ``chapter``), ranges, and classroom links (``parse_link``, ``make_link``);
* :mod:`.live_run` - :class:`LiveRun`, widget-free: trains a frame, applies a
  setting with its verdict (accepted, refused, restarted), keeps the series;
* :mod:`.figure` - the picture: rendered once, then blitted every frame;
* :mod:`.controls` - the ipywidgets, one per setting;
* :mod:`.readout` - the readout, status line and summary text;
* :mod:`.app` - :class:`Dashboard`, which wires them.

Driving it from code (tests, checked notebook cells): ``dash.step()``,
``dash.set(step_size_D=0.1)`` or ``dash.controls["step_size_D"].value = 0.1``,
``dash.reset()``, ``dash.readout_text``, ``dash.status_text``, ``dash.summary()``,
``dash.share_link``, ``dash.png``, ``dash.timings``.
"""
from .app import Dashboard
from .live_run import LiveRun, Verdict, parse_seed
from .settings import parse_link

__all__ = ["Dashboard", "LiveRun", "Verdict", "parse_seed", "parse_link"]
