"""Train the `mini` model: stage `base` (flow-matching grid editing model) or an adapter stage on a frozen base
(`basis`: N LoRAs of rank r mixed per analogy by AttLoRA; `lora`: one LoRA). Resumable: rerun the same command.

  python train.py base  --data DATA --init MODEL_DIR --out RUN/base  --minutes 10
  python train.py basis --data DATA --init RUN/base/model --out RUN/basis8x4 --loras 8 --rank 4 --minutes 5
  python train.py lora  --data DATA --init RUN/base/model --out RUN/lora32 --rank 32 --minutes 5
"""
import argparse
import json
import os
import shutil
import time

import torch
from safetensors.torch import save_file

import mini_torch as M


def export_model(init_dir, out_dir, transformer, clip, prompt, pooled):
    """A full model folder in the shipped layouts (configs copied, weights f32)."""
    for sub in ("transformer", "image_encoder", "scheduler"):
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    for f in ("lorweb_model.json", "transformer/config.json", "image_encoder/config.json",
              "scheduler/scheduler_config.json"):
        shutil.copyfile(os.path.join(init_dir, f), os.path.join(out_dir, f))
    meta = {"format": "pt", "lorweb_family": "mini"}
    save_file(M.base_state(transformer), os.path.join(out_dir, "transformer", "diffusion_pytorch_model.safetensors"), meta)
    clip_sd = {k: M.host(v) for k, v in clip.state_dict().items() if "position_ids" not in k}
    save_file(clip_sd, os.path.join(out_dir, "image_encoder", "model.safetensors"), meta)
    save_file({"prompt_embeds": M.host(prompt), "pooled_prompt_embeds": M.host(pooled)},
              os.path.join(out_dir, "null_prompt.safetensors"), meta)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=["base", "basis", "lora"])
    ap.add_argument("--data", action="append", required=True,
                    help="folder written by `lorweb analogies --split seen`; repeat to train on several")
    ap.add_argument("--init", required=True, help="model folder to start from")
    ap.add_argument("--out", required=True)
    ap.add_argument("--loras", type=int, default=8)
    ap.add_argument("--rank", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--steps", type=int, default=100000)
    ap.add_argument("--schedule", choices=["constant", "linear", "linear-time"], default="constant",
                    help="linear: lr × (1 − step/steps), by absolute step, so a resumed run continues the same decay; "
                         "linear-time: to 0 at --steps or --minutes, whichever comes first")
    ap.add_argument("--minutes", type=float, default=10.0, help="wall-clock budget of this stage (all runs together)")
    ap.add_argument("--train-clip", type=int, default=0, help="basis stage: also train the image encoder (the paper freezes it)")
    ap.add_argument("--loss", choices=["grid", "target"], default="target",
                    help="grid: MSE over all four cells; target: over the b' cell only (the one the context lacks)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--checkpoint-every", type=float, default=120.0, help="seconds")
    ap.add_argument("--device", default="cpu", help="cpu or cuda[:N]: where the model trains; the sampling of batches, "
                    "noise and sigmas stays on the CPU generator, so a run draws the same samples on either")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)

    cells, _ = M.load_cells(args.data)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True  # training only: the shipped f32 weights are what Swift runs
        torch.backends.cudnn.allow_tf32 = True
    transformer, clip, prompt, pooled = M.load_bundle(args.init)
    prompt, pooled = torch.nn.Parameter(prompt.to(device)), torch.nn.Parameter(pooled.to(device))
    layers = {}
    if args.stage == "base":
        params = list(transformer.parameters()) + [prompt, pooled]
        clip.requires_grad_(False)
    else:
        transformer.requires_grad_(False)
        prompt.requires_grad_(False)
        pooled.requires_grad_(False)
        n = args.loras if args.stage == "basis" else 1
        qdim = 96 if args.stage == "basis" else 0
        layers = M.attach_adapters(transformer, n, args.rank, query_dim=qdim, seed=args.seed + 1)
        params = [p for l in layers.values() for p in l.parameters() if p.requires_grad]
        train_clip = args.stage == "basis" and args.train_clip
        clip.requires_grad_(bool(train_clip))
        if train_clip:
            params += list(clip.parameters())
    transformer.to(device)  # the adapters are its submodules by now
    clip.to(device)
    n_params = sum(p.numel() for p in params)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.0)

    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    state = {"step": 0, "seconds": 0.0, "losses": []}
    gen = torch.Generator().manual_seed(args.seed)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, weights_only=False, map_location=device)
        transformer.load_state_dict(ck["transformer"])
        clip.load_state_dict(ck["clip"])
        with torch.no_grad():
            prompt.copy_(ck["prompt"]); pooled.copy_(ck["pooled"])
        opt.load_state_dict(ck["opt"])
        gen.set_state(ck["gen"].cpu())
        state = ck["state"]
        print(f"resumed at step {state['step']} ({state['seconds']:.0f} s)", flush=True)

    def save():
        tmp = ckpt_path + ".tmp"
        torch.save({"transformer": transformer.state_dict(), "clip": clip.state_dict(), "prompt": prompt.detach(),
                    "pooled": pooled.detach(), "opt": opt.state_dict(), "gen": gen.get_state(), "state": state}, tmp)
        os.replace(tmp, ckpt_path)
        if args.stage == "base":
            export_model(args.init, os.path.join(args.out, "model"), transformer, clip, prompt, pooled)
        else:
            export_model(args.init, os.path.join(args.out, "model"), transformer, clip, prompt, pooled)
            save_file(M.adapter_state(layers), os.path.join(args.out, "model", "adapter.safetensors"),
                      {"format": "pt", "kind": args.stage, "loras": str(args.loras), "rank": str(args.rank)})
        with open(os.path.join(args.out, "log.json"), "w") as f:
            json.dump({"args": vars(args), "trainable_parameters": n_params, **state}, f)

    def progress(state):
        """How far the lr has decayed: by step (linear; a resumed run keeps the same decay), or by whichever of
        --steps and --minutes comes first (linear-time: a budget in wall-clock time, as on a lent GPU)."""
        if args.schedule == "constant":
            return 0.0
        by_step = state["step"] / args.steps
        return max(by_step, state["seconds"] / (args.minutes * 60)) if args.schedule == "linear-time" else by_step

    print(f"stage {args.stage}: {len(cells)} samples, {n_params} trainable parameters", flush=True)
    transformer.train()
    last_save = time.time()
    while state["step"] < args.steps and state["seconds"] < args.minutes * 60:
        t0 = time.time()
        idx = torch.randint(len(cells), (args.batch,), generator=gen)
        batch = cells[idx].to(device)
        a, ap_, b, bp = (batch[:, i] for i in range(4))
        x0 = M.pack(M.grid(M.signed(a), M.signed(ap_), M.signed(b), M.signed(bp)))
        context = M.pack(M.grid(M.signed(a), M.signed(ap_), M.signed(b), M.signed(b)))
        eps = torch.randn(x0.shape, generator=gen).to(device)
        sigma = M.train_sigmas(args.batch, gen).to(device)
        xt = (1 - sigma.view(-1, 1, 1)) * x0 + sigma.view(-1, 1, 1) * eps
        if layers:
            M.set_query(layers, M.clip_query(clip, a, ap_, b) if args.stage == "basis" else None)
        v = M.velocity(transformer, prompt, pooled, xt, context, sigma)
        err = (v - (eps - x0)) ** 2
        loss = (err[:, M.TARGET_TOKENS] if args.loss == "target" else err).mean()
        for group in opt.param_groups:  # set every step: a resumed checkpoint carries the lr it was saved with
            group["lr"] = args.lr * (1 - progress(state))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        state["step"] += 1
        state["seconds"] += time.time() - t0
        state["losses"].append(round(loss.item(), 5))
        if state["step"] % 10 == 0:
            recent = state["losses"][-10:]
            print(f"step {state['step']} loss {sum(recent) / len(recent):.4f} ({state['seconds']:.0f} s)", flush=True)
        if time.time() - last_save > args.checkpoint_every:
            save()
            last_save = time.time()
    save()
    print(f"done: {state['step']} steps, {state['seconds']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
