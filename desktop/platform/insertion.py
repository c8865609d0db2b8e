"""Focus tracking and text insertion into other programs: interface and fake."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WindowInfo:
    """A top-level window of another program."""

    id: int
    app: str = ""  # X11 WM_CLASS class / Windows executable name, lower case
    title: str = ""
    window_class: str = ""  # Windows: the window class (GetClassName), lower case; X11: in ``app``


class ElevatedTarget(RuntimeError):
    """The focused program runs with higher rights than Seatside (Windows UIPI): keys sent
    to it would be dropped without an error, so nothing is sent."""

    def __init__(self, app: str = ""):
        super().__init__(f"{app or 'the program'} runs as administrator")
        self.app = app


class Inserter(ABC):
    """Knows which window has focus and sends keys to it."""

    name: str = "none"

    @abstractmethod
    def active_window(self) -> WindowInfo | None:
        """The window that has keyboard focus now, if any."""

    @abstractmethod
    def activate(self, window: WindowInfo) -> None:
        """Give focus back to ``window``."""

    @abstractmethod
    def modifiers_down(self) -> bool:
        """True while Ctrl, Alt, Shift or Super is physically held."""

    @abstractmethod
    def send_keys(self, combo: str) -> None:
        """Press and release a combination such as ``ctrl+v`` in the focused window."""

    @abstractmethod
    def type_text(self, text: str) -> None:
        """Type ``text`` (any Unicode) into the focused window."""

    def take_foreground(self, window_id: int) -> None:  # noqa: B027 - optional: X11 lets Qt activate
        """Bring one of Seatside's own windows (the search palette) to the foreground,
        where the OS keeps a program from taking it by itself (Windows' foreground lock)."""

    def close(self) -> None:  # noqa: B027 - optional: most inserters hold nothing to release
        pass


@dataclass
class FakeInserter(Inserter):
    """For tests: a scripted focused window and a log of what was sent."""

    name = "fake"
    window: WindowInfo | None = field(default_factory=lambda: WindowInfo(1, "crm", "CRM"))
    held_modifiers: int = 0  # modifiers_down() is True for this many calls
    keys: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    activated: list[WindowInfo] = field(default_factory=list)
    foregrounded: list[int] = field(default_factory=list)  # our own windows handed the foreground
    refuse: Exception | None = None  # raised by send_keys/type_text (an elevated target…)

    def active_window(self) -> WindowInfo | None:
        return self.window

    def activate(self, window: WindowInfo) -> None:
        self.activated.append(window)
        self.window = window

    def modifiers_down(self) -> bool:
        if self.held_modifiers > 0:
            self.held_modifiers -= 1
            return True
        return False

    def take_foreground(self, window_id: int) -> None:
        self.foregrounded.append(window_id)

    def send_keys(self, combo: str) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.keys.append(combo)

    def type_text(self, text: str) -> None:
        if self.refuse is not None:
            raise self.refuse
        self.typed.append(text)


class NoInserter(Inserter):
    """Where nothing can be sent: copy mode only."""

    name = "none"

    def active_window(self) -> WindowInfo | None:
        return None

    def activate(self, window: WindowInfo) -> None:
        pass

    def modifiers_down(self) -> bool:
        return False

    def send_keys(self, combo: str) -> None:
        raise RuntimeError("this session cannot send keys to other programs")

    def type_text(self, text: str) -> None:
        raise RuntimeError("this session cannot type into other programs")
