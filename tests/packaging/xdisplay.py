"""A throw-away X display for driving the frozen window from outside its process: Xvfb, the
keyboard through XTest, the screen read with XGetImage (libX11 and libXtst through ctypes:
nothing to install beyond what Qt's xcb platform already needs), the windows listed by
xwininfo. Only the tests of the frozen bundle use it: the tests of the source tree drive the
window from inside with pytest-qt."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def missing() -> str | None:
    """Why these tests cannot run here, or None."""
    for tool in ("Xvfb", "xwininfo"):
        if shutil.which(tool) is None:
            return f"needs {tool}"
    for lib in ("X11", "Xtst"):
        if ctypes.util.find_library(lib) is None:
            return f"needs lib{lib}"
    return None


class XImage(ctypes.Structure):
    # The start of Xlib's XImage, as far as a ZPixmap read needs it.
    _fields_ = [
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("xoffset", ctypes.c_int),
        ("format", ctypes.c_int),
        ("data", ctypes.c_void_p),
        ("byte_order", ctypes.c_int),
        ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int),
        ("bitmap_pad", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int),
        ("bits_per_pixel", ctypes.c_int),
    ]


class Display:
    """A client connection to ``name`` (":97")."""

    def __init__(self, name: str) -> None:
        self.name = name
        x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
        xtst = ctypes.CDLL(ctypes.util.find_library("Xtst"))
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XDisplayWidth.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x11.XDisplayHeight.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x11.XGetImage.restype = ctypes.POINTER(XImage)
        x11.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, *[ctypes.c_int] * 2]
        x11.XGetImage.argtypes += [ctypes.c_uint, ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        x11.XDestroyImage = None  # a macro in Xlib; the image's own destroy function is used
        x11.XStringToKeysym.restype = ctypes.c_ulong
        x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        x11.XKeysymToKeycode.restype = ctypes.c_ubyte
        x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int]
        xtst.XTestFakeKeyEvent.argtypes += [ctypes.c_ulong]
        self.x11, self.xtst = x11, xtst
        self.dpy = x11.XOpenDisplay(name.encode())
        if not self.dpy:
            raise RuntimeError(f"cannot open display {name}")

    def close(self) -> None:
        self.x11.XCloseDisplay(self.dpy)

    def type(self, text: str, *then: str) -> None:
        """ASCII letters, digits and spaces (the keymap's plain keys), then keys by keysym
        name ("Return")."""
        for key in [" " if c == " " else c for c in text] + list(then):
            sym = self.x11.XStringToKeysym(b"space" if key == " " else key.encode())
            code = self.x11.XKeysymToKeycode(self.dpy, sym)
            assert code, f"no key for {key!r}"
            self.xtst.XTestFakeKeyEvent(self.dpy, code, 1, 0)
            self.xtst.XTestFakeKeyEvent(self.dpy, code, 0, 0)
        self.x11.XSync(self.dpy, 0)

    def screenshot(self, path: Path) -> Any:
        """The whole screen as a PNG at ``path``; the PIL image."""
        from PIL import Image

        root = self.x11.XDefaultRootWindow(self.dpy)
        width, height = self.x11.XDisplayWidth(self.dpy, 0), self.x11.XDisplayHeight(self.dpy, 0)
        image = self.x11.XGetImage(self.dpy, root, 0, 0, width, height, 0xFFFFFFFF, 2).contents
        assert image.bits_per_pixel == 32, image.bits_per_pixel  # Xvfb at depth 24
        data = ctypes.string_at(image.data, image.bytes_per_line * image.height)
        picture = Image.frombuffer(
            "RGB", (width, height), data, "raw", "BGRX", image.bytes_per_line, 1
        )
        picture.save(path)
        return picture

    def windows(self) -> dict[str, tuple[int, int, int, int]]:
        """Named top-level windows: title → (x, y, width, height)."""
        listing = subprocess.run(
            ["xwininfo", "-root", "-children", "-display", self.name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = {}
        for title, w, h, x, y in re.findall(
            r'0x[0-9a-f]+ "(.*)": .*?(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', listing
        ):
            found[title] = (int(x), int(y), int(w), int(h))
        return found

    def wait(self, what: str, ready: Callable[[], bool], timeout: float = 90) -> None:
        """Polls ``ready`` (a window appearing, a message painted) until it holds."""
        end = time.monotonic() + timeout
        while not ready():
            if time.monotonic() > end:
                raise AssertionError(f"waited {timeout:.0f} s for {what}: {self.windows()}")
            time.sleep(0.2)


@contextmanager
def xvfb(size: str = "1366x768x24") -> Iterator[Display]:
    """A fresh Xvfb on a free display number (it picks one, -displayfd), stopped after."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as answer:
            number = answer.readline().strip()
        assert number, "Xvfb did not start"
        display = Display(f":{number}")
        try:
            yield display
        finally:
            display.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
