"""A stand-in for the CRM: a separate program with one text field that writes
everything it holds to a file, so a test can see what arrived.

Usage: python target_app.py OUTPUT_FILE
"""

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLineEdit


def main() -> int:
    out = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    field = QLineEdit()
    field.setWindowTitle("seatside-test-target")
    field.resize(600, 40)
    field.textChanged.connect(lambda text: out.write_text(text, encoding="utf-8"))
    field.show()
    field.activateWindow()
    field.setFocus()
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
