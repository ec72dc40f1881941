from geo import shapes


def scene(radii):
    out = []
    for r in radii:
        out.append(shapes.make_circle(r))
    return out
