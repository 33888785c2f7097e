"""Fields of the API's input: choices that name the valid values, digits in ASCII only, and short echoes of input."""

import datetime as dt
import difflib
import re

from rest_framework import serializers

ECHO_LIMIT = 40  # characters of a bad value an error quotes back


def echo(value: object) -> str:
    """`value` quoted for an error message, cut to ECHO_LIMIT characters: a 100 KB value is not sent back whole."""
    text = str(value)
    return repr(text if len(text) <= ECHO_LIMIT else f"{text[:ECHO_LIMIT]}…")


class Choice(serializers.ChoiceField):
    """A ChoiceField whose error lists the valid values and quotes only the start of the given one."""

    default_error_messages = {"invalid_choice": "{input} is not a valid choice; {suggestion}choose one of: {choices}."}

    def to_internal_value(self, data):
        if data == "" and self.allow_blank:
            return ""
        try:
            return self.choice_strings_to_values[str(data)]
        except KeyError:
            near = difflib.get_close_matches(str(data)[:ECHO_LIMIT], self.choice_strings_to_values, n=1)
            self.fail(
                "invalid_choice",
                input=echo(data),
                suggestion=f"did you mean {near[0]!r}? " if near else "",
                choices=", ".join(self.choice_strings_to_values),
            )


class AsciiDigits:
    """Refuses text that is not ASCII: Python's int(), Decimal() and Django's date regex (\\d) also read other
    scripts' digits, so `page=` an Arabic-Indic one would be page 1, and a date in those digits a date."""

    invalid_arguments: dict = {}  # what the field's own "invalid" message is formatted with

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid", **self.invalid_arguments)
        return super().to_internal_value(data)


class Integer(AsciiDigits, serializers.IntegerField):
    pass


class Decimal(AsciiDigits, serializers.DecimalField):
    pass


def minimum_amount(*, help_text: str) -> Decimal:
    """An optional non-negative money threshold (min_savings, min_impact), in the stored amounts' precision."""
    # coerce_to_string=False documents a number: the decimal string pattern would also admit "".
    return Decimal(
        max_digits=24, decimal_places=10, min_value=0, required=False, coerce_to_string=False, help_text=help_text
    )


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Date(AsciiDigits, serializers.DateField):
    """A YYYY-MM-DD day; one in that format that the calendar lacks (2026-02-30) is told apart from another format."""

    invalid_arguments = {"format": "YYYY-MM-DD"}
    default_error_messages = {"no_such_day": "{input} is in the right format but is no day of the calendar: {reason}."}

    def to_internal_value(self, data):
        if isinstance(data, str) and ISO_DAY.fullmatch(data):
            try:
                dt.date.fromisoformat(data)
            except ValueError as exc:  # e.g. "day is out of range for month"
                self.fail("no_such_day", input=echo(data), reason=exc)
        return super().to_internal_value(data)
