# mypy: ignore-errors
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'record_event.ui'
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
    QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

from send_desktop.gui.dates import DateField

class Ui_RecordEventDialog(object):
    def setupUi(self, RecordEventDialog):
        if not RecordEventDialog.objectName():
            RecordEventDialog.setObjectName(u"RecordEventDialog")
        RecordEventDialog.resize(500, 360)
        self.mainLayout = QVBoxLayout(RecordEventDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.caseLabel = QLabel(RecordEventDialog)
        self.caseLabel.setObjectName(u"caseLabel")
        self.caseLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.caseLabel)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.eventLabel = QLabel(RecordEventDialog)
        self.eventLabel.setObjectName(u"eventLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.eventLabel)

        self.eventCombo = QComboBox(RecordEventDialog)
        self.eventCombo.setObjectName(u"eventCombo")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.eventCombo)

        self.dateLabel = QLabel(RecordEventDialog)
        self.dateLabel.setObjectName(u"dateLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.dateLabel)

        self.dateEdit = DateField(RecordEventDialog)
        self.dateEdit.setObjectName(u"dateEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.dateEdit)

        self.outcomeLabel = QLabel(RecordEventDialog)
        self.outcomeLabel.setObjectName(u"outcomeLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.outcomeLabel)

        self.outcomeCombo = QComboBox(RecordEventDialog)
        self.outcomeCombo.setObjectName(u"outcomeCombo")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.outcomeCombo)

        self.detailLabel = QLabel(RecordEventDialog)
        self.detailLabel.setObjectName(u"detailLabel")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.LabelRole, self.detailLabel)

        self.detailEdit = QLineEdit(RecordEventDialog)
        self.detailEdit.setObjectName(u"detailEdit")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.detailEdit)


        self.mainLayout.addLayout(self.formLayout)

        self.explanationLabel = QLabel(RecordEventDialog)
        self.explanationLabel.setObjectName(u"explanationLabel")
        self.explanationLabel.setWordWrap(True)

        self.mainLayout.addWidget(self.explanationLabel)

        self.validationMessage = QLabel(RecordEventDialog)
        self.validationMessage.setObjectName(u"validationMessage")
        self.validationMessage.setWordWrap(True)

        self.mainLayout.addWidget(self.validationMessage)

        self.verticalSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(RecordEventDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel|QDialogButtonBox.StandardButton.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.eventLabel.setBuddy(self.eventCombo)
        self.dateLabel.setBuddy(self.dateEdit)
        self.outcomeLabel.setBuddy(self.outcomeCombo)
        self.detailLabel.setBuddy(self.detailEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.eventCombo, self.dateEdit)
        QWidget.setTabOrder(self.dateEdit, self.outcomeCombo)
        QWidget.setTabOrder(self.outcomeCombo, self.detailEdit)

        self.retranslateUi(RecordEventDialog)

        QMetaObject.connectSlotsByName(RecordEventDialog)
    # setupUi

    def retranslateUi(self, RecordEventDialog):
        RecordEventDialog.setWindowTitle(QCoreApplication.translate("RecordEventDialog", u"Record an event", None))
        self.eventLabel.setText(QCoreApplication.translate("RecordEventDialog", u"&What happened", None))
#if QT_CONFIG(accessibility)
        self.eventCombo.setAccessibleName(QCoreApplication.translate("RecordEventDialog", u"Event to record", None))
#endif // QT_CONFIG(accessibility)
        self.dateLabel.setText(QCoreApplication.translate("RecordEventDialog", u"&Date", None))
#if QT_CONFIG(accessibility)
        self.dateEdit.setAccessibleName(QCoreApplication.translate("RecordEventDialog", u"Date of the event", None))
#endif // QT_CONFIG(accessibility)
        self.outcomeLabel.setText(QCoreApplication.translate("RecordEventDialog", u"&Outcome", None))
#if QT_CONFIG(accessibility)
        self.outcomeCombo.setAccessibleName(QCoreApplication.translate("RecordEventDialog", u"Outcome", None))
#endif // QT_CONFIG(accessibility)
        self.detailLabel.setText(QCoreApplication.translate("RecordEventDialog", u"D&etail", None))
#if QT_CONFIG(accessibility)
        self.detailEdit.setAccessibleName(QCoreApplication.translate("RecordEventDialog", u"Detail", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.explanationLabel.setAccessibleName(QCoreApplication.translate("RecordEventDialog", u"What this step means", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.validationMessage.setAccessibleName(QCoreApplication.translate("RecordEventDialog", u"Problems to fix", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

