"""Completers that offer what the database holds as a person types: products by SKU or name,
customers by name.

Nothing is read up front: each change of the text asks the database, off the window's thread,
for the first few matches (a catalogue of 200,000 products costs the window nothing), and an
answer to an older text is dropped. The list shows "NW-014 — Tofu"; choosing it fills "NW-014".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QKeyEvent, QStandardItem, QStandardItemModel, QTextCursor
from PySide6.QtWidgets import QAbstractItemView, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from backorder_desktop.domain import browse
from backorder_desktop.ui.workers import in_background

# What a lookup hands back: (the text the list shows, the text the field takes when chosen).
Choice = tuple[str, str]
Lookup = Callable[[str], Sequence[Choice]]
FILLS = Qt.ItemDataRole.UserRole  # the role of an item's text for the field


def products(orderable_only: bool = False) -> Lookup:
    """Products whose SKU or name holds the text: "NW-014 — Tofu", filling "NW-014"."""

    def lookup(text: str) -> list[Choice]:
        found = browse.product_choices(text, orderable_only=orderable_only)
        return [(f"{p.sku} — {p.name}" + (" (discontinued)" if p.discontinued else ""), p.sku) for p in found]

    return lookup


def customers(text: str) -> list[Choice]:
    """Customers that orders name, holding the text."""
    return [(name, name) for name in browse.customer_choices(text)]


class LookupCompleter(QCompleter):
    """A completer whose choices are read from the database for what is typed, off the window's
    thread; the list shows each choice's text, and choosing one puts its value in the field."""

    def __init__(self, lookup: Lookup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lookup = lookup
        self.choices = QStandardItemModel(self)
        self.setModel(self.choices)
        # The database already chose what matches: the list shows all of it as it is.
        self.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setMaxVisibleItems(12)
        self.asked = 0  # the latest question; answers to older ones are dropped
        self.answered = ""  # the text whose choices the list holds
        self.show_popup: Callable[[], None] = self.complete

    def listed(self) -> QAbstractItemView:
        """The list of choices (Qt makes one when first asked)."""
        popup = self.popup()
        assert popup is not None
        return popup

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        """What choosing INDEX writes in the field: the SKU, not "NW-014 — Tofu"."""
        return str(index.data(FILLS) or "")

    def ask(self, text: str) -> None:
        """Read the choices for TEXT off the window's thread; show them when they come."""
        self.asked += 1
        asked, lookup = self.asked, self.lookup
        wanted = text.strip()
        if not wanted:
            self._show(asked, wanted, [])
            return
        in_background(lambda: list(lookup(wanted)), lambda found: self._show(asked, wanted, found))

    def _show(self, asked: int, text: str, found: list[Choice]) -> None:
        if asked != self.asked:
            return  # the person typed on
        self.answered = text
        self.choices.clear()
        for shown, fills in found:
            item = QStandardItem(shown)
            item.setData(fills, FILLS)
            item.setEditable(False)
            self.choices.appendRow(item)
        if found and typing_in(self.widget()):
            self.show_popup()
        else:
            self.listed().hide()


def typing_in(widget: QWidget | None) -> bool:
    """Whether WIDGET is where the person types in its window (focus within the window, whether
    or not the window is the active one)."""
    return widget is not None and widget.isVisible() and widget.window().focusWidget() is widget


def complete_line_edit(edit: QLineEdit, lookup: Lookup) -> LookupCompleter:
    """Offer LOOKUP's choices under EDIT as the person types."""
    completer = LookupCompleter(lookup, edit)
    edit.setCompleter(completer)

    def show_popup() -> None:  # as wide as its choices, whatever the width of the field
        wanted = completer.listed().sizeHintForColumn(0) + 24
        completer.complete(QRect(0, 0, max(edit.width(), wanted), edit.height()))

    completer.show_popup = show_popup
    edit.textEdited.connect(completer.ask)
    # QLineEdit takes the choice itself only while it holds the focus, and lets go of the
    # completer at any focus out (a popup that takes the focus, on some platforms): said here too.
    completer.activated.connect(edit.setText)
    return completer


class SkuLinesEdit(QPlainTextEdit):
    """Lines of "SKU quantity": while the first word of a line is typed, the products it may be
    are offered; choosing one writes its SKU there."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.completer = LookupCompleter(products(), self)
        self.completer.setWidget(self)
        self.completer.show_popup = self._show_popup
        self.completer.activated.connect(self._chosen)
        self.textChanged.connect(self._typed)
        self._writing = False  # a chosen SKU is being written: no new question for it

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # While the list is open, these keys are the list's (the completer handles them).
        if self.completer.listed().isVisible() and event.key() in (
            Qt.Key.Key_Enter,
            Qt.Key.Key_Return,
            Qt.Key.Key_Escape,
            Qt.Key.Key_Tab,
            Qt.Key.Key_Backtab,
        ):
            event.ignore()
            return
        super().keyPressEvent(event)

    def _sku_typed(self) -> str | None:
        """The start of the current line up to the cursor, while it is still its first word."""
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        if not before.strip() or " " in before.strip() or (before and before[-1].isspace()):
            return None
        return before.strip()

    def _typed(self) -> None:
        if self._writing or not typing_in(self):
            return  # written by the program, not typed
        typed = self._sku_typed()
        if typed is None:
            self.completer.listed().hide()
            return
        self.completer.ask(typed)

    def _show_popup(self) -> None:
        rect = self.cursorRect()
        rect.setWidth(max(320, self.completer.listed().sizeHintForColumn(0) + 24))
        self.completer.complete(rect)

    def _chosen(self, sku: str) -> None:
        """Write SKU in place of the current line's first word, then a space for the quantity."""
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
        text = cursor.block().text()
        start = len(text) - len(text.lstrip())
        first = text.lstrip().split(" ", 1)[0]
        cursor.setPosition(cursor.block().position() + start)
        cursor.setPosition(cursor.position() + len(first), QTextCursor.MoveMode.KeepAnchor)
        rest = text[start + len(first) :]
        self._writing = True
        try:
            cursor.insertText(sku if rest.startswith(" ") else f"{sku} ")
            self.setTextCursor(cursor)
        finally:
            self._writing = False
