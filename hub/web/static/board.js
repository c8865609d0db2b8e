// Live board: tiles updated from server-sent events; elapsed time ticks locally, but only
// while the hub vouches for it: not for a seat without heartbeat, not while the hub or its
// database is unreachable (the timers stop and the tiles grey until every tile is re-sent).
"use strict";
(() => {
  const board = document.getElementById("board");
  if (!board) return;
  const status = document.getElementById("live-status");
  let target = Number(board.dataset.target) || 300;
  // Elapsed seconds as of the moment each tile's figure arrived (monotonic clock).
  const base = new Map();
  const now = () => performance.now() / 1000;
  // False while the stream is down or the hub reports a database outage.
  let live = true;

  function format(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function tone(state, elapsed) {
    if (state === "idle") return "normal";
    if (elapsed > 2 * target) return "red";
    if (elapsed > target) return "amber";
    return "normal";
  }

  function label(tile) {
    if (tile.stale) return board.dataset.labelStale;
    return board.dataset["label" + tile.state.charAt(0).toUpperCase() + tile.state.slice(1)] ||
      board.dataset["label_" + tile.state] || tile.state;
  }

  function setField(element, name, value) {
    const field = element.querySelector(`[data-field="${name}"]`);
    if (field && field.textContent !== String(value)) field.textContent = String(value);
  }

  function paint(element) {
    const state = element.dataset.state;
    const known = base.get(element.id);
    const stale = element.dataset.stale === "true";
    const ticking = live && !stale && known && !known.frozen;
    const elapsed = known ? known.elapsed + (ticking ? now() - known.at : 0) : Number(element.dataset.elapsed) || 0;
    const toneNow = stale ? "normal" : tone(state, elapsed);
    const help = element.querySelector("form.help");
    const asking = help && help.dataset.help !== "0" && !help.hidden;
    element.className = `tile state-${state} tone-${toneNow}${stale ? " stale" : ""}${live ? "" : " unknown"}${asking ? " needs-help" : ""}`;
    element.dataset.ticking = ticking ? "true" : "false";
    setField(element, "elapsed", state === "idle" ? "" : format(elapsed));
    const inState = known && known.inState !== null ? known.inState + (ticking ? now() - known.at : 0) : null;
    setField(element, "in_state", inState === null ? "–" : format(inState));
  }

  function inStateOf(value) {
    return value === null || value === undefined || value === "" ? null : Number(value);
  }

  function update(tile) {
    const element = document.getElementById(`seat-${tile.id}`);
    if (!element) {
      window.location.reload(); // a seat was added to the team
      return;
    }
    element.dataset.state = tile.state;
    element.dataset.stale = tile.stale ? "true" : "false";
    element.dataset.seq = String(tile.seq);
    base.set(element.id, { elapsed: Number(tile.elapsed) || 0, inState: inStateOf(tile.in_state), at: now() });
    const detail = element.querySelector("[data-detail]");
    // Rendered and escaped by the hub's own template.
    if (detail && detail.innerHTML !== tile.detail) detail.innerHTML = tile.detail;
    setField(element, "state", label(tile));
    setField(element, "scenario", tile.scenario || board.dataset.labelNone);
    for (const name of ["steps_done", "steps_total", "mandatory_done", "mandatory_total", "banned"]) {
      setField(element, name, tile[name]);
    }
    element.querySelector(".banned")?.classList.toggle("has-banned", Number(tile.banned) > 0);
    const help = element.querySelector("form.help");
    if (help) {
      const id = String(tile.help_id || 0);
      if (help.dataset.help !== id) {
        help.dataset.help = id;
        help.action = `/board/help/${id}/answer`;
        help.hidden = id === "0";
        help.reset();
      }
      setField(help, "help_scenario", tile.help_scenario || "");
      setField(help, "help_step", tile.help_step || "");
    }
    paint(element);
  }

  // The state strip: seats per state, a silent seat counted as offline.
  function recount() {
    const counts = { in_call: 0, after_call: 0, idle: 0, offline: 0 };
    for (const element of board.querySelectorAll(".tile")) {
      const key = element.dataset.stale === "true" ? "offline" : element.dataset.state;
      if (key in counts) counts[key] += 1;
    }
    for (const [key, value] of Object.entries(counts)) {
      const field = document.querySelector(`#state-strip [data-count="${key}"]`);
      if (field && field.textContent !== String(value)) field.textContent = String(value);
    }
  }

  for (const element of board.querySelectorAll(".tile")) {
    const field = element.querySelector('[data-field="in_state"]');
    base.set(element.id, { elapsed: Number(element.dataset.elapsed) || 0,
      inState: inStateOf(field && field.dataset.inState), at: now() });
  }

  function showStatus(kind) {
    status.textContent = status.dataset[kind];
    status.className = `live-status ${kind}`;
    board.dataset.live = kind;
  }

  // Stop every timer where it stands; the next "tiles" of each seat restarts it.
  function freeze() {
    for (const element of board.querySelectorAll(".tile")) {
      const known = base.get(element.id);
      if (known && !known.frozen) {
        const stale = element.dataset.stale === "true";
        const gone = live && !stale ? now() - known.at : 0;
        base.set(element.id, { elapsed: known.elapsed + gone,
          inState: known.inState === null ? null : known.inState + gone, at: now(), frozen: true });
      }
    }
    live = false;
    board.querySelectorAll(".tile").forEach(paint);
  }

  function connect() {
    const source = new EventSource("/board/events");
    source.addEventListener("tiles", (event) => {
      const data = JSON.parse(event.data);
      target = Number(data.target) || target;
      live = true;
      for (const tile of data.tiles) update(tile);
      recount();
      board.dataset.updates = String((Number(board.dataset.updates) || 0) + 1);
    });
    source.addEventListener("alerts", (event) => {
      const list = document.getElementById("alert-list");
      // Rendered and escaped by the hub's own template.
      if (list) list.innerHTML = JSON.parse(event.data).html;
      board.dataset.alertUpdates = String((Number(board.dataset.alertUpdates) || 0) + 1);
    });
    source.addEventListener("open", () => showStatus("connected"));
    source.addEventListener("outage", () => {
      freeze();
      showStatus("outage");
    });
    source.addEventListener("restored", () => showStatus("connected")); // every tile follows
    source.addEventListener("ended", () => {
      source.close();
      window.location.reload(); // the session ended: the sign-in page
    });
    source.addEventListener("error", () => {
      freeze();
      showStatus("lost");
      if (source.readyState === EventSource.CLOSED) {
        // The hub answered with an error (its database is away, or the session ended):
        // the page itself shows which, and retries.
        window.setTimeout(() => window.location.reload(), 3000);
      }
    });
  }
  connect();
  window.setInterval(() => {
    board.querySelectorAll(".tile").forEach(paint);
    board.dataset.ticks = String((Number(board.dataset.ticks) || 0) + 1);
  }, 1000);
})();
