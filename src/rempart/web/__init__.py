"""Server-rendered pages (French and English) and their browser scripts: the victim's /protect
page."""
