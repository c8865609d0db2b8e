"""Packs for the lead's team: upload (YAML folder or Excel 话术库), check, diff, publish, roll back.

An upload becomes a *draft* in the database (``pack_drafts``) with its check
report, so any ``serve`` process can show and publish it. Publishing goes
through the hub's own ``hub.admin.publish_packs``: the same checks as
``seatside packs check``, a new version, the centre's Ed25519 signature, the
audit entry and the NOTIFY that wakes the seats.
"""

from __future__ import annotations

import json
import tempfile
from functools import lru_cache
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import psycopg
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from psycopg.types.json import Jsonb
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from desktop.core.packs.banned import builtin_banned
from desktop.core.packs.importer import import_table
from desktop.core.packs.loader import ID_RE, MAX_PACK_BYTES, load_packs
from desktop.core.packs.packset import PackChange, diff, snapshot
from hub.admin import DropsNotConfirmed, bundle_files, set_scenarios
from hub.errors import HubError
from hub.web.deps import (
    Lead,
    SignedInLead,
    check_csrf,
    fetch_all,
    fetch_one,
    pool_of,
    settings_of,
)
from hub.web.templating import gettext, render

router = APIRouter()

MAX_FILES = 200
PACK_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".xlsx", ".csv")
DRAFT_HOURS = 24


def _base_name(filename: str) -> str:
    """The file's own name from a browser's path (folder uploads send ``folder/x.yaml``)."""
    return PureWindowsPath(PurePosixPath(filename).name).name.strip()


def check_files(files: dict[str, str]) -> tuple[list[str], list[str], dict[str, Any]]:
    """(errors, warnings, snapshot) of a set of pack files, checked as ``seatside packs check`` does."""
    with tempfile.TemporaryDirectory(prefix="seatside-pack-") as folder:
        root = Path(folder)
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        result = load_packs([root], banned=builtin_banned())
        prefix = str(root) + "/"
        errors = [str(p).replace(prefix, "") for p in result.problems if p.severity == "error"]
        warnings = [str(p).replace(prefix, "") for p in result.problems if p.severity != "error"]
        return errors, warnings, snapshot(result.library)


@lru_cache(maxsize=32)
def _bundle_snapshot(bundle: bytes) -> dict[str, Any]:
    return check_files(bundle_files(bundle))[2]


def bundle_phrases(bundle: bytes) -> list[dict[str, str]]:
    """Every phrase of a published bundle: id, scenario name, step title, text."""
    phrases = []
    for scenario in _bundle_snapshot(bytes(bundle)).values():
        for step in scenario["steps"].values():
            for phrase_id, text in step["phrases"].items():
                phrases.append({"id": phrase_id, "scenario": scenario["name"], "step": step["title"], "text": text})
    return phrases


def changes_between(old_bundle: bytes | None, new_snapshot: dict[str, Any]) -> list[PackChange]:
    return diff(_bundle_snapshot(bytes(old_bundle)) if old_bundle else {}, new_snapshot)


def _scenario_ids(text: str) -> list[str]:
    """The scenario ids a pack file defines or retires ([] when it does not parse)."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return []
    items = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [str(item["id"]) for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


def merge_sets(current: dict[str, str], upload: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The team set with the upload merged in by scenario id, and the ids it replaces.

    An uploaded file replaces the current file of the same name and every scenario
    of the same id elsewhere; a current file left with some of its scenarios is
    written again without the replaced ones; everything else stays as it was."""
    import yaml

    incoming = {sid for text in upload.values() for sid in _scenario_ids(text)}
    merged: dict[str, str] = {}
    replaced: set[str] = set()
    for name, text in current.items():
        ids = _scenario_ids(text)
        if name in upload:
            replaced.update(ids)
            continue
        overlap = incoming & set(ids)
        if not overlap:
            merged[name] = text
            continue
        replaced.update(overlap)
        data = yaml.safe_load(text)
        kept = [item for item in data["scenarios"] if not (isinstance(item, dict) and item.get("id") in overlap)]
        if kept:
            data["scenarios"] = kept
            merged[name] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    merged.update(upload)
    return merged, sorted(replaced)


def _set_picture(files: dict[str, str]) -> dict[str, Any]:
    """A team set as the diff sees it: each scenario's steps and phrases, and which it retires."""
    picture = dict(_files_snapshot(json.dumps(files, sort_keys=True)))
    for sid, name in set_scenarios(files).items():
        if sid not in picture:
            picture[sid] = {"name": name, "retired": True, "steps": {}}
    return picture


@lru_cache(maxsize=32)
def _files_snapshot(files_json: str) -> dict[str, Any]:
    return check_files(json.loads(files_json))[2]


def side_by_side(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Per scenario, the steps and phrases that differ: old and new text next to each other."""
    blocks: list[dict[str, Any]] = []
    for sid in [*new, *(sid for sid in old if sid not in new)]:
        before, after = old.get(sid), new.get(sid)
        if before is not None and after is not None and before.get("retired") == after.get("retired") and \
                before["name"] == after["name"] and before["steps"] == after["steps"]:
            continue
        if after is None:
            kind = "removed"
        elif after.get("retired"):
            kind = "retired"
        elif before is None or before.get("retired"):
            kind = "added"
        else:
            kind = "edited"
        rows: list[dict[str, Any]] = []
        steps_before = (before or {}).get("steps", {})
        steps_after = (after or {}).get("steps", {})
        for step_id in [*steps_after, *(s for s in steps_before if s not in steps_after)]:
            sb, sa = steps_before.get(step_id), steps_after.get(step_id)
            title = (sa or sb or {}).get("title", step_id)
            if sb is not None and sa is not None and sb["title"] != sa["title"]:
                rows.append({"step": title, "phrase": "", "old": sb["title"], "new": sa["title"], "kind": "edited"})
            pb, pa = (sb or {}).get("phrases", {}), (sa or {}).get("phrases", {})
            for pid in [*pa, *(p for p in pb if p not in pa)]:
                text_before, text_after = pb.get(pid), pa.get(pid)
                if text_before == text_after:
                    continue
                row_kind = "added" if text_before is None else "removed" if text_after is None else "edited"
                rows.append({"step": title, "phrase": pid, "old": text_before, "new": text_after, "kind": row_kind})
        name = (after or before or {}).get("name", sid)
        old_name = (before or {}).get("name", name)
        blocks.append({"id": sid, "name": name, "old_name": old_name, "kind": kind, "rows": rows})
    return blocks


def compare_sets(old_files: dict[str, str] | None, new_files: dict[str, str]) -> dict[str, Any]:
    """What the seats will see change: the side-by-side diff and the scenarios left out."""
    old = _set_picture(old_files) if old_files else {}
    new = _set_picture(new_files)
    dropped = {sid: old[sid]["name"] for sid in old if sid not in new}
    return {"blocks": side_by_side(old, new), "dropped": dropped}


async def _read_upload(uploads: list[UploadFile]) -> tuple[dict[str, str], list[str], list[str], str]:
    """(pack files, report lines, ignored names, source label) of an upload."""
    uploads = [u for u in uploads if u.filename]
    if not uploads:
        raise HTTPException(400, "choose a folder of .yaml packs or an Excel/CSV 话术库")
    tables = [u for u in uploads if _base_name(u.filename or "").lower().endswith(TABLE_SUFFIXES)]
    if tables:
        if len(uploads) != 1:
            raise HTTPException(400, "upload one 话术库 spreadsheet at a time, without pack files")
        upload = tables[0]
        name = _base_name(upload.filename or "table.xlsx")
        raw = await upload.read()
        with tempfile.TemporaryDirectory(prefix="seatside-import-") as folder:
            path = Path(folder) / name
            path.write_bytes(raw)
            result = await run_in_threadpool(import_table, path)
            return dict(result.files), result.report_lines(name), [], name
    files: dict[str, str] = {}
    report: list[str] = []
    ignored: list[str] = []
    if len(uploads) > MAX_FILES:
        raise HTTPException(400, f"at most {MAX_FILES} files in one upload")
    for upload in uploads:
        name = _base_name(upload.filename or "")
        if not name.lower().endswith(PACK_SUFFIXES) or name.startswith("."):
            ignored.append(name)
            continue
        raw = await upload.read(MAX_PACK_BYTES + 1)
        if len(raw) > MAX_PACK_BYTES:
            report.append(f"{name}:1: the file is too large (limit {MAX_PACK_BYTES} bytes)")
            continue
        if name in files:
            report.append(f"{name}:1: two uploaded files have this name")
            continue
        try:
            files[name] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.append(f"{name}:1: the file is not UTF-8 text; save it as UTF-8")
    if not files and not report:
        raise HTTPException(400, "the upload holds no .yaml pack files")
    return files, report, ignored, f"{len(files)} .yaml"


async def _latest(request: Request, team_id: int) -> dict[str, Any] | None:
    return await fetch_one(
        request,
        "SELECT version, bundle, note, published_by, created_at, rolled_back_from FROM packs"
        " WHERE team_id = %s ORDER BY version DESC LIMIT 1",
        (team_id,),
    )


@router.get("/packs")
async def packs_page(request: Request, lead: SignedInLead) -> Response:
    versions = await fetch_all(
        request,
        "SELECT version, note, published_by, created_at, files, scenarios, rolled_back_from, key_fingerprint"
        " FROM packs WHERE team_id = %s ORDER BY version DESC LIMIT 50",
        (lead.team_id,),
    )
    seats = await fetch_all(
        request,
        """
        SELECT se.id, se.name, spv.version, spv.reported_at, spv.synced_at, st.received_at AS last_heartbeat,
               se.revoked_at, spv.refused_version, spv.refused_kind, spv.refused_reason, spv.refused_at
          FROM seats se
          LEFT JOIN seat_pack_versions spv ON spv.seat_id = se.id
          LEFT JOIN seat_state st ON st.seat_id = se.id
         WHERE se.team_id = %s
         ORDER BY se.name
        """,
        (lead.team_id,),
    )
    latest = versions[0]["version"] if versions else None
    return render(request, "packs.html", {"versions": versions, "seats": seats, "latest": latest})


@router.post("/packs/upload", dependencies=[Depends(check_csrf)])
async def upload_packs(request: Request, lead: SignedInLead) -> Response:
    form = await request.form()
    uploads = [value for value in form.getlist("files") if isinstance(value, UploadFile)]
    files, report, ignored, source = await _read_upload(uploads)
    return await _new_draft(request, lead, form, files, report, ignored, source)


async def _new_draft(request: Request, lead: Lead, form: Any, files: dict[str, str], report: list[str],
                     ignored: list[str], source: str) -> Response:
    """Check ``files`` (merged into the team's newest set unless ``mode=replace``) and keep them as a draft."""
    errors: list[str] = []
    warnings: list[str] = []
    if files:
        errors, warnings, _ = await run_in_threadpool(check_files, files)
    blocking = [line for line in report if "warning:" not in line and "(row skipped)" not in line]
    ok = bool(files) and not errors and not blocking
    replaced: list[str] = []
    merged_into = None
    if files and form.get("mode") != "replace":
        latest = await _latest(request, lead.team_id)
        if latest is not None:
            files, replaced = merge_sets(bundle_files(bytes(latest["bundle"])), files)
            merged_into = latest["version"]
            if ok:
                errors, warnings, _ = await run_in_threadpool(check_files, files)
                ok = not errors
    async with pool_of(request).connection() as conn:
        await conn.execute("DELETE FROM pack_drafts WHERE created_at < now() - make_interval(hours => %s)",
                           (DRAFT_HOURS,))
        row = await (await conn.execute(
            "INSERT INTO pack_drafts (team_id, lead_id, source, files, report, ok) VALUES (%s, %s, %s, %s, %s, %s)"
            " RETURNING id",
            (lead.team_id, lead.id, source, Jsonb(files),
             Jsonb({"import": report, "errors": errors, "warnings": warnings, "ignored": ignored,
                    "merged_into": merged_into, "replaced": replaced}), ok),
        )).fetchone()
    assert row is not None
    return RedirectResponse(f"/packs/drafts/{row[0]}", status_code=303)


RETIRED_FILE = """\
pack:
  name: {name}
scenarios:
{items}"""


@router.post("/packs/retire", dependencies=[Depends(check_csrf)])
async def retire_scenarios(request: Request, lead: SignedInLead) -> Response:
    """A draft of the team set with the named scenarios retired (taken off every seat)."""
    form = await request.form()
    ids = [part for part in str(form.get("ids", "")).replace(",", " ").replace("，", " ").split() if part]
    bad = [sid for sid in ids if not ID_RE.match(sid) or len(sid) > 100]
    if not ids or bad:
        raise HTTPException(400, "name the scenarios to retire by their ids (lowercase letters, digits, dashes)")
    files = {f"retired-{sid}.yaml": RETIRED_FILE.format(name=json.dumps(sid), items=f"  - id: {sid}\n    retired: true\n")
             for sid in dict.fromkeys(ids)}
    return await _new_draft(request, lead, {"mode": "merge"}, files, [], [], gettext(request, "Retire %(ids)s")
                            % {"ids": ", ".join(ids)})


async def _draft(request: Request, lead: Lead, draft_id: int) -> dict[str, Any]:
    draft = await fetch_one(
        request,
        "SELECT id, source, files, report, ok, created_at FROM pack_drafts WHERE id = %s AND team_id = %s",
        (draft_id, lead.team_id),
    )
    if draft is None:
        raise HTTPException(404)
    return draft


@router.get("/packs/drafts/{draft_id}")
async def draft_page(request: Request, lead: SignedInLead, draft_id: int) -> Response:
    draft = await _draft(request, lead, draft_id)
    latest = await _latest(request, lead.team_id)
    changes: list[PackChange] = []
    compared: dict[str, Any] = {"blocks": [], "dropped": {}}
    if draft["files"]:
        _, _, new_snapshot = await run_in_threadpool(check_files, draft["files"])
        changes = await run_in_threadpool(changes_between, bytes(latest["bundle"]) if latest else None, new_snapshot)
        compared = await run_in_threadpool(compare_sets, bundle_files(bytes(latest["bundle"])) if latest else None,
                                           draft["files"])
    return render(request, "draft.html", {"draft": draft, "latest": latest, "changes": changes,
                                          "blocks": compared["blocks"], "dropped": compared["dropped"]})


def _publish(url: str, files: dict[str, str], team: str, note: str, key_file: Path, actor: str,
             confirm_drops: list[str] | None = None) -> int:
    from hub.admin import publish_packs

    with tempfile.TemporaryDirectory(prefix="seatside-publish-") as folder:
        for name, text in files.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        with psycopg.connect(url) as conn:
            return publish_packs(conn, Path(folder), team, note, key_file, actor=actor,
                                 confirm_drops=confirm_drops or ()).version


@router.post("/packs/drafts/{draft_id}/publish", dependencies=[Depends(check_csrf)])
async def publish_draft(request: Request, lead: SignedInLead, draft_id: int, note: str = Form("")) -> Response:
    draft = await _draft(request, lead, draft_id)
    if not draft["ok"]:
        raise HTTPException(409, "this upload has errors; fix them and upload again")
    settings = settings_of(request)
    form = await request.form()
    confirmed = [str(value) for value in form.getlist("confirm_drop")]
    try:
        version = await run_in_threadpool(
            _publish, request.app.state.database_url, draft["files"], lead.team_name, note.strip()[:500],
            settings.signing_key_file, f"lead:{lead.name}", confirmed,
        )
    except DropsNotConfirmed as exc:
        names = "、".join(f"{name} ({sid})" for sid, name in exc.dropped.items())
        message = gettext(request, "Not published: this set leaves out %(names)s. Tick each one you mean to "
                                   "remove from the seats, then publish again.") % {"names": names}
        return render(request, "message.html", {"title": gettext(request, "Not published"), "message": message},
                      status_code=409)
    except HubError as exc:
        return render(request, "message.html", {"title": gettext(request, "Not published"), "message": str(exc)},
                      status_code=409)
    async with pool_of(request).connection() as conn:
        await conn.execute("DELETE FROM pack_drafts WHERE id = %s", (draft_id,))
    return RedirectResponse(f"/packs?published={version}", status_code=303)


@router.get("/packs/versions/{version}")
async def version_page(request: Request, lead: SignedInLead, version: int) -> Response:
    rows = await fetch_all(
        request,
        "SELECT version, bundle, note, published_by, created_at, rolled_back_from, files, scenarios"
        " FROM packs WHERE team_id = %s AND version <= %s ORDER BY version DESC LIMIT 2",
        (lead.team_id, version),
    )
    if not rows or rows[0]["version"] != version:
        raise HTTPException(404)
    current = rows[0]
    previous = rows[1] if len(rows) > 1 else None
    new_snapshot = await run_in_threadpool(_bundle_snapshot, bytes(current["bundle"]))
    changes = await run_in_threadpool(changes_between, bytes(previous["bundle"]) if previous else None, new_snapshot)
    compared = await run_in_threadpool(compare_sets, bundle_files(bytes(previous["bundle"])) if previous else None,
                                       bundle_files(bytes(current["bundle"])))
    return render(request, "version.html", {"pack": current, "previous": previous, "changes": changes,
                                            "blocks": compared["blocks"],
                                            "file_names": sorted(bundle_files(bytes(current["bundle"])))})


@router.post("/packs/versions/{version}/rollback", dependencies=[Depends(check_csrf)])
async def rollback(request: Request, lead: SignedInLead, version: int) -> Response:
    """Publish an older version's files again, as a new version (seats never go backwards)."""
    row = await fetch_one(request, "SELECT bundle FROM packs WHERE team_id = %s AND version = %s",
                          (lead.team_id, version))
    if row is None:
        raise HTTPException(404)
    settings = settings_of(request)
    note = gettext(request, "Rolled back to version {version}").format(version=version)
    files = bundle_files(bytes(row["bundle"]))
    latest = await _latest(request, lead.team_id)
    # Rolling back restores the whole earlier set: what it leaves out was confirmed with the button.
    dropped = list((await run_in_threadpool(compare_sets, bundle_files(bytes(latest["bundle"])), files))["dropped"]
                   ) if latest else []
    try:
        new_version = await run_in_threadpool(
            _publish, request.app.state.database_url, files, lead.team_name, note,
            settings.signing_key_file, f"lead:{lead.name}", dropped,
        )
    except HubError as exc:
        return render(request, "message.html", {"title": gettext(request, "Not published"), "message": str(exc)},
                      status_code=409)
    async with pool_of(request).connection() as conn:
        await conn.execute("UPDATE packs SET rolled_back_from = %s WHERE team_id = %s AND version = %s",
                           (version, lead.team_id, new_version))
        await conn.execute(
            "INSERT INTO audit_log (team_id, actor, action, detail) VALUES (%s, %s, 'packs.rollback', %s)",
            (lead.team_id, f"lead:{lead.name}", Jsonb({"to": version, "version": new_version})),
        )
    return RedirectResponse(f"/packs?published={new_version}", status_code=303)
