# mypy: ignore-errors
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings.ui'
##
## Created by: Qt User Interface Compiler version 6.11.2
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSizePolicy, QSpinBox, QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(640, 460)
        self.mainLayout = QVBoxLayout(SettingsDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.generalGroup = QGroupBox(SettingsDialog)
        self.generalGroup.setObjectName(u"generalGroup")
        self.generalForm = QFormLayout(self.generalGroup)
        self.generalForm.setObjectName(u"generalForm")
        self.generalForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.nameEditLabel = QLabel(self.generalGroup)
        self.nameEditLabel.setObjectName(u"nameEditLabel")

        self.generalForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameEditLabel)

        self.nameEdit = QLineEdit(self.generalGroup)
        self.nameEdit.setObjectName(u"nameEdit")
        self.nameEdit.setMaxLength(100)

        self.generalForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.databaseEditLabel = QLabel(self.generalGroup)
        self.databaseEditLabel.setObjectName(u"databaseEditLabel")

        self.generalForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.databaseEditLabel)

        self.databaseLayout = QHBoxLayout()
        self.databaseLayout.setObjectName(u"databaseLayout")
        self.databaseEdit = QLineEdit(self.generalGroup)
        self.databaseEdit.setObjectName(u"databaseEdit")

        self.databaseLayout.addWidget(self.databaseEdit)

        self.browseButton = QPushButton(self.generalGroup)
        self.browseButton.setObjectName(u"browseButton")

        self.databaseLayout.addWidget(self.browseButton)


        self.generalForm.setLayout(1, QFormLayout.ItemRole.FieldRole, self.databaseLayout)

        self.databaseHint = QLabel(self.generalGroup)
        self.databaseHint.setObjectName(u"databaseHint")
        self.databaseHint.setWordWrap(True)

        self.generalForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.databaseHint)

        self.reminderCheck = QCheckBox(self.generalGroup)
        self.reminderCheck.setObjectName(u"reminderCheck")

        self.generalForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.reminderCheck)

        self.trayCheck = QCheckBox(self.generalGroup)
        self.trayCheck.setObjectName(u"trayCheck")

        self.generalForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.trayCheck)


        self.mainLayout.addWidget(self.generalGroup)

        self.clockGroup = QGroupBox(SettingsDialog)
        self.clockGroup.setObjectName(u"clockGroup")
        self.clockForm = QFormLayout(self.clockGroup)
        self.clockForm.setObjectName(u"clockForm")
        self.clockForm.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.warningSpinLabel = QLabel(self.clockGroup)
        self.warningSpinLabel.setObjectName(u"warningSpinLabel")

        self.clockForm.setWidget(0, QFormLayout.ItemRole.LabelRole, self.warningSpinLabel)

        self.warningSpin = QSpinBox(self.clockGroup)
        self.warningSpin.setObjectName(u"warningSpin")
        self.warningSpin.setMinimum(1)
        self.warningSpin.setMaximum(60)

        self.clockForm.setWidget(0, QFormLayout.ItemRole.FieldRole, self.warningSpin)

        self.weekStartComboLabel = QLabel(self.clockGroup)
        self.weekStartComboLabel.setObjectName(u"weekStartComboLabel")

        self.clockForm.setWidget(1, QFormLayout.ItemRole.LabelRole, self.weekStartComboLabel)

        self.weekStartCombo = QComboBox(self.clockGroup)
        self.weekStartCombo.setObjectName(u"weekStartCombo")

        self.clockForm.setWidget(1, QFormLayout.ItemRole.FieldRole, self.weekStartCombo)

        self.reviewYearComboLabel = QLabel(self.clockGroup)
        self.reviewYearComboLabel.setObjectName(u"reviewYearComboLabel")

        self.clockForm.setWidget(2, QFormLayout.ItemRole.LabelRole, self.reviewYearComboLabel)

        self.reviewYearCombo = QComboBox(self.clockGroup)
        self.reviewYearCombo.setObjectName(u"reviewYearCombo")

        self.clockForm.setWidget(2, QFormLayout.ItemRole.FieldRole, self.reviewYearCombo)

        self.transferComboLabel = QLabel(self.clockGroup)
        self.transferComboLabel.setObjectName(u"transferComboLabel")

        self.clockForm.setWidget(3, QFormLayout.ItemRole.LabelRole, self.transferComboLabel)

        self.transferCombo = QComboBox(self.clockGroup)
        self.transferCombo.setObjectName(u"transferCombo")

        self.clockForm.setWidget(3, QFormLayout.ItemRole.FieldRole, self.transferCombo)

        self.certificateComboLabel = QLabel(self.clockGroup)
        self.certificateComboLabel.setObjectName(u"certificateComboLabel")

        self.clockForm.setWidget(4, QFormLayout.ItemRole.LabelRole, self.certificateComboLabel)

        self.certificateCombo = QComboBox(self.clockGroup)
        self.certificateCombo.setObjectName(u"certificateCombo")

        self.clockForm.setWidget(4, QFormLayout.ItemRole.FieldRole, self.certificateCombo)

        self.under5SpinLabel = QLabel(self.clockGroup)
        self.under5SpinLabel.setObjectName(u"under5SpinLabel")

        self.clockForm.setWidget(5, QFormLayout.ItemRole.LabelRole, self.under5SpinLabel)

        self.under5Spin = QSpinBox(self.clockGroup)
        self.under5Spin.setObjectName(u"under5Spin")
        self.under5Spin.setMinimum(3)
        self.under5Spin.setMaximum(6)

        self.clockForm.setWidget(5, QFormLayout.ItemRole.FieldRole, self.under5Spin)

        self.closuresButton = QPushButton(self.clockGroup)
        self.closuresButton.setObjectName(u"closuresButton")

        self.clockForm.setWidget(6, QFormLayout.ItemRole.FieldRole, self.closuresButton)


        self.mainLayout.addWidget(self.clockGroup)

        self.validationMessage = QLabel(SettingsDialog)
        self.validationMessage.setObjectName(u"validationMessage")
        self.validationMessage.setWordWrap(True)

        self.mainLayout.addWidget(self.validationMessage)

        self.buttonBox = QDialogButtonBox(SettingsDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.nameEditLabel.setBuddy(self.nameEdit)
        self.databaseEditLabel.setBuddy(self.databaseEdit)
        self.warningSpinLabel.setBuddy(self.warningSpin)
        self.weekStartComboLabel.setBuddy(self.weekStartCombo)
        self.reviewYearComboLabel.setBuddy(self.reviewYearCombo)
        self.transferComboLabel.setBuddy(self.transferCombo)
        self.certificateComboLabel.setBuddy(self.certificateCombo)
        self.under5SpinLabel.setBuddy(self.under5Spin)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nameEdit, self.databaseEdit)
        QWidget.setTabOrder(self.databaseEdit, self.browseButton)
        QWidget.setTabOrder(self.browseButton, self.reminderCheck)
        QWidget.setTabOrder(self.reminderCheck, self.trayCheck)
        QWidget.setTabOrder(self.trayCheck, self.warningSpin)
        QWidget.setTabOrder(self.warningSpin, self.weekStartCombo)
        QWidget.setTabOrder(self.weekStartCombo, self.reviewYearCombo)
        QWidget.setTabOrder(self.reviewYearCombo, self.transferCombo)
        QWidget.setTabOrder(self.transferCombo, self.certificateCombo)
        QWidget.setTabOrder(self.certificateCombo, self.under5Spin)

        self.retranslateUi(SettingsDialog)

        QMetaObject.connectSlotsByName(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
        self.generalGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"You and this computer", None))
        self.nameEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"Your &name", None))
#if QT_CONFIG(accessibility)
        self.nameEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Your name", None))
#endif // QT_CONFIG(accessibility)
        self.databaseEditLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Database", None))
#if QT_CONFIG(accessibility)
        self.databaseEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Database location", None))
#endif // QT_CONFIG(accessibility)
        self.databaseEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Default: the SQLite file in your data folder", None))
        self.browseButton.setText(QCoreApplication.translate("SettingsDialog", u"B&rowse...", None))
#if QT_CONFIG(accessibility)
        self.browseButton.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Choose a database file", None))
#endif // QT_CONFIG(accessibility)
        self.databaseHint.setText(QCoreApplication.translate("SettingsDialog", u"A SQLite file path or a PostgreSQL URL for a shared team database. Takes effect the next time SEND Desktop starts.", None))
        self.reminderCheck.setText(QCoreApplication.translate("SettingsDialog", u"Show what is overdue and due today when SEND Desktop starts", None))
        self.trayCheck.setText(QCoreApplication.translate("SettingsDialog", u"Show an icon in the system tray (when the desktop has one)", None))
        self.clockGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"Statutory clock (applies to the whole team's database)", None))
        self.warningSpinLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Warning window", None))
#if QT_CONFIG(accessibility)
        self.warningSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Warning window in working days", None))
#endif // QT_CONFIG(accessibility)
        self.warningSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u" working days", None))
        self.weekStartComboLabel.setText(QCoreApplication.translate("SettingsDialog", u"Wee&k counting", None))
#if QT_CONFIG(accessibility)
        self.weekStartCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Week counting", None))
#endif // QT_CONFIG(accessibility)
        self.reviewYearComboLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Annual review due", None))
#if QT_CONFIG(accessibility)
        self.reviewYearCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Annual review due", None))
#endif // QT_CONFIG(accessibility)
        self.transferComboLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Phase transfer", None))
#if QT_CONFIG(accessibility)
        self.transferCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Phase transfer deadline", None))
#endif // QT_CONFIG(accessibility)
        self.certificateComboLabel.setText(QCoreApplication.translate("SettingsDialog", u"Mediation &certificate", None))
#if QT_CONFIG(accessibility)
        self.certificateCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Mediation certificate counting", None))
#endif // QT_CONFIG(accessibility)
        self.under5SpinLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Under-5s review every", None))
#if QT_CONFIG(accessibility)
        self.under5Spin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Under-5s review interval in months", None))
#endif // QT_CONFIG(accessibility)
        self.under5Spin.setSuffix(QCoreApplication.translate("SettingsDialog", u" months", None))
        self.closuresButton.setText(QCoreApplication.translate("SettingsDialog", u"School c&losures...", None))
#if QT_CONFIG(tooltip)
        self.closuresButton.setToolTip(QCoreApplication.translate("SettingsDialog", u"Holidays of 4 weeks or more: a new request whose advice or consultation weeks fall in one gets a warning", None))
#endif // QT_CONFIG(tooltip)
#if QT_CONFIG(accessibility)
        self.closuresButton.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Edit school closures", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

