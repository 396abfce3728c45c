"""Mean petal length per species. It fails on purpose: run it with "ML Workbench: Run File in
Environment" and its traceback shows up in the Problems panel, at the line that raised."""

# Petal lengths (cm) of a few flowers of each species, from data/raw/iris.csv.
PETAL_LENGTHS = {
    "setosa": [1.4, 1.4, 1.3, 1.5],
    "versicolor": [4.7, 4.5, 4.9, 4.0],
    "virginica": [6.0, 5.1, 5.9, 5.6],
}


def mean(values):
    return sum(values) / len(values)


def main():
    # "virginia" is a typo for "virginica": it has no lengths, and mean() divides by zero.
    for species in ("setosa", "versicolor", "virginia"):
        lengths = PETAL_LENGTHS.get(species, [])
        print(f"{species}: mean petal length {mean(lengths):.2f} cm")


main()
