#!/usr/bin/env python3
"""Writes the .xlsx the tests read as a workbook made by another program than CityIOC
(Tests/CityIOCServerTests/XLSXTests.swift keeps it as base64). Run once at development time
with openpyxl 3.1.5 (MIT, https://openpyxl.readthedocs.io) on the path:

    PYTHONPATH=/path/to/openpyxl python3 scripts/xlsx-fixture.py | base64 -w 100

It has what a clerk's spreadsheet has: shared strings with diacritics and an ampersand, a number
with decimals, a whole number, a period typed as a month (Excel stores a date and shows "Oct-26"),
a date shown as dd/mm/yyyy, an empty row, and a second sheet that must not be read."""
import datetime
import io
import sys

import openpyxl

book = openpyxl.Workbook()
sheet = book.active
sheet.title = "Số liệu"
sheet.append(["chi_tieu", "dia_ban", "ky", "gia_tri", "don_vi", "ghi_chu"])
sheet.append(["nuoc-sach", "22", "2026-10", 96.5, "%", "Sơ bộ & chưa thẩm định"])
sheet.append(["nuoc-sach", "06685", datetime.datetime(2026, 9, 1), 1234, "%", None])
sheet["C3"].number_format = "mmm-yy"
sheet.append([])
sheet.append(["nuoc-sach", "22", datetime.datetime(2026, 11, 5), 0.1, "%", "ngày <5>"])
sheet["C5"].number_format = "dd/mm/yyyy"
other = book.create_sheet("Ghi chú")
other.append(["không đọc trang này"])
out = io.BytesIO()
book.save(out)
sys.stdout.buffer.write(out.getvalue())
