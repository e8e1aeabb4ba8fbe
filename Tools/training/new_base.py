"""A `mini` base of another shape, initialised from scratch: the transformer's width (heads × 32) and depth are
chosen, everything else (image encoder, null prompt, scheduler, lorweb_model.json) is copied from a model folder,
so the result trains with `train.py base --init OUT` and loads in Swift as the shipped `mini` does (the Swift side
reads the transformer's shape from its config.json). Weights: diffusers' default initialisation under --seed.

  python new_base.py --like ../../Sources/Pipeline/Resources/mini --heads 8 --double 4 --single 8 --out RUN/init-w256
"""
import argparse
import json
import os
import shutil

import torch
from diffusers import FluxTransformer2DModel
from safetensors.torch import save_file

import mini_torch as M


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--like", required=True, help="model folder to copy the other parts from")
    ap.add_argument("--out", required=True)
    ap.add_argument("--heads", type=int, required=True, help="attention heads of 32 dims (width = 32 × heads)")
    ap.add_argument("--double", type=int, required=True)
    ap.add_argument("--single", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if os.path.exists(args.out):
        raise SystemExit(f"{args.out} exists: choose a new folder")
    shutil.copytree(args.like, args.out, ignore=shutil.ignore_patterns("SHA256SUMS", "basis.safetensors", "adapter.safetensors"))
    path = os.path.join(args.out, "transformer", "config.json")
    with open(path) as f:
        config = json.load(f)
    config.update(num_attention_heads=args.heads, num_layers=args.double, num_single_layers=args.single)
    with open(path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    torch.manual_seed(args.seed)
    transformer = FluxTransformer2DModel(**{k: v for k, v in config.items() if not k.startswith("_")})
    save_file(M.base_state(transformer), os.path.join(args.out, "transformer", "diffusion_pytorch_model.safetensors"),
              {"format": "pt", "lorweb_family": "mini"})
    n = sum(p.numel() for p in transformer.parameters())
    print(json.dumps({"out": args.out, "width": 32 * args.heads, "double": args.double, "single": args.single,
                      "parameters": n}))


if __name__ == "__main__":
    main()
