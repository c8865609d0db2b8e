"""The suggestion bar: one other scenario offered at a time, with its reason in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from desktop.core.packs.patterns import PatternError, compile_pattern
from desktop.core.privacy.masking import mask_draft
from desktop.models.call_model import CallModel

if TYPE_CHECKING:
    from desktop.models.live_model import LiveModel


def cue_words(cue: str, said: str) -> str:
    """A cue as words for the seat: a pattern with gaps (卡…{8}被吞) becomes what was
    actually said for it (masked), or its words joined by an ellipsis; never its syntax."""
    try:
        pattern = compile_pattern(cue)
    except PatternError:
        return cue
    if not pattern.has_gap:
        return pattern.pieces[0]
    span = pattern.search(said)
    if span is not None:
        return mask_draft(" ".join(said[span[0] : span[1]].split()))
    return "…".join(pattern.pieces)


class SuggestionBar(QWidget):
    """Shows the call model's offer (``scenarioSuggested``), never switching by itself:
    Switch accepts it, Ignore waves it away. Cleared when a call starts or ends."""

    def __init__(self, model: CallModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.live: LiveModel | None = None
        self.label = QLabel()
        self.label.setObjectName("scenarioSuggestion")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.switch = QPushButton(self.tr("Switch"))
        self.dismiss = QPushButton(self.tr("Ignore"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.switch)
        layout.addWidget(self.dismiss)
        self.hide()
        self.switch.clicked.connect(model.accept_suggestion)
        self.dismiss.clicked.connect(model.dismiss_suggestion)
        model.callStateChanged.connect(self.clear)  # a call started or ended: the last offer is gone
        model.scenarioSuggested.connect(self.show_suggestion)
        model.suggestionExplained.connect(self.explain)

    def attach_live(self, live: LiveModel) -> None:
        """Cues are also looked up in what the customer said; a suggestion from speech says so."""
        self.live = live
        self.model.scenarioSuggested.connect(self._said_by_customer)

    def said_so_far(self) -> str:
        """The notes and what the customer said on this call (where a cue is looked up)."""
        call = self.live.call if self.live is not None else None
        heard = call.transcript.customer_text() if call is not None else ""
        return self.model.notes + "\n" + heard

    def clear(self) -> None:
        self.label.clear()
        self.setToolTip("")
        self.hide()

    def show_suggestion(self, scenario_id: str, keyword: str) -> None:
        """One scenario switch at a time, offered, never made by itself; its reason in words."""
        scenario = self.model.library.get(scenario_id) if scenario_id else None
        if scenario is None or not self.model.in_call:
            self.clear()
            return
        words = cue_words(keyword, self.said_so_far())
        self.label.setText(self.tr("The notes mention “%s”: switch to %s?") % (words, scenario.name))
        self.explain()
        self.show()

    def explain(self, *_explanation: str) -> None:
        """The cues behind the offered scenario, in words, as the bar's tooltip; with the
        hotkeys that accept or dismiss it."""
        suggestion = self.model.suggestion
        said = self.said_so_far()
        cues = [cue_words(e.cue, said) for e in suggestion.evidence if not e.negative] if suggestion else []
        keys = self.model.settings.hotkeys()
        lines = [self.tr("Why this scenario: %s") % "、".join(f"“{c}”" for c in dict.fromkeys(cues))] if cues else []
        if keys.get("accept-suggestion") or keys.get("dismiss-suggestion"):
            lines.append(self.tr("Switch: %s · Ignore: %s") % (
                keys.get("accept-suggestion", "").title() or "—", keys.get("dismiss-suggestion", "").title() or "—"))
        self.setToolTip("\n".join(lines))

    def _said_by_customer(self, scenario_id: str, keyword: str) -> None:
        """A suggestion the customer's words made says so (after ``show_suggestion``)."""
        scenario = self.model.library.get(scenario_id) if scenario_id else None
        if scenario is not None and self.live is not None and self.live.speech_suggested == scenario_id \
                and self.model.in_call:
            words = cue_words(keyword, self.said_so_far())
            self.label.setText(self.tr("The customer said “%s”: switch to %s?") % (words, scenario.name))
