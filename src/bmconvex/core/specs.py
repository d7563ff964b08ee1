"""Typed, validated configuration: JSON Schema per section, then frozen dataclasses.

Each experiment's section of ``config.yaml`` is checked against ``workflow/schemas/<section>.schema.yaml``
(integers must be written as integers: ``6.0`` is refused, as it would fail inside a job) and built
into the experiment's spec dataclass, whose ``check`` method applies the cross-field rules. The
first error raised names the key and how to fix it, before any job runs.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from pathlib import Path

import jsonschema
import yaml


class ConfigError(ValueError):
    """A configuration value that cannot run; the message names the key."""


class FigureGrid:
    """For a spec with a grid ``n``: Fig. 2 is drawn at the largest n (150 in the paper), Fig. 4 at the others."""

    n: tuple[int, ...]

    @property
    def fig2_n(self) -> int:
        return max(self.n)

    @property
    def fig4_ns(self) -> list[int]:
        return sorted(n for n in self.n if n != self.fig2_n)


def _is_integer(checker, instance) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


STRICT = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)


def key_path(section: str, path) -> str:
    """'spiral.gd.lr', 'spiral.n[1]': where an error lies, as a user would write it."""
    out = section
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate(section: str, values, schema_file: Path) -> None:
    """Raise ConfigError naming the first offending key (not the schema dump)."""
    schema = yaml.safe_load(schema_file.read_text())
    error = jsonschema.exceptions.best_match(STRICT(schema).iter_errors(values))
    if error is not None:
        raise ConfigError(message(key_path(section, error.absolute_path), error))


def message(where: str, error: jsonschema.ValidationError) -> str:
    """One line: the key, what is wrong and, where it is known, the fix."""
    if error.validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        key = next(k for k in error.instance if k not in known)
        return f"{where}.{key}: unknown key; {suggest(key, known)}"
    if error.validator == "required":
        key = next(k for k in error.validator_value if k not in error.instance)
        return f"{where}.{key}: missing; every key of config.yaml is required"
    fix = error.schema.get("description", "")
    wanted = error.validator_value if error.validator == "type" else ()
    if "integer" in wanted and isinstance(error.instance, float) and error.instance.is_integer():
        fix = f"write {int(error.instance)}: a whole number with a decimal point is not an integer"
    elif "number" in wanted and isinstance(error.instance, str) and _is_number(error.instance):
        fix = "YAML reads a number without a dot, or an exponent without a sign, as a string: write e.g. 1.0e-3"
    return f"{where}: {error.message}" + (f" ({fix})" if fix else "")


def suggest(key: str, known) -> str:
    """'did you mean X?' for a misspelt key, else the keys that exist."""
    close = difflib.get_close_matches(key, known, n=1)
    return f"did you mean {close[0]}?" if close else f"choose from {', '.join(known)}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def build(cls, values):
    """The dataclass ``cls`` from a validated dict: lists become tuples, nested sections dataclasses."""
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _convert(hints[f.name], values[f.name]) for f in dataclasses.fields(cls)})


def _convert(hint, value):
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return build(hint, value)
    if origin is tuple:
        return tuple(_convert(args[0], v) for v in value)
    if origin is dict:
        return {k: _convert(args[1], v) for k, v in value.items()}
    if origin in (typing.Union, types.UnionType) and value is not None:
        return _convert(next(a for a in args if a is not type(None)), value)
    return float(value) if hint is float else value
