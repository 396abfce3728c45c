"""Petal statistics the notebooks import. An environment's kernel starts in the notebook's folder of
the synced workspace, so `sys.path.insert(0, "../src")` finds this file there as it does locally."""


def lengths_of(frame, species):
    """The petal lengths (cm) of one species; a species with no flowers is a mistake worth an error."""
    lengths = frame.loc[frame.species == species, "petal_length"]
    if lengths.empty:
        raise ValueError(f"no flowers of species {species!r} (known: {', '.join(sorted(frame.species.unique()))})")
    return lengths


def spread(frame, species):
    """Longest minus shortest petal of a species, relative to its mean length."""
    lengths = lengths_of(frame, species)
    return (lengths.max() - lengths.min()) / lengths.mean()
