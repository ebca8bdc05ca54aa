#!/usr/bin/env python3
"""Writes the small image fixtures for the decoder tests, one per colour model or container that real
datasets contain: CMYK JPEG, progressive JPEG, 16-bit gray PNG, palette PNG, gray+alpha PNG, RGBA PNG,
WebP, animated GIF, TIFF, 1x1 and extreme aspect ratios, and a real photo (opencv-doc's HappyFish.jpg) as
lossy and lossless WebP. Run with Debian's python3-pil: /usr/bin/python3 make_images.py
"""
import os

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def save(image, name, **options):
    image.save(os.path.join(HERE, name), **options)


def main():
    # Solid colours with known RGB, so the tests can check the conversion, not only that decoding works.
    save(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "cmyk-red.jpg", quality=95)
    save(Image.new("RGB", (48, 32), (0, 128, 255)), "progressive-blue.jpg", quality=95, progressive=True)
    gray16 = Image.new("I;16", (16, 8))
    gray16.putdata([i * 257 * 2 for i in range(128)])
    save(gray16, "gray16-ramp.png")
    palette = Image.new("P", (10, 10))
    palette.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    palette.putdata([0] * 50 + [1] * 50)
    save(palette, "palette-red-green.png")
    save(Image.new("LA", (8, 8), (200, 128)), "gray-alpha.png")
    save(Image.new("RGBA", (8, 8), (255, 255, 255, 0)), "transparent-white.png")
    save(Image.new("RGB", (20, 20), (255, 0, 0)), "red.webp", lossless=True)
    frames = [Image.new("RGB", (12, 12), colour) for colour in [(255, 255, 255), (0, 0, 0)]]
    frames[0].save(os.path.join(HERE, "animated-white-then-black.gif"), save_all=True, append_images=frames[1:],
                   duration=100, loop=0)
    save(Image.new("RGB", (16, 16), (0, 255, 0)), "green.tiff")
    save(Image.new("L", (1, 1), 255), "one-pixel-white.png")
    save(Image.new("L", (2000, 1), 255), "line-2000x1.png")
    # A real photo as WebP (lossy and lossless, a few KB each), for the truncation tests: Debian's opencv-doc.
    fish = "/usr/share/doc/opencv-doc/examples/data/HappyFish.jpg"
    if os.path.exists(fish):
        photo = Image.open(fish).convert("RGB")
        save(photo, "photo-lossy.webp", quality=70)
        save(photo.resize((96, 72), Image.LANCZOS), "photo-lossless.webp", lossless=True)
    print("wrote fixtures to", HERE)


if __name__ == "__main__":
    main()
