#!/usr/bin/env python3
"""plot.py — the benchmark plot as a PNG, Python standard library only: a
tiny RGB rasterizer, a 5x7 bitmap font and a zlib PNG encoder.

Grouped bars of time to last row (log scale) per tool: reads per
(latency, N) on top, inserts per latency below.  plot(data, path) takes
bench.py's results JSON.
"""
import math
import struct
import zlib

TOOLS = ["lower bound", "curl floor", "odbc C", "pyodbc", "node seq", "node conc"]
COLORS = [(150, 150, 150), (90, 90, 90), (31, 119, 180), (44, 160, 44), (214, 39, 40), (255, 127, 14)]

_G = {
    "A": "01110 10001 10001 11111 10001 10001 10001", "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110", "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111", "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111", "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110", "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001", "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001", "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110", "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101", "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110", "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110", "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010", "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 10001 01010 00100 00100 00100", "Z": "11111 00001 00010 00100 01000 10000 11111",
    "0": "01110 10001 10011 10101 11001 10001 01110", "1": "00100 01100 00100 00100 00100 00100 01110",
    "2": "01110 10001 00001 00010 00100 01000 11111", "3": "11111 00010 00100 00010 00001 10001 01110",
    "4": "00010 00110 01010 10010 11111 00010 00010", "5": "11111 10000 11110 00001 00001 10001 01110",
    "6": "00110 01000 10000 11110 10001 10001 01110", "7": "11111 00001 00010 00100 01000 01000 01000",
    "8": "01110 10001 10001 01110 10001 10001 01110", "9": "01110 10001 10001 01111 00001 00010 01100",
    ".": "00000 00000 00000 00000 00000 01100 01100", "-": "00000 00000 00000 11111 00000 00000 00000",
    ":": "00000 01100 01100 00000 01100 01100 00000", "/": "00000 00001 00010 00100 01000 10000 00000",
    "(": "00010 00100 01000 01000 01000 00100 00010", ")": "01000 00100 00010 00010 00010 00100 01000",
    "=": "00000 00000 11111 00000 11111 00000 00000", ",": "00000 00000 00000 00000 01100 00100 01000",
    "+": "00000 00100 00100 11111 00100 00100 00000", " ": "00000 00000 00000 00000 00000 00000 00000",
}


class Canvas:
    def __init__(self, w, h, bg=(255, 255, 255)):
        self.w, self.h = w, h
        self.px = bytearray(bytes(bg) * (w * h))

    def rect(self, x0, y0, x1, y1, color):
        x0, x1 = max(0, int(min(x0, x1))), min(self.w, int(max(x0, x1)))
        y0, y1 = max(0, int(min(y0, y1))), min(self.h, int(max(y0, y1)))
        row = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            i = (y * self.w + x0) * 3
            self.px[i:i + len(row)] = row

    def text(self, x, y, s, color=(0, 0, 0), scale=2):
        for ch in s.upper():
            rows = _G.get(ch, _G[" "]).split()
            for r, bits in enumerate(rows):
                for c, b in enumerate(bits):
                    if b == "1":
                        self.rect(x + c * scale, y + r * scale, x + (c + 1) * scale, y + (r + 1) * scale, color)
            x += 6 * scale
        return x

    @staticmethod
    def text_width(s, scale=2):
        return len(s) * 6 * scale

    def png(self, path):
        raw = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3]) for y in range(self.h))

        def chunk(kind, data):
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        with open(path, "wb") as fh:
            fh.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def _short(n):
    return "%dK" % (n // 1000) if n >= 1000 and n % 1000 == 0 else str(n)


def _panel(cv, x0, y0, x1, y1, groups, title):
    """groups: [(label1, label2, {tool: seconds})]; log-scale bars."""
    vals = [v for _, _, d in groups for v in d.values() if v and v > 0]
    if not vals:
        return
    lo = 10 ** math.floor(math.log10(min(vals)))
    hi = 10 ** math.ceil(math.log10(max(vals)))
    if hi <= lo:
        hi = lo * 10

    def y_of(v):
        return y1 - (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (y1 - y0)
    cv.text(x0, y0 - 26, title, scale=2)
    e = math.log10(lo)
    while e <= math.log10(hi) + 1e-9:
        v = 10 ** e
        y = y_of(v)
        cv.rect(x0, y, x1, y + 1, (220, 220, 220))
        lab = ("%gS" % v) if v >= 1 else ("%gMS" % (v * 1000))
        cv.text(x0 - Canvas.text_width(lab, 2) - 6, y - 7, lab, scale=2)
        e += 1
    cv.rect(x0, y0, x0 + 1, y1, (0, 0, 0))
    cv.rect(x0, y1, x1, y1 + 1, (0, 0, 0))
    gw = (x1 - x0) / max(1, len(groups))
    bw = max(2, int(gw * 0.8 / len(TOOLS)))
    for gi, (l1, l2, d) in enumerate(groups):
        gx = x0 + gi * gw + gw * 0.1
        for ti, tool in enumerate(TOOLS):
            v = d.get(tool)
            if v and v > 0:
                cv.rect(gx + ti * bw, y_of(max(v, lo)), gx + (ti + 1) * bw - 1, y1, COLORS[ti])
        cx = x0 + gi * gw + gw / 2
        sc = 2 if Canvas.text_width(max(l1, l2, key=len), 2) < gw - 4 else 1
        cv.text(cx - Canvas.text_width(l1, sc) / 2, y1 + 6, l1, scale=sc)
        cv.text(cx - Canvas.text_width(l2, sc) / 2, y1 + 8 + 8 * sc, l2, scale=sc)


def plot(data, path):
    res = data["results"]

    def cell(kind, n, lat):
        return {r["tool"]: r["t_last_s"] for r in res
                if r["kind"] == kind and r["items"] == n and r["latency_ms"] == lat and r["tool"] in TOOLS}
    reads = [("N=" + _short(n), "%gMS" % lat, cell("read", n, lat))
             for lat in data["latencies"] for n in data["sizes"]]
    writes = [("%d INS" % data["inserts"], "%gMS" % lat, cell("insert", data["inserts"], lat))
              for lat in data["latencies"]] if data.get("inserts") else []
    w = max(900, 100 + 100 * len(reads) + 40)
    h = 560 if not writes else 870
    cv = Canvas(w, h)
    # legend
    x = 100
    for tool, color in zip(TOOLS, COLORS):
        cv.rect(x, 12, x + 14, 26, color)
        x = cv.text(x + 20, 13, tool, scale=2) + 18
    _panel(cv, 100, 90, w - 30, 480, reads, "READS: TIME TO LAST ROW (LOG SCALE)")
    if writes:
        _panel(cv, 100, 590, 100 + max(330, 120 * len(writes)), 800, writes, "INSERTS: TIME TO LAST ROW (LOG)")
    cv.png(path)


if __name__ == "__main__":
    import json
    import sys
    with open(sys.argv[1]) as fh:
        plot(json.load(fh), sys.argv[2])
