# mypy: ignore-errors
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'new_request.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDialog,
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QPushButton, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

from send_desktop.gui.dates import DateField

class Ui_NewRequestDialog(object):
    def setupUi(self, NewRequestDialog):
        if not NewRequestDialog.objectName():
            NewRequestDialog.setObjectName(u"NewRequestDialog")
        NewRequestDialog.resize(520, 460)
        self.mainLayout = QVBoxLayout(NewRequestDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.introLabel = QLabel(NewRequestDialog)
        self.introLabel.setObjectName(u"introLabel")
        self.introLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.introLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.firstNameLabel = QLabel(NewRequestDialog)
        self.firstNameLabel.setObjectName(u"firstNameLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.firstNameLabel)

        self.firstNameEdit = QLineEdit(NewRequestDialog)
        self.firstNameEdit.setObjectName(u"firstNameEdit")
        self.firstNameEdit.setMaxLength(100)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.firstNameEdit)

        self.lastNameLabel = QLabel(NewRequestDialog)
        self.lastNameLabel.setObjectName(u"lastNameLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.lastNameLabel)

        self.lastNameEdit = QLineEdit(NewRequestDialog)
        self.lastNameEdit.setObjectName(u"lastNameEdit")
        self.lastNameEdit.setMaxLength(100)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.lastNameEdit)

        self.dateOfBirthLabel = QLabel(NewRequestDialog)
        self.dateOfBirthLabel.setObjectName(u"dateOfBirthLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.dateOfBirthLabel)

        self.dateOfBirthEdit = DateField(NewRequestDialog)
        self.dateOfBirthEdit.setObjectName(u"dateOfBirthEdit")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.dateOfBirthEdit)

        self.upnLabel = QLabel(NewRequestDialog)
        self.upnLabel.setObjectName(u"upnLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.upnLabel)

        self.upnEdit = QLineEdit(NewRequestDialog)
        self.upnEdit.setObjectName(u"upnEdit")
        self.upnEdit.setMaxLength(13)

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.upnEdit)

        self.receivedLabel = QLabel(NewRequestDialog)
        self.receivedLabel.setObjectName(u"receivedLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.receivedLabel)

        self.receivedEdit = DateField(NewRequestDialog)
        self.receivedEdit.setObjectName(u"receivedEdit")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.receivedEdit)

        self.channelLabel = QLabel(NewRequestDialog)
        self.channelLabel.setObjectName(u"channelLabel")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.channelLabel)

        self.channelCombo = QComboBox(NewRequestDialog)
        self.channelCombo.setObjectName(u"channelCombo")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.channelCombo)

        self.sourceLabel = QLabel(NewRequestDialog)
        self.sourceLabel.setObjectName(u"sourceLabel")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.LabelRole, self.sourceLabel)

        self.sourceCombo = QComboBox(NewRequestDialog)
        self.sourceCombo.setObjectName(u"sourceCombo")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.sourceCombo)

        self.caseworkerLabel = QLabel(NewRequestDialog)
        self.caseworkerLabel.setObjectName(u"caseworkerLabel")

        self.formLayout.setWidget(7, QFormLayout.ItemRole.LabelRole, self.caseworkerLabel)

        self.caseworkerRow = QHBoxLayout()
        self.caseworkerRow.setObjectName(u"caseworkerRow")
        self.caseworkerCombo = QComboBox(NewRequestDialog)
        self.caseworkerCombo.setObjectName(u"caseworkerCombo")
        self.caseworkerCombo.setEditable(True)
        self.caseworkerCombo.setInsertPolicy(QComboBox.NoInsert)
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.caseworkerCombo.sizePolicy().hasHeightForWidth())
        self.caseworkerCombo.setSizePolicy(sizePolicy)

        self.caseworkerRow.addWidget(self.caseworkerCombo)

        self.addCaseworkerButton = QPushButton(NewRequestDialog)
        self.addCaseworkerButton.setObjectName(u"addCaseworkerButton")

        self.caseworkerRow.addWidget(self.addCaseworkerButton)


        self.formLayout.setLayout(7, QFormLayout.ItemRole.FieldRole, self.caseworkerRow)


        self.mainLayout.addLayout(self.formLayout)

        self.duplicateWarning = QLabel(NewRequestDialog)
        self.duplicateWarning.setObjectName(u"duplicateWarning")
        self.duplicateWarning.setWordWrap(True)

        self.mainLayout.addWidget(self.duplicateWarning)

        self.closureWarning = QLabel(NewRequestDialog)
        self.closureWarning.setObjectName(u"closureWarning")
        self.closureWarning.setWordWrap(True)

        self.mainLayout.addWidget(self.closureWarning)

        self.validationMessage = QLabel(NewRequestDialog)
        self.validationMessage.setObjectName(u"validationMessage")
        self.validationMessage.setWordWrap(True)

        self.mainLayout.addWidget(self.validationMessage)

        self.verticalSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(NewRequestDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.firstNameLabel.setBuddy(self.firstNameEdit)
        self.lastNameLabel.setBuddy(self.lastNameEdit)
        self.dateOfBirthLabel.setBuddy(self.dateOfBirthEdit)
        self.upnLabel.setBuddy(self.upnEdit)
        self.receivedLabel.setBuddy(self.receivedEdit)
        self.channelLabel.setBuddy(self.channelCombo)
        self.sourceLabel.setBuddy(self.sourceCombo)
        self.caseworkerLabel.setBuddy(self.caseworkerCombo)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.firstNameEdit, self.lastNameEdit)
        QWidget.setTabOrder(self.lastNameEdit, self.dateOfBirthEdit)
        QWidget.setTabOrder(self.dateOfBirthEdit, self.upnEdit)
        QWidget.setTabOrder(self.upnEdit, self.receivedEdit)
        QWidget.setTabOrder(self.receivedEdit, self.channelCombo)
        QWidget.setTabOrder(self.channelCombo, self.sourceCombo)
        QWidget.setTabOrder(self.sourceCombo, self.caseworkerCombo)
        QWidget.setTabOrder(self.caseworkerCombo, self.addCaseworkerButton)

        self.retranslateUi(NewRequestDialog)

        QMetaObject.connectSlotsByName(NewRequestDialog)
    # setupUi

    def retranslateUi(self, NewRequestDialog):
        NewRequestDialog.setWindowTitle(QCoreApplication.translate("NewRequestDialog", u"New request for an EHC needs assessment", None))
        self.introLabel.setText(QCoreApplication.translate("NewRequestDialog", u"The date the request was received starts the 20-week clock (CFA s.36, reg 5).", None))
        self.firstNameLabel.setText(QCoreApplication.translate("NewRequestDialog", u"&First name", None))
#if QT_CONFIG(accessibility)
        self.firstNameEdit.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Child's first name", None))
#endif // QT_CONFIG(accessibility)
        self.lastNameLabel.setText(QCoreApplication.translate("NewRequestDialog", u"&Last name", None))
#if QT_CONFIG(accessibility)
        self.lastNameEdit.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Child's last name", None))
#endif // QT_CONFIG(accessibility)
        self.dateOfBirthLabel.setText(QCoreApplication.translate("NewRequestDialog", u"Date of &birth", None))
#if QT_CONFIG(accessibility)
        self.dateOfBirthEdit.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Child's date of birth", None))
#endif // QT_CONFIG(accessibility)
        self.upnLabel.setText(QCoreApplication.translate("NewRequestDialog", u"&UPN (optional)", None))
#if QT_CONFIG(accessibility)
        self.upnEdit.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Unique pupil number", None))
#endif // QT_CONFIG(accessibility)
        self.upnEdit.setPlaceholderText(QCoreApplication.translate("NewRequestDialog", u"13 characters, e.g. A123456789012", None))
        self.receivedLabel.setText(QCoreApplication.translate("NewRequestDialog", u"Request &received", None))
#if QT_CONFIG(accessibility)
        self.receivedEdit.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Date the request was received", None))
#endif // QT_CONFIG(accessibility)
        self.channelLabel.setText(QCoreApplication.translate("NewRequestDialog", u"Recei&ved by", None))
#if QT_CONFIG(accessibility)
        self.channelCombo.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"How the request was received", None))
#endif // QT_CONFIG(accessibility)
        self.sourceLabel.setText(QCoreApplication.translate("NewRequestDialog", u"Requested b&y", None))
#if QT_CONFIG(accessibility)
        self.sourceCombo.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Who made the request", None))
#endif // QT_CONFIG(accessibility)
        self.caseworkerLabel.setText(QCoreApplication.translate("NewRequestDialog", u"&Caseworker", None))
#if QT_CONFIG(accessibility)
        self.caseworkerCombo.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Caseworker responsible", None))
#endif // QT_CONFIG(accessibility)
        self.addCaseworkerButton.setText(QCoreApplication.translate("NewRequestDialog", u"&Add caseworker...", None))
#if QT_CONFIG(accessibility)
        self.addCaseworkerButton.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Add a new caseworker to the team's list", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.duplicateWarning.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Possible duplicate warning", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.closureWarning.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"School closure warning", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.validationMessage.setAccessibleName(QCoreApplication.translate("NewRequestDialog", u"Problems to fix", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

