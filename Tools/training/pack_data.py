"""One compressed file per `lorweb analogies` folder (or identity manifest), for a machine that has PyTorch but
not the Swift binary or the PNGs (a lent GPU: Tools/training/gpu_campaign.sh). mini_torch.load_split reads the
`.npz` as it reads the folder: the same uint8 cells [N, 4, 3, 32, 32] and family names.

  python pack_data.py DATA/train_seen_s1 DATA/ident_s1 ... --out-dir PACKED
"""
import argparse
import os

import numpy as np

import mini_torch as M


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--out-dir", required=True)
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for folder in args.folders:
        cells, families = M.load_split(folder)
        out = os.path.join(args.out_dir, os.path.basename(os.path.normpath(folder)) + ".npz")
        np.savez_compressed(out, cells=cells.numpy(), families=np.array(families))
        again, names = M.load_split(out)
        assert np.array_equal(again.numpy(), cells.numpy()) and names == families, out
        print(f"{out}: {len(families)} analogies, {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main()
