"""The team's settings page: target handle time, alert thresholds and call-score weights.

Every value is ``hub.team_settings.TeamSettings``; the form is checked by that model,
a refused value is named in words beside its field, and a save goes through
``team_settings.save`` (audited as ``team.settings``, shown on the audit page).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from annotated_types import Ge, Le
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ValidationError
from starlette.responses import RedirectResponse, Response

from hub import team_settings
from hub.live import SEAT_CHANNEL
from hub.team_settings import TeamSettings
from hub.web.deps import SignedInLead, check_csrf, pool_of
from hub.web.templating import gettext, render

router = APIRouter()

#: The longest value a field takes (anything longer is refused before it is parsed).
MAX_VALUE = 32


def _(message: str) -> str:
    """Marks a string for extraction; translated where it is shown."""
    return message


@dataclass(frozen=True)
class Field:
    name: str  # dotted path in TeamSettings
    label: str
    kind: str  # "int", "float" or "bool"
    group: str


FIELDS = (
    Field("target_handle_s", _("Target handle time (seconds)"), "int", _("Handle time")),
    Field("alerts.over_target_factor", _("Alert when a call lasts this many times the target"), "float", _("Alerts")),
    Field("alerts.silent_seat_s", _("Alert when a signed-in seat sends nothing for (seconds)"), "int", _("Alerts")),
    Field("alerts.banned_phrase", _("Alert on a banned phrase, typed or said"), "bool", _("Alerts")),
    Field("alerts.mandatory_skipped", _("Alert when a call is wrapped up with a mandatory step not done"), "bool",
          _("Alerts")),
    Field("score.mandatory_missed", _("Points off per mandatory step not done"), "float", _("Call score")),
    Field("score.banned_typed", _("Points off per banned phrase typed"), "float", _("Call score")),
    Field("score.banned_spoken", _("Points off per banned phrase said"), "float", _("Call score")),
    Field("score.no_skip_reason", _("Points off per skipped step without a reason"), "float", _("Call score")),
    Field("score.over_target", _("Points off for a call past the alert factor"), "float", _("Call score")),
    Field("score.long_wrapup", _("Points off for a long wrap-up"), "float", _("Call score")),
    Field("score.long_wrapup_s", _("A wrap-up is long past (seconds)"), "int", _("Call score")),
)


def _model_field(name: str) -> Any:
    model: type[BaseModel] = TeamSettings
    *parents, leaf = name.split(".")
    for part in parents:
        model = model.model_fields[part].annotation  # type: ignore[assignment]  # nested settings models
    return model.model_fields[leaf]


def bounds(name: str) -> tuple[Any, Any]:
    """The field's least and greatest value, as the model declares them."""
    low = high = None
    for item in _model_field(name).metadata:
        if isinstance(item, Ge):
            low = item.ge
        elif isinstance(item, Le):
            high = item.le
    return low, high


def _flat(settings: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in flat.items():
        node = out
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _message(request: Request, field: Field, error: dict[str, Any]) -> str:
    low, high = bounds(field.name)
    kind = error.get("type", "")
    if kind in ("greater_than_equal", "less_than_equal", "finite_number") and low is not None and high is not None:
        return gettext(request, "enter a number from %(low)s to %(high)s") % {"low": low, "high": high}
    if field.kind == "int":
        return gettext(request, "enter a whole number")
    return gettext(request, "enter a number")


def _page(request: Request, values: dict[str, Any], errors: dict[str, str], *, saved: bool = False,
          status_code: int = 200) -> Response:
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in FIELDS:
        groups.setdefault(f.group, []).append({"name": f.name, "label": f.label, "kind": f.kind,
                                               "bounds": bounds(f.name), "value": values.get(f.name),
                                               "error": errors.get(f.name, "")})
    return render(request, "settings.html", {"groups": list(groups.items()), "saved": saved, "errors": errors},
                  status_code=status_code)


@router.get("/settings")
async def settings_page(request: Request, lead: SignedInLead, saved: str = "") -> Response:
    async with pool_of(request).connection() as conn:
        current = await team_settings.load(conn, lead.team_id)
    return _page(request, _flat(current.model_dump()), {}, saved=saved == "1")


@router.post("/settings", dependencies=[Depends(check_csrf)])
async def save_settings(request: Request, lead: SignedInLead) -> Response:
    """Check every value with the team settings model; save (audited) only when all are right."""
    form = await request.form()
    submitted: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        raw = form.get(field.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if field.kind == "bool":
            submitted[field.name] = text in ("1", "on", "true")
        elif not text:
            errors[field.name] = gettext(request, "enter a value")
            submitted[field.name] = ""
        elif len(text) > MAX_VALUE:
            errors[field.name] = _message(request, field, {})
            submitted[field.name] = text[:MAX_VALUE]
        else:
            submitted[field.name] = text
    if not errors:
        try:
            new = TeamSettings.model_validate(_nested(submitted))
        except ValidationError as exc:
            by_name = {f.name: f for f in FIELDS}
            for error in exc.errors():
                name = ".".join(str(part) for part in error["loc"])
                if name in by_name:
                    errors.setdefault(name, _message(request, by_name[name], dict(error)))
        else:
            async with pool_of(request).connection() as conn:
                changed = await team_settings.save(conn, lead.team_id, new, actor=f"lead:{lead.name}")
                if changed:  # the boards of the team colour against the new target at once
                    await conn.execute("SELECT pg_notify(%s, %s)",
                                       (SEAT_CHANNEL, json.dumps({"team_id": lead.team_id, "settings": True})))
            return RedirectResponse("/settings?saved=1", status_code=303)
    return _page(request, submitted, errors, status_code=400)
