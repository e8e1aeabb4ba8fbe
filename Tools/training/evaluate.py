"""PSNR and SSIM (defined as Swift's ImageMetrics) of b' against the generator's ground truth on held-out splits,
for copy-b and each trained model.

  python evaluate.py --split seen=DATA_SEEN --split unseen=DATA_UNSEEN [--steps 20] [--by-family] \
      --method untrained=MODEL_DIR --method base=RUN/base/model --method "lora32=RUN/lora32/model" ...
A method folder with adapter.safetensors is evaluated with its adapter (basis if it has lora_keys).
"""
import argparse
import json
import os
import time

import torch
from safetensors.torch import load_file

import mini_torch as M


def build(folder, device="cpu"):
    transformer, clip, prompt, pooled = M.load_bundle(folder)
    layers, kind = {}, "base"
    path = os.path.join(folder, "adapter.safetensors")
    if os.path.exists(path):
        state = load_file(path)
        some = next(k for k in state if k.endswith(".lora_A"))
        n, _, r = state[some].shape
        kind = "basis" if any(k.endswith(".lora_keys") for k in state) else "lora"
        layers = M.attach_adapters(transformer, n, r, query_dim=96 if kind == "basis" else 0)
        M.load_adapter_state(layers, state)
    transformer.eval().to(device)
    return transformer, clip.to(device), prompt.to(device), pooled.to(device), layers, kind


@torch.no_grad()
def predict(method, cells, noise_seed, steps, batch=32):
    transformer, clip, prompt, pooled, layers, kind = method
    outs = []
    for s in range(0, len(cells), batch):
        c = cells[s:s + batch].to(prompt.device)
        a, ap, b = c[:, 0], c[:, 1], c[:, 2]
        if layers:
            M.set_query(layers, M.clip_query(clip, a, ap, b) if kind == "basis" else None)
        context = M.pack(M.grid(M.signed(a), M.signed(ap), M.signed(b), M.signed(b)))
        g = torch.Generator().manual_seed(noise_seed + s)
        noise = M.pack(torch.randn(len(c), 3, M.GRID, M.GRID, generator=g)).to(prompt.device)  # drawn on the CPU
        x = M.sample(transformer, prompt, pooled, noise, context, steps=steps)
        outs.append(M.to_u8(M.unpack(x))[:, :, M.CELL:, M.CELL:].cpu())
    return torch.cat(outs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", action="append", required=True, help="name=folder")
    ap.add_argument("--method", action="append", default=[], help="name=model folder")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--noise-seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", default=None)
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N] (the noise is drawn on the CPU either way)")
    ap.add_argument("--by-family", action="store_true", help="also print each family's mean PSNR minus copy-b's")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    loaded = {k: M.load_split(v) for k, v in (s.split("=", 1) for s in args.split)}
    splits = {k: cells for k, (cells, _) in loaded.items()}
    def scores(pred, cells):
        """Per-image PSNR (kept for --by-family) and the two means."""
        per_image = M.psnr(pred, cells[:, 3])
        return per_image, {"psnr": per_image.mean().item(), "ssim": M.ssim(pred, cells[:, 3]).mean().item()}

    copy_psnr, results = {}, {}
    for name, cells in splits.items():
        copy_psnr[name], copy = scores(cells[:, 2], cells)
        results[name] = {"copy-b": copy}
    for spec in args.method:
        name, folder = spec.split("=", 1)
        method = build(folder, args.device)
        for split, cells in splits.items():
            t0 = time.time()
            pred = predict(method, cells, args.noise_seed, args.steps)
            per_image, r = scores(pred, cells)
            results[split][name] = r
            print(f"{split:7s} {name:12s} {r['psnr']:6.2f} dB SSIM {r['ssim']:.3f} ({time.time() - t0:.0f} s)", flush=True)
            if args.by_family:
                gain = per_image - copy_psnr[split]
                families = loaded[split][1]
                print("  PSNR vs copy-b (dB): " + "  ".join(
                    f"{f} {gain[[i for i, g in enumerate(families) if g == f]].mean():+.1f}"
                    for f in sorted(set(families))), flush=True)
    methods = list(next(iter(results.values())).keys())
    print("| method | " + " | ".join(f"{s} PSNR (dB) | {s} SSIM" for s in splits) + " |")
    print("|---|" + "---|---|" * len(splits))
    for m in methods:
        print(f"| {m} | " + " | ".join(f"{results[s][m]['psnr']:.2f} | {results[s][m]['ssim']:.3f}" for s in splits) + " |")
    print("n = " + ", ".join(f"{s} {len(splits[s])}" for s in splits) + f"; {args.steps} steps, noise seed {args.noise_seed}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
