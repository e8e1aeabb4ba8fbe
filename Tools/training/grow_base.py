"""Deepen a trained `mini` base without changing what it computes: a model folder in, a deeper model folder out.

  python grow_base.py --init MODEL_DIR --out GROWN_DIR --add-double 1 --add-single 4

Each new block is a copy of the last trained block of its kind (double-stream blocks appended after the double
blocks, single-stream ones after the single blocks) with the gate rows of its AdaLN projection set to zero. A FLUX
block adds gate * attention and gate * MLP to its residual stream, so a block whose gates are zero is the identity:
the grown model's outputs equal the trained model's at step 0 (checked here), and training starts from what the
base already does. Copying the trained weights instead of a fresh initialisation gives the gates useful features to
open onto from the first step. Adapters are not carried over: a basis belongs to one depth.
"""
import argparse
import copy
import json
import os
import shutil

import torch
from safetensors.torch import save_file

import mini_torch as M


def zero_gates(linear, chunks, gate_chunks):
    """Zero the rows of an AdaLN projection that produce the gates (chunk indices into its output)."""
    width = linear.out_features // chunks
    with torch.no_grad():
        for c in gate_chunks:
            linear.weight[c * width:(c + 1) * width].zero_()
            linear.bias[c * width:(c + 1) * width].zero_()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", required=True, help="trained model folder (ModelBundle layout)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--add-double", type=int, default=0)
    ap.add_argument("--add-single", type=int, default=0)
    args = ap.parse_args()

    transformer, clip, prompt, pooled = M.load_bundle(args.init)
    with open(os.path.join(args.init, "transformer", "config.json")) as f:
        config = json.load(f)
    reference = transformer
    grown = copy.deepcopy(transformer)
    for _ in range(args.add_double):
        block = copy.deepcopy(grown.transformer_blocks[-1])
        # AdaLayerNormZero: shift, scale, gate (attention), shift, scale, gate (MLP)
        zero_gates(block.norm1.linear, 6, (2, 5))
        zero_gates(block.norm1_context.linear, 6, (2, 5))
        grown.transformer_blocks.append(block)
    for _ in range(args.add_single):
        block = copy.deepcopy(grown.single_transformer_blocks[-1])
        zero_gates(block.norm.linear, 3, (2,))  # AdaLayerNormZeroSingle: shift, scale, gate
        grown.single_transformer_blocks.append(block)
    config["num_layers"] = len(grown.transformer_blocks)
    config["num_single_layers"] = len(grown.single_transformer_blocks)

    # The grown model computes what the trained one does (same velocity on a random grid).
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, M.ROWS * M.COLS, 48, generator=gen)
    ctx = torch.randn(2, M.ROWS * M.COLS, 48, generator=gen)
    sigma = torch.tensor([0.3, 0.8])
    with torch.no_grad():
        before = M.velocity(reference, prompt, pooled, x, ctx, sigma)
        after = M.velocity(grown, prompt, pooled, x, ctx, sigma)
    diff = (before - after).abs().max().item()
    assert diff == 0.0, f"grown model differs from its base by {diff}"

    for sub in ("transformer", "image_encoder", "scheduler"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    for f in ("lorweb_model.json", "image_encoder/config.json", "image_encoder/model.safetensors",
              "scheduler/scheduler_config.json", "null_prompt.safetensors"):
        shutil.copyfile(os.path.join(args.init, f), os.path.join(args.out, f))
    with open(os.path.join(args.out, "transformer", "config.json"), "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)
    save_file(M.base_state(grown), os.path.join(args.out, "transformer", "diffusion_pytorch_model.safetensors"),
              {"format": "pt", "lorweb_family": "mini"})
    n = sum(p.numel() for p in grown.parameters())
    print(f"{config['num_layers']} double + {config['num_single_layers']} single blocks, {n} parameters, "
          f"velocity identical to the base (max |diff| {diff})")


if __name__ == "__main__":
    main()
