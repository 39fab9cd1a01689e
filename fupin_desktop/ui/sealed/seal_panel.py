"""The 电子印章 box of the 报送 page: who holds the seal and its certificate's fingerprint,
生成印章 and 导出证书 for the reviewer, the visible seal image (载入印章图样 for the admin).
A user without a seal of their own (clerk, admin) sees the bureau's holders and fingerprints."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fupin_desktop.services.context import ServiceContext
from fupin_desktop.services.permissions import Permission
from fupin_desktop.services.seal import (
    BureauSeal,
    SealInfo,
    bureau_seals,
    current_seal,
    export_certificate,
    init_seal,
    seal_image,
    set_seal_image,
)
from fupin_desktop.services.settings import bureau
from fupin_desktop.ui.common import file_dialogs
from fupin_desktop.ui.common.operations import inform, run_op
from fupin_desktop.ui.common.widgets import ERROR_COLOR, button, open_dialog
from fupin_desktop.ui.sealed.seal_dialogs import NewSealDialog

PREVIEW_SIZE = 112
PLACEHOLDER_TEXT = "样章（仅供测试）"
NOT_HOLDER = "电子印章由审核人持有并保管口令，生成印章和导出证书由审核人办理。"


def fingerprint_lines(fingerprint: str, per_line: int = 8) -> str:
    """“7AA4 B4A0 …” in two lines of eight groups, as on the paper register."""
    groups = fingerprint.split()
    return "\n".join(" ".join(groups[n:n + per_line]) for n in range(0, len(groups), per_line))


def holders_text(seals: list[BureauSeal]) -> tuple[str, str]:
    """(who holds the bureau's seal, their fingerprints) for a user without a seal of their own."""
    if not seals:
        return "本单位尚未生成电子印章。", ""
    who = "、".join(f"{s.holder_name}（生成于 {s.created_at:%Y-%m-%d}）" for s in seals)
    prints = (fingerprint_lines(seals[0].fingerprint) if len(seals) == 1
              else "\n".join(f"{s.holder_name}：\n{fingerprint_lines(s.fingerprint)}" for s in seals))
    return f"本单位持章人：{who}\n证书指纹：", prints


def mono_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setFamilies(["Consolas", "DejaVu Sans Mono", "Liberation Mono", "monospace", *base.families()])
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


class SealPanel(QGroupBox):
    changed = Signal()  # the seal was (re)read: whether there is one may have changed

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__("电子印章", parent)
        self.ctx = ctx
        self.can_hold = ctx.can(Permission.HOLD_SEAL)
        self.can_set_image = ctx.can(Permission.SET_SEAL_IMAGE)
        self.seal: SealInfo | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.fingerprint = QLabel()
        self.fingerprint.setFont(mono_font(self.font()))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setStyleSheet("background: #f5f5f5; padding: 4px; border: 1px solid #ddd;")
        self.create_button = button("生成印章", self.create_seal, "为本单位生成电子印章密钥，由审核人持有并设口令")
        self.export_button = button("导出证书", self.export, "把印章证书（.pem）和指纹登记单（.pdf）写到文件夹，"
                                                            "登记单打印盖章后交接收单位")
        actions = QHBoxLayout()
        actions.addWidget(self.create_button)
        actions.addWidget(self.export_button)
        actions.addStretch(1)
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("border: 1px solid #ddd; background: white;")
        self.placeholder_label = QLabel(PLACEHOLDER_TEXT)
        self.placeholder_label.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.image_note = QLabel()
        self.image_note.setWordWrap(True)
        self.image_note.setStyleSheet("color: #555;")
        self.image_button = button("载入印章图样", self.load_image, "载入本单位公章的扫描图（PNG，透明或白色背景）")
        self.image_button.setVisible(self.can_set_image)
        side = QVBoxLayout()
        side.addWidget(QLabel("印章图样"))
        side.addWidget(self.placeholder_label)
        side.addWidget(self.image_note)
        side.addStretch(1)
        side.addWidget(self.image_button, 0, Qt.AlignmentFlag.AlignLeft)
        image_row = QHBoxLayout()
        image_row.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        image_row.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.fingerprint)
        layout.addLayout(actions)
        layout.addSpacing(6)
        layout.addLayout(image_row)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.seal = current_seal(self.ctx) if self.can_hold else None
        if self.seal is not None:
            self.status.setText(f"持章人：{self.ctx.user.display_name}　生成于 {self.seal.created_at:%Y-%m-%d}\n证书指纹：")
            self.fingerprint.setText(fingerprint_lines(self.seal.fingerprint))
        else:
            who, fingerprints = holders_text(bureau_seals(self.ctx))
            lead = "尚未生成电子印章。生成后才能盖章报送。" if self.can_hold else NOT_HOLDER
            self.status.setText(f"{lead}\n{who}")
            self.fingerprint.setText(fingerprints)
        self.fingerprint.setVisible(bool(self.fingerprint.text()))
        self.create_button.setVisible(self.can_hold and self.seal is None)
        self.export_button.setVisible(self.can_hold)
        self.export_button.setEnabled(self.seal is not None)
        png, placeholder = seal_image(self.ctx)
        pixmap = QPixmap()
        pixmap.loadFromData(png)
        self.preview.setPixmap(pixmap.scaled(PREVIEW_SIZE - 8, PREVIEW_SIZE - 8, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))
        self.placeholder_label.setVisible(placeholder)
        self.image_note.setText("尚未载入本单位的印章图样，报表上盖的是样章。" if placeholder
                                else "报表上盖的是本单位载入的印章图样。")
        self.changed.emit()

    # --- the reviewer ---------------------------------------------------------------------------------
    def create_seal(self) -> NewSealDialog:
        def make(passphrase: str) -> bool:
            return run_op(self, lambda: init_seal(self.ctx, passphrase), lambda info: (
                self.refresh(), inform(self, "电子印章已生成", f"证书指纹：\n{fingerprint_lines(info.fingerprint)}\n\n"
                                       "请点“导出证书”，把证书和指纹登记单交接收单位登记。")))

        dialog = NewSealDialog(make, self)
        open_dialog(dialog)
        return dialog

    def export(self) -> None:
        folder = file_dialogs.choose_folder(self, "seal_certificate", "把印章证书导出到哪个文件夹")
        if folder:
            self.export_to(folder)

    def export_to(self, folder: Path) -> tuple[Path, Path, str] | None:
        name = f"{bureau(self.ctx.db).name}印章证书.pem"
        written: list[tuple[Path, Path, str]] = []

        def done(result: tuple[Path, Path, str]) -> None:
            pem, sheet, fingerprint = result
            written.append(result)
            inform(self, "证书已导出", f"证书：{pem}\n指纹登记单：{sheet}\n\n证书指纹：\n{fingerprint_lines(fingerprint)}\n\n"
                                    f"请打印“{sheet.name}”，加盖实物公章后连同证书文件交接收单位（上级民政部门）；"
                                    "对方登记证书时逐组核对指纹。")

        run_op(self, lambda: export_certificate(self.ctx, Path(folder) / name), done)
        return written[0] if written else None

    # --- the admin ---------------------------------------------------------------------------------------
    def load_image(self) -> None:
        path = file_dialogs.open_file(self, "seal_image", "选择本单位公章的扫描图", "PNG 图片 (*.png)")
        if path:
            self.load_image_from(path)

    def load_image_from(self, path: Path) -> bool:
        def done(note: str | None) -> None:
            self.refresh()
            inform(self, "印章图样已载入", note or "以后盖章报送的报表都使用这枚印章图样。")

        return run_op(self, lambda: set_seal_image(self.ctx, path), done)
