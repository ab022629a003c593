"""Check functions for the notebooks' exercises, one module per notebook.

Each ``check_*`` function takes the reader's answer, compares it with the
right one computed by ``gan_core`` and prints (and returns) a verdict, so a
reader knows at once whether the answer is right. Whatever it is handed (a
string where a number belongs, ``None``, NaN, a wrong shape, a function that
raises or returns junk) it prints one line, ``Correct: ...`` or ``Not yet: ...
(hint)``, and never raises nor prints the answer back (see ``_verdict``).
``solution_*`` functions are reference solutions the notebooks can check.
"""
