# mypy: ignore-errors
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'first_run.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QFormLayout, QGroupBox, QLabel, QLineEdit,
    QRadioButton, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_FirstRunDialog(object):
    def setupUi(self, FirstRunDialog):
        if not FirstRunDialog.objectName():
            FirstRunDialog.setObjectName(u"FirstRunDialog")
        FirstRunDialog.resize(520, 360)
        self.mainLayout = QVBoxLayout(FirstRunDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.welcomeLabel = QLabel(FirstRunDialog)
        self.welcomeLabel.setObjectName(u"welcomeLabel")
        self.welcomeLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.welcomeLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.nameLabel = QLabel(FirstRunDialog)
        self.nameLabel.setObjectName(u"nameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(FirstRunDialog)
        self.nameEdit.setObjectName(u"nameEdit")
        self.nameEdit.setMaxLength(100)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.startGroup = QGroupBox(FirstRunDialog)
        self.startGroup.setObjectName(u"startGroup")
        self.startLayout = QVBoxLayout(self.startGroup)
        self.startLayout.setObjectName(u"startLayout")
        self.demoRadio = QRadioButton(self.startGroup)
        self.demoRadio.setObjectName(u"demoRadio")
        self.demoRadio.setChecked(True)

        self.startLayout.addWidget(self.demoRadio)

        self.importRadio = QRadioButton(self.startGroup)
        self.importRadio.setObjectName(u"importRadio")

        self.startLayout.addWidget(self.importRadio)

        self.emptyRadio = QRadioButton(self.startGroup)
        self.emptyRadio.setObjectName(u"emptyRadio")

        self.startLayout.addWidget(self.emptyRadio)


        self.mainLayout.addWidget(self.startGroup)

        self.validationMessage = QLabel(FirstRunDialog)
        self.validationMessage.setObjectName(u"validationMessage")
        self.validationMessage.setWordWrap(True)

        self.mainLayout.addWidget(self.validationMessage)

        self.verticalSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(FirstRunDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nameEdit, self.demoRadio)
        QWidget.setTabOrder(self.demoRadio, self.importRadio)
        QWidget.setTabOrder(self.importRadio, self.emptyRadio)

        self.retranslateUi(FirstRunDialog)

        QMetaObject.connectSlotsByName(FirstRunDialog)
    # setupUi

    def retranslateUi(self, FirstRunDialog):
        FirstRunDialog.setWindowTitle(QCoreApplication.translate("FirstRunDialog", u"Welcome to SEND Desktop", None))
        self.welcomeLabel.setText(QCoreApplication.translate("FirstRunDialog", u"SEND Desktop keeps every EHC needs assessment, plan and annual review in one place and works out each statutory deadline for you. Your name is written in the audit trail next to every change you make.", None))
        self.nameLabel.setText(QCoreApplication.translate("FirstRunDialog", u"Your &name", None))
#if QT_CONFIG(accessibility)
        self.nameEdit.setAccessibleName(QCoreApplication.translate("FirstRunDialog", u"Your name", None))
#endif // QT_CONFIG(accessibility)
        self.startGroup.setTitle(QCoreApplication.translate("FirstRunDialog", u"How would you like to start?", None))
        self.demoRadio.setText(QCoreApplication.translate("FirstRunDialog", u"&Try it with demo data (made-up children, safe to change)", None))
        self.importRadio.setText(QCoreApplication.translate("FirstRunDialog", u"&Import a tracker spreadsheet (.xlsx)", None))
        self.emptyRadio.setText(QCoreApplication.translate("FirstRunDialog", u"&Start with an empty caseload", None))
    # retranslateUi

