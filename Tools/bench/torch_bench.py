"""PyTorch CPU float32 reference timings for `make bench`.

lorweb-bench runs this script itself (`--python PY`), reads the JSON it prints on its last line and puts the
ratios Swift / PyTorch in the same table, so both sides run in one job on the same machine.

- mini: the shipped `mini` bundle in diffusers FluxTransformer2DModel + the AttLoRA layers of
  Tools/training/mini_torch.py (Docs/LORWEB.md §2.4-2.5, coefficients recomputed in every forward as the official
  code does), batch 1, one velocity evaluation = one Euler step; base alone and with the basis.
- full: FLUX.1 width (D = 3072, 24 heads × 128, joint dim 4096, pooled 768, guidance embeds), 512 text +
  1024 noise + 1024 context tokens, seeded random weights, models with (double, single) blocks = (0, 0),
  (1, 0), (0, 1): one block = difference to (0, 0); attention alone (SDPA over all tokens) for the projection.
"""
import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "training"))


def timing(fn, reps):
    fn()  # warm-up
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    samples.sort()
    return {"best": samples[0], "median": samples[len(samples) // 2]}


@torch.no_grad()
def mini(folder, reps):
    import mini_torch as M
    from safetensors.torch import load_file
    transformer, clip, prompt, pooled = M.load_bundle(folder)
    gen = torch.Generator().manual_seed(0)
    a, ap, b = torch.randint(0, 256, (3, 1, 3, M.CELL, M.CELL), generator=gen, dtype=torch.uint8)
    context = M.pack(M.grid(M.signed(a), M.signed(ap), M.signed(b), M.signed(b)))
    noise = torch.randn(context.shape, generator=gen)
    sigma = torch.tensor([1.0])
    step = lambda: M.velocity(transformer, prompt, pooled, noise, context, sigma)
    out = {"step_base": timing(step, reps)}
    basis = load_file(os.path.join(folder, "basis.safetensors"))
    some_a = next(v for k, v in basis.items() if k.endswith(".lora_A"))
    some_k = next(v for k, v in basis.items() if k.endswith(".lora_keys"))
    some_q = next(v for k, v in basis.items() if k.endswith(".att_lora_to_q.weight"))
    layers = M.attach_adapters(transformer, some_a.shape[0], some_a.shape[2], key_dim=some_k.shape[1],
                               query_dim=some_q.shape[1])
    M.load_adapter_state(layers, basis)
    M.set_query(layers, M.clip_query(clip, a, ap, b))
    out["step_basis"] = timing(step, reps)
    return out


@torch.no_grad()
def full(reps):
    from diffusers import FluxTransformer2DModel
    text, noise, context = 512, 1024, 1024
    gen = torch.Generator().manual_seed(0)
    hidden = torch.randn(1, noise + context, 64, generator=gen)
    encoder = torch.randn(1, text, 4096, generator=gen)
    pooled = torch.randn(1, 768, generator=gen)
    img_ids = torch.zeros(noise + context, 3)
    img_ids[noise:, 0] = 1
    side = int(noise ** 0.5)
    for part in (slice(0, noise), slice(noise, noise + context)):
        img_ids[part, 1] = torch.arange(side).repeat_interleave(side).float()
        img_ids[part, 2] = torch.arange(side).repeat(side).float()
    txt_ids = torch.zeros(text, 3)
    q = torch.randn(1, 24, text + noise + context, 128, generator=gen)
    out = {"attention": timing(lambda: torch.nn.functional.scaled_dot_product_attention(q, q, q), reps)}
    long = torch.randn(1, 24, 512 + 4096 + 4096, 128, generator=gen)  # a 1024² Kontext step's length
    out["attention8704"] = timing(lambda: torch.nn.functional.scaled_dot_product_attention(long, long, long), reps)
    del long
    for double, single in ((0, 0), (1, 0), (0, 1)):
        torch.manual_seed(0)
        model = FluxTransformer2DModel(in_channels=64, num_layers=double, num_single_layers=single,
                                       attention_head_dim=128, num_attention_heads=24, joint_attention_dim=4096,
                                       pooled_projection_dim=768, guidance_embeds=True,
                                       axes_dims_rope=(16, 56, 56)).float().eval()
        run = lambda: model(hidden_states=hidden, encoder_hidden_states=encoder, pooled_projections=pooled,
                            timestep=torch.tensor([0.5]), img_ids=img_ids, txt_ids=txt_ids,
                            guidance=torch.tensor([2.5]), return_dict=False)[0][:, :noise]
        out[f"{double}{single}"] = timing(run, reps)
        del model
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sections", default="mini,full")
    ap.add_argument("--mini", help="the mini model folder (Sources/Pipeline/Resources/mini)")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--full-reps", type=int, default=2)
    ap.add_argument("--full-threads", default="2")
    args = ap.parse_args()
    torch.set_num_interop_threads(1)
    sections = args.sections.split(",")
    result = {"torch": torch.__version__, "mini": {}, "full": {}}
    if "mini" in sections:
        for t in [int(x) for x in args.threads.split(",")]:
            torch.set_num_threads(t)
            result["mini"][str(t)] = mini(args.mini, args.reps)
            print(f"torch mini, {t} thread(s): {result['mini'][str(t)]}", file=sys.stderr, flush=True)
    if "full" in sections:
        for t in [int(x) for x in args.full_threads.split(",")]:
            torch.set_num_threads(t)
            result["full"][str(t)] = full(args.full_reps)
            print(f"torch full width, {t} thread(s): {result['full'][str(t)]}", file=sys.stderr, flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
