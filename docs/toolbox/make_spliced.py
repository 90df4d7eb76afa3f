"""Makes docs/toolbox/spliced.jpg, the manipulated photograph of the README's toolbox gallery
and of app/tests/gui_toolbox.rs: the cat photograph (assets/samples/chelsea.png) saved as a
JPEG at quality 60, a 120x90 region of the coffee photograph (never compressed) pasted over
it, and the result saved at quality 90 with EXIF naming a camera and an editor, as a phone
photo edited in an app would be. Needs Pillow. Run from the repository root."""

from pathlib import Path

from PIL import Image

root = Path(__file__).resolve().parents[2]
here = Path(__file__).resolve().parent
cat = Image.open(root / "assets/samples/chelsea.png").convert("RGB")
coffee = Image.open(root / "assets/samples/coffee.png").convert("RGB")

first = here / "first-save.jpg"
cat.save(first, quality=60)
photo = Image.open(first).convert("RGB")
first.unlink()

patch = coffee.crop((200, 120, 320, 210))
photo.paste(patch, (30, 40))

exif = Image.Exif()
exif[0x010F] = "ForgeLens Test Camera"  # Make
exif[0x0110] = "FL-1"  # Model
exif[0x0131] = "GIMP 2.10.34"  # Software
exif[0x0132] = "2026:11:30 03:00:00"  # DateTime
photo.save(here / "spliced.jpg", quality=90, exif=exif)
print(photo.size)
