"""Requests as the hub accepts them: shapes, limits and masking.

The call record and the heartbeat are the seat's protocol, defined once in
``desktop.core.hubclient.hub_records`` (limits in ``desktop.core.hubclient.hub_protocol``)
and used from there by the seat and the hub's routers.
Every text a seat sends goes through ``desktop.core.privacy.masking`` again. A record in which
the masker still finds a full card, resident-ID or mobile number is refused as a whole
(HTTP 422) and never stored: the seat should never have kept it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from desktop.core.hubclient.hub_records import Strict, unmasked_fields


class EnrolIn(Strict):
    code: Annotated[str, Field(min_length=4, max_length=64)]

    def unmasked(self) -> list[str]:
        return unmasked_fields(self)


class PacksInstalledIn(Strict):
    version: Annotated[int, Field(ge=0)]


class PacksRefusedIn(Strict):
    """A seat refused a bundle: the version announced and why (masked again on arrival)."""

    version: Annotated[int, Field(ge=1)]
    kind: Literal["signature", "older", "team", "check", "bundle"]
    reason: Annotated[str, Field(max_length=500)] = ""
