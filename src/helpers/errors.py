"""One-line errors for students.

A student who types a wrong value should see one sentence saying what was
wrong and what is allowed, never a Python traceback.  Every error the helpers
raise on purpose derives from :class:`FriendlyError`.  IPython calls
``_render_traceback_`` when such an exception escapes a cell, so the notebook
shows the message alone.
"""

from __future__ import annotations


class FriendlyError(ValueError):
    """A ValueError whose message is complete on its own.

    Subclasses ``ValueError`` so ordinary ``except ValueError`` code and tests
    keep working.  In IPython the traceback is replaced by the message.
    """

    def _render_traceback_(self) -> list[str]:  # IPython hook
        return [f"{type(self).__name__}: {self}"]


class DataError(FriendlyError):
    """A data file is missing or a row breaks its schema.

    The message names the file, the row and the field.
    """


class InputError(FriendlyError):
    """A value given to a calculator or widget is outside what is allowed."""
