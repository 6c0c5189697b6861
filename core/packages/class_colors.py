"""Map colours for classes: conventional land-cover colours where a class name says what it
is (water blue, forest dark green, fields yellow, houses red...), else a qualitative palette
made for maps (ColorBrewer's Set3 and Dark2, which stay apart from those)."""

from __future__ import annotations

# (words that name the class, colour); the first match wins, so the specific come first
CONVENTIONAL = (
    (("water", "river", "lake", "sea", "ocean", "pond", "hydro", "reservoir", "wetland",
      "harbor", "harbour", "beach"), (31, 120, 180)),
    (("forest", "wood", "tree", "orchard", "vegetation"), (27, 110, 50)),
    (("grass", "meadow", "pasture", "park", "golf", "shrub"), (141, 211, 112)),
    (("field", "farm", "crop", "agri", "cultivat", "paddy"), (240, 220, 90)),
    (("resident", "house", "building", "dwelling", "urban", "village"), (220, 60, 40)),
    (("industr", "commercial", "factory", "storage", "church", "school", "center"),
     (150, 80, 160)),
    (("parking", "road", "highway", "rail", "train", "airport", "runway", "bridge",
      "railway", "intersection", "freeway"), (120, 120, 120)),
    (("bare", "desert", "sand", "barren", "rock", "mountain", "quarry", "mine"),
     (200, 160, 110)),
    (("snow", "ice", "glacier", "cloud"), (235, 245, 250)),
)
QUALITATIVE = ((141, 160, 203), (252, 141, 98), (102, 194, 165), (231, 138, 195),
               (166, 216, 84), (255, 217, 47), (229, 196, 148), (179, 179, 179),
               (27, 158, 119), (217, 95, 2), (117, 112, 179), (230, 171, 2))


def class_colors(classes: list[str]) -> list[tuple[int, int, int]]:
    """One (red, green, blue) per class name: the conventional colour its name calls for
    (each given once), else the next unused colour of the qualitative palette."""
    colors: list[tuple[int, int, int] | None] = []
    used: set[tuple[int, int, int]] = set()
    for name in classes:
        lowered = name.lower()
        color = next((rgb for words, rgb in CONVENTIONAL
                      if any(word in lowered for word in words) and rgb not in used), None)
        colors.append(color)
        if color:
            used.add(color)
    spare = iter([rgb for rgb in QUALITATIVE if rgb not in used] * (len(classes) + 1))
    return [color or next(spare) for color in colors]
