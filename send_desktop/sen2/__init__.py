"""The SEN2 person-level return: built from the case store, validated, written for DfE COLLECT.

No Qt here: the CLI (`send-desktop sen2`) and the GUI's SEN2 window both call `build_return`.
The spec this follows (element order, code lists, rules) is shared/domain/sen2-return.md.
"""

from send_desktop.sen2.build import Sen2Result, build_return
from send_desktop.sen2.codes import census_day, upn_check_letter
from send_desktop.sen2.validate import Problem

__all__ = ["Problem", "Sen2Result", "build_return", "census_day", "upn_check_letter"]
