"""Copy trained weights into the project: the base model and the default basis into the embedded `mini`
(Sources/Pipeline/Resources/mini), the evaluation baselines into Recipes/paper/weights, and SHA-256 pins.

  python ship.py --base RUN/base --image-encoder RUN/encoder --basis RUN/basis8x4 --extra basis-4x8=RUN/basis4x8 \
      --lora RUN/lora1x32

The image encoder is frozen while the basis trains (as in the paper); with --image-encoder it is the one
pretrained by pretrain_encoder.py, and every basis run must have been trained against exactly that encoder.
Without it the shipped encoder stays as it is and the base run's must equal it.
A single LoRA is stored as a basis of one (lora_keys [1, 1] and att_lora_to_q [1, Q] zero): softmax over one
LoRA is exactly 1, so `load basis` + `blend` run it with no special case.
"""
import argparse
import hashlib
import json
import os
import shutil

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MINI = os.path.join(ROOT, "Sources", "Pipeline", "Resources", "mini")
PAPER = os.path.join(ROOT, "Recipes", "paper", "weights")
MINI_FILES = ["lorweb_model.json", "transformer/config.json", "transformer/diffusion_pytorch_model.safetensors",
              "image_encoder/config.json", "image_encoder/model.safetensors", "scheduler/scheduler_config.json",
              "null_prompt.safetensors", "basis.safetensors"]


def run_info(run):
    with open(os.path.join(run, "log.json")) as f:
        log = json.load(f)
    a = log["args"]
    data = a["data"] if isinstance(a["data"], list) else [a["data"]]  # runs before `--data` repeated logged one folder
    info = {"family": "mini", "stage": a.get("stage", log.get("stage")), "steps": log["step"], "batch": a["batch"],
            "lr": a["lr"], "train_seed": a["seed"], "data": "+".join(os.path.basename(d.rstrip("/")) for d in data)}
    if info["stage"] != "encoder":
        info["loss"] = a.get("loss", "grid")
    elif a.get("labels"):
        info["labels"] = "family"
    # One metadata key: safetensors writes its metadata map in hash order, so several keys would make a rerun
    # write different bytes for the same tensors (and break the SHA-256 pins).
    return {"lorweb_training": json.dumps(info, sort_keys=True)}


def same_tensors(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def write(tensors, meta, path):
    tmp = path + ".tmp"
    save_file({k: v.contiguous().float() for k, v in sorted(tensors.items())}, tmp, meta)
    os.replace(tmp, path)


def sha256sums(folder, names):
    lines = []
    for name in names:
        with open(os.path.join(folder, name), "rb") as f:
            lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}\n")
    with open(os.path.join(folder, "SHA256SUMS"), "w") as f:
        f.writelines(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="base run folder (its model/ is shipped)")
    ap.add_argument("--image-encoder", help="pretrain_encoder.py run whose encoder ships (default: keep mini's)")
    ap.add_argument("--basis", required=True, help="adapter run shipped as mini's default basis")
    ap.add_argument("--extra", action="append", default=[], help="NAME=RUN: another basis for Recipes/paper/weights")
    ap.add_argument("--lora", required=True, help="single-LoRA run, stored as lora-1xR in Recipes/paper/weights")
    args = ap.parse_args()

    model = os.path.join(args.base, "model")
    encoder_file = os.path.join("image_encoder", "model.safetensors")
    transformer_file = os.path.join("transformer", "diffusion_pytorch_model.safetensors")
    transformer = load_file(os.path.join(model, transformer_file))
    basis_runs = [args.basis] + [spec.split("=", 1)[1] for spec in args.extra]
    for run in basis_runs + [args.lora]:
        assert same_tensors(load_file(os.path.join(run, "model", transformer_file)), transformer), \
            f"{run} was trained on another base"
    if args.image_encoder:
        encoder = load_file(os.path.join(args.image_encoder, "model", encoder_file))
        for run in basis_runs:  # the single LoRA reads no query
            assert same_tensors(load_file(os.path.join(run, "model", encoder_file)), encoder), \
                f"{run} used another image encoder"
        write(encoder, run_info(args.image_encoder), os.path.join(MINI, encoder_file))
    else:
        assert same_tensors(load_file(os.path.join(model, encoder_file)), load_file(os.path.join(MINI, encoder_file))), \
            "the image encoder must stay frozen"
    base_meta = run_info(args.base)
    write(transformer, base_meta, os.path.join(MINI, transformer_file))
    write(load_file(os.path.join(model, "null_prompt.safetensors")), base_meta, os.path.join(MINI, "null_prompt.safetensors"))
    write(load_file(os.path.join(args.basis, "model", "adapter.safetensors")), run_info(args.basis),
          os.path.join(MINI, "basis.safetensors"))
    sha256sums(MINI, MINI_FILES)

    os.makedirs(PAPER, exist_ok=True)
    names = []
    for spec in args.extra:
        name, run = spec.split("=", 1)
        write(load_file(os.path.join(run, "model", "adapter.safetensors")), run_info(run), os.path.join(PAPER, name + ".safetensors"))
        names.append(name + ".safetensors")
    lora = load_file(os.path.join(args.lora, "model", "adapter.safetensors"))
    with open(os.path.join(model, "image_encoder", "config.json")) as f:
        query_dim = 3 * json.load(f)["projection_dim"]  # cat-aa'b: three image embeddings
    for key in [k for k in lora if k.endswith(".lora_A")]:
        prefix = key[: -len(".lora_A")]
        lora[prefix + ".lora_keys"] = torch.zeros(1, 1)
        lora[prefix + ".att_lora_to_q.weight"] = torch.zeros(1, query_dim)
    rank = next(v for k, v in lora.items() if k.endswith(".lora_A")).shape[2]
    name = f"lora-1x{rank}.safetensors"
    write(lora, run_info(args.lora), os.path.join(PAPER, name))
    names.append(name)
    sha256sums(PAPER, sorted(names))
    for folder in (MINI, PAPER):
        print(open(os.path.join(folder, "SHA256SUMS")).read(), end="")


if __name__ == "__main__":
    main()
