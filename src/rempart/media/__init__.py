"""Media decoding for hashing: images at reduced scale, videos a few frames a second, strict limits.

Nothing here hashes; ``rempart.signals`` does. Every failure is a ``MediaError`` subclass.
"""

from rempart.media.images import DecodedImage, decode_image
from rempart.media.kinds import MediaKind, sniff_kind
from rempart.media.video import VideoFrame, iter_video_frames

__all__ = [
    "MediaKind",
    "sniff_kind",
    "DecodedImage",
    "decode_image",
    "VideoFrame",
    "iter_video_frames",
]
