"""Check functions for the notebooks' exercises, one module per notebook.

Each ``check_*`` function takes the reader's answer, compares it with the
right one computed by ``gan_core`` and prints (and returns) a verdict, so a
reader knows at once whether the answer is right.
"""
