"""The project's errors: one root, and every child also inherits the builtin it stands for.

    IncidentMapError
    ├── InputError (ValueError)            a user's file or argument is wrong; the CLI exits 2
    │   └── UnknownTermError               a taxonomy term, precision or status we do not know
    ├── GeocodeError (LookupError)         a place could not be resolved
    │   └── PlaceNotFound                  no gazetteer, GeoNames or online match
    ├── GeocoderServiceError (ConnectionError)   an online geocoder failed
    │   ├── GeocoderTimedOut (TimeoutError)
    │   ├── GeocoderRateLimited
    │   └── GeocoderBadResponse (ValueError)
    └── OutputError (OSError)              an output could not be written
"""

from __future__ import annotations

__all__ = [
    "IncidentMapError",
    "InputError",
    "UnknownTermError",
    "GeocodeError",
    "PlaceNotFound",
    "GeocoderServiceError",
    "GeocoderTimedOut",
    "GeocoderRateLimited",
    "GeocoderBadResponse",
    "OutputError",
]


class IncidentMapError(Exception):
    """Root of every error this project raises on purpose."""


class InputError(IncidentMapError, ValueError):
    """A user's input is wrong; the message names the file, the record and the field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        record: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.record = record
        self.field = field
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """The error as one line: `file: record: field: message`."""
        parts = [" ".join(p.split()) for p in (self.path, self.record, f"field '{self.field}'" if self.field else None)
                 if p]  # a record or field quoted from the input may hold a line break: still one line
        text = " ".join(self.message.split())
        return ": ".join([*parts, text]) if parts else text

    def located(self, *, path: str | None = None, record: str | None = None) -> InputError:
        """A copy of this error with the file and/or record filled in where missing."""
        return type(self)(
            self.message,
            path=self.path or path,
            record=self.record or record,
            field=self.field,
        )


class UnknownTermError(InputError):
    """A vocabulary term (event type, precision, status, qualifier) that we do not know."""


class GeocodeError(IncidentMapError, LookupError):
    """A place text could not be turned into a location."""


class PlaceNotFound(GeocodeError):
    """No backend matched the place text."""


class GeocoderServiceError(IncidentMapError, ConnectionError):
    """An online geocoding service failed."""


class GeocoderTimedOut(GeocoderServiceError, TimeoutError):
    """The online geocoder did not answer in time."""


class GeocoderRateLimited(GeocoderServiceError):
    """The online geocoder refused for rate limiting (HTTP 429) after our retries."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GeocoderBadResponse(GeocoderServiceError, ValueError):
    """The online geocoder answered with something we cannot read."""


class OutputError(IncidentMapError, OSError):
    """An output file could not be written."""


class MissingExtra(IncidentMapError, ImportError):
    """An optional part needs a package that is not installed: the message names the extra to install."""

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(f"{what} needs an optional package: pip install 'incident-mapper[{extra}]'")
