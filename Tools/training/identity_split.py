"""Write the identity analogies of a `lorweb analogies` folder: a : a :: b : b for each of its samples.

  python identity_split.py --source DATA/train_seen_s1 --out DATA/ident_s1

Only a manifest is written; it points at the source folder's a and b images (relative paths), so nothing is
copied and the family of every sample is "identity". Used as extra training data for base leg 5 and the
adapters (an editing model must reproduce the cell it is given wherever the analogy changes nothing, and the
base trained on edits alone did not; RESULTS.md, "Diagnostics after the eighth run", "Ninth run"), and, made
from a held-out folder, to measure that copy fidelity with `evaluate.py --split identity=OUT`.
"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, help="folder written by `lorweb analogies` (seen families)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(os.path.join(args.source, "manifest.json")) as f:
        manifest = json.load(f)
    prefix = os.path.relpath(os.path.abspath(args.source), os.path.abspath(args.out))
    samples = []
    for s in manifest["samples"]:
        a, b = (os.path.join(prefix, s["files"][k]) for k in ("a", "b"))
        samples.append({"index": s["index"], "family": "identity", "description": "identity",
                        "files": {"a": a, "aPrime": a, "b": b, "bPrime": b}})
    manifest.update(split="identity", source=os.path.basename(os.path.normpath(args.source)), samples=samples)
    os.makedirs(args.out, exist_ok=True)
    tmp = os.path.join(args.out, "manifest.json.tmp")
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=1)
    os.replace(tmp, os.path.join(args.out, "manifest.json"))
    print(f"{len(samples)} identity analogies -> {args.out}")


if __name__ == "__main__":
    main()
