#!/usr/bin/env python3
"""Writes an .xlsx of indicator values the way Excel lays one out (a shared-string table, cell
references, a styles part), with the standard library only, for bench/indicators.sh:

    bench/make-xlsx.py OUT.xlsx AREAS.json PERIOD ROWS

ROWS values (the unit column left empty, as the bench indicators' units differ) of the bench indicators (bench-0001, bench-0002, …) for PERIOD, over the areas listed
by GET /api/v1/areas."""
import json
import sys
import zipfile
from xml.sax.saxutils import escape

out, areas_file, period, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
areas = [a["code"] for a in json.load(open(areas_file))["items"]][:100]
strings, index = [], {}


def shared(text):
    if text not in index:
        index[text] = len(strings)
        strings.append(text)
    return index[text]


def column(n):
    name = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


rows = [["chi_tieu", "dia_ban", "ky", "gia_tri", "don_vi", "ghi_chu"]]
for n in range(count):
    rows.append([f"bench-{1 + n // len(areas):04d}", areas[n % len(areas)], period, n % 97 + 0.25, None, "số liệu thử"])
sheet = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
for r, row in enumerate(rows, start=1):
    cells = []
    for c, value in enumerate(row):
        ref = f"{column(c)}{r}"
        if value is None:
            continue
        if isinstance(value, float):
            cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        else:
            cells.append(f'<c r="{ref}" t="s"><v>{shared(value)}</v></c>')
    sheet.append(f'<row r="{r}">{"".join(cells)}</row>')
sheet.append("</sheetData></worksheet>")
sst = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">']
sst += [f"<si><t>{escape(s)}</t></si>" for s in strings]
sst.append("</sst>")
rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
               '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
               '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    z.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{rel}"><sheets><sheet name="Số liệu" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    z.writestr("xl/worksheets/sheet1.xml", "".join(sheet))
    z.writestr("xl/sharedStrings.xml", "".join(sst))
