"""Train a small classifier on the Iris sample and record its accuracy.

Usage: python src/train.py [--data data/raw/iris.csv] [--c 1.0] [--seed 42]
Writes models/model.joblib and metrics.json next to the project root.
"""
import argparse
import json
from pathlib import Path

import joblib
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "raw" / "iris.csv")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    frame = pd.read_csv(args.data)
    x_train, x_test, y_train, y_test = train_test_split(
        frame[FEATURES], frame["species"], test_size=0.3, random_state=args.seed, stratify=frame["species"]
    )
    model = LogisticRegression(C=args.c, max_iter=500).fit(x_train, y_train)
    accuracy = accuracy_score(y_test, model.predict(x_test))

    (ROOT / "models").mkdir(exist_ok=True)
    joblib.dump(model, ROOT / "models" / "model.joblib")
    metrics = {"accuracy": accuracy, "c": args.c, "seed": args.seed, "rows": len(frame)}
    (ROOT / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    print(f"accuracy {accuracy:.3f} on {len(y_test)} held-out rows")


if __name__ == "__main__":
    main()
