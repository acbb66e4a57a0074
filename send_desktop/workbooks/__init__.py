"""Excel workbooks: the supervision export and the tracker import (openpyxl, no Qt)."""
