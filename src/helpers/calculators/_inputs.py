"""What each calculator input is called, what it allows, and the one-line message when a value is not allowed.

Every numeric input is a :class:`Field`, defined once: its Python argument
name, the label of the control a student sees, its unit and its plausible
range.  The widget builds its control from the same field
(:mod:`helpers.calculator_widgets`), and a rejected value raises
:class:`CalculatorInputError`, which carries two versions of one message:

- ``str(error)``, for people calling the function from code, starts with the
  argument and the label: ``"total_dose_gy (Total dose, Gy): ..."``;
- ``error.student``, which the widget shows, starts with the label alone:
  ``"Total dose (Gy): ..."``.

The plausible ranges are input checks (a value outside them is far more
likely a slip of the keyboard or the unit than a real patient's value), not
clinical claims; each is justified where it is defined.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

from helpers.errors import InputError

__all__ = ["CalculatorInputError", "Field", "Choice", "student_message", "number_text", "band", "reached"]


class CalculatorInputError(InputError):
    """An InputError whose message also exists in the words of the control a student sees.

    ``str(error)`` names the Python argument (for code); ``error.student``
    names the control's label and the allowed values (for the widget).
    """

    def __init__(self, message: str, student: str | None = None) -> None:
        super().__init__(message)
        self.student = student if student is not None else message


def student_message(error: InputError) -> str:
    """The message a student should read for ``error``: the control's words, one line."""
    text = getattr(error, "student", None) or str(error)
    return " ".join(text.split())


def number_text(value: float) -> str:
    """A number as a nurse reads it: 200,000; 0.5; 1,000,000; 2.5e-07 stays readable."""
    if value != value or value in (math.inf, -math.inf):  # NaN or infinity
        return str(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


@dataclass(frozen=True)
class Field:
    """One numeric input: Python name, the control's label, unit and plausible range.

    ``low`` and ``high`` bound the plausible values (``low_open``: ``low``
    itself is excluded, "more than 0"); ``whole``: only whole numbers.
    ``label`` is exactly the text of the widget control, unit included.
    """

    name: str
    label: str
    unit: str
    low: float
    high: float
    whole: bool = False
    low_open: bool = False

    # -- words --------------------------------------------------------------

    def quantity(self, value: float) -> str:
        """``value`` with its unit ("4,500 cells/µL", "80 %", "5")."""
        unit = self.unit
        if not unit:
            return number_text(value)
        return f"{number_text(value)}{unit}" if unit == "%" else f"{number_text(value)} {unit}"

    def allowed(self) -> str:
        """The allowed values in words: "a number between 100 and 200,000 cells/µL"."""
        kind = "a whole number" if self.whole else "a number"
        unit = f" {self.unit}" if self.unit and self.unit != "%" else ("%" if self.unit == "%" else "")
        if self.low_open:
            return f"{kind} more than {number_text(self.low)} and up to {number_text(self.high)}{unit}"
        return f"{kind} from {number_text(self.low)} to {number_text(self.high)}{unit}"

    def error(self, problem: str, code_problem: str | None = None) -> CalculatorInputError:
        """An error about this input: ``problem`` in the student's words (and for code, unless ``code_problem``)."""
        code = code_problem if code_problem is not None else problem
        return CalculatorInputError(f"{self.name} ({self.label}): {code}", f"{self.label}: {problem}")

    # -- checks -------------------------------------------------------------

    def number(self, value: Any) -> float:
        """``value`` as a float, or an error: not a number, not finite, not whole, outside the range."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            shown = "nothing" if value is None else ("text" if isinstance(value, str) else type(value).__name__)
            raise self.error(f"enter {self.allowed()}.", f"enter {self.allowed()}; got {shown} ({value!r}).")
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            raise self.error(f"enter {self.allowed()}; {number_text(number)} is not a number you can use.",
                             f"enter {self.allowed()}; got {value!r}.")
        if self.whole and not number.is_integer():
            raise self.error(f"enter {self.allowed()}; {number_text(number)} is not a whole number.")
        if number < 0 and self.low >= 0:
            raise self.error(f"cannot be negative: enter {self.allowed()}; got {number_text(number)}.")
        return number

    def in_range(self, number: float) -> bool:
        above = number > self.low if self.low_open else number >= self.low
        return above and number <= self.high

    def check(self, value: Any, hint: str = "") -> float:
        """:meth:`number`, then the plausible range; ``hint`` (a sentence) is added when out of range."""
        number = self.number(value)
        if not self.in_range(number):
            extra = f" {hint}" if hint else ""
            raise self.error(f"{self.quantity(number)} is outside the plausible range; enter {self.allowed()}.{extra}")
        return number


@dataclass(frozen=True)
class Choice:
    """One input chosen from a list of words (a dropdown in the widget).

    ``words`` are the values the function accepts (case and spaces are
    forgiven); ``shown`` is how the list reads to a student.
    """

    name: str
    label: str
    words: tuple[str, ...]
    shown: str = ""

    def check(self, value: Any) -> str:
        """The normalised word (lower case, spaces and hyphens as "_"), or an error listing the choices."""
        listing = ", ".join(repr(w) for w in self.words)
        shown = self.shown or ", ".join(w.replace("_", " ") for w in self.words)
        if isinstance(value, str):
            word = "_".join(value.strip().lower().replace("-", " ").split())
            if word in self.words:
                return word
        raise CalculatorInputError(f"{self.name} ({self.label}) must be one of {listing}; got {value!r}.",
                                   f"{self.label}: choose one of {shown}; got {value!r}.")


def band(value: float, boundaries: tuple[float, ...]) -> int:
    """How many of the descending ``boundaries`` the value is strictly below."""
    return sum(1 for b in boundaries if value < b)


def reached(value: float, thresholds: tuple[float, ...]) -> int:
    """How many of the ascending ``thresholds`` the value is at or above."""
    return sum(1 for t in thresholds if value >= t)
