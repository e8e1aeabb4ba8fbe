"""Pretrain the `mini` image encoder so that its embeddings describe transformations.

The paper's query comes from a pretrained CLIP, frozen. `mini` has no pretrained CLIP, and its random
initialisation tells the transformations apart barely above chance (linear probe of the 96-d query: 19 % on 13
seen families, chance 8 %; RESULTS.md), so the basis cannot pick LoRAs per analogy. This stage stands in for
CLIP's pretraining, on the two halves of each analogy, d(a → a') = f(a') − f(a) and d(b → b') = f(b') − f(b):
label-free by default (InfoNCE, the other analogies of the batch as negatives), or with --labels supervised
contrastive on the seen families' names (a deviation: CLIP never saw these families). The shipped encoder is
3000 label-free steps, then 6000 with --labels. The data are the seen families only, like every other stage;
the encoder is frozen afterwards, as in the paper.

  python pretrain_encoder.py --data DATA --init RUN/base/model --out RUN/encoder --steps 1000 [--labels]

Writes OUT/model (the --init model folder with the new image encoder) and OUT/log.json; resumable.
"""
import argparse
import json
import os
import time

import torch
import torch.nn.functional as F

import mini_torch as M
from train import export_model


def transformation_loss(clip, batch, temperature, family=None):
    """InfoNCE between the halves of each analogy; with `family` (ids [n]), supervised contrastive instead: every
    half of every analogy of the same family is a positive, so same-family analogies stop being negatives."""
    a, ap, b, bp = (batch[:, i] for i in range(4))
    n = a.shape[0]
    e = M.image_embeds(clip, torch.cat([a, ap, b, bp]))
    u = F.normalize(e[n:2 * n] - e[:n], dim=1)
    w = F.normalize(e[3 * n:] - e[2 * n:3 * n], dim=1)
    if family is None:
        logits = u @ w.T / temperature
        labels = torch.arange(n)
        return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels))
    z = torch.cat([u, w])
    ids = torch.cat([family, family])
    self_mask = torch.eye(2 * n, dtype=torch.bool)
    logits = (z @ z.T / temperature).masked_fill(self_mask, float("-inf"))
    positive = (ids[:, None] == ids[None, :]) & ~self_mask
    log_prob = logits.log_softmax(dim=1).masked_fill(self_mask, 0.0)
    return -((log_prob * positive).sum(1) / positive.sum(1)).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", action="append", required=True, help="`lorweb analogies` folder; repeat for several")
    ap.add_argument("--init", required=True, help="model folder whose transformer and prompt are kept")
    ap.add_argument("--out", required=True)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--temperature", type=float, default=0.1)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--labels", action="store_true",
                    help="supervised contrastive on the seen families' names (a deviation: the paper's CLIP never saw them)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    cells, names = M.load_cells(args.data)
    vocabulary = {name: i for i, name in enumerate(sorted(set(names)))}
    family = torch.tensor([vocabulary[name] for name in names])
    transformer, clip, prompt, pooled = M.load_bundle(args.init)
    opt = torch.optim.AdamW(clip.parameters(), lr=args.lr, weight_decay=0.0)
    gen = torch.Generator().manual_seed(args.seed)
    state = {"step": 0, "seconds": 0.0, "losses": []}
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, weights_only=False)
        clip.load_state_dict(ck["clip"]); opt.load_state_dict(ck["opt"]); gen.set_state(ck["gen"]); state = ck["state"]
        print(f"resumed at step {state['step']}", flush=True)
    clip.train()
    while state["step"] < args.steps:
        t0 = time.time()
        for group in opt.param_groups:
            group["lr"] = args.lr * (1 - state["step"] / args.steps)
        idx = torch.randint(len(cells), (args.batch,), generator=gen)
        loss = transformation_loss(clip, cells[idx], args.temperature, family[idx] if args.labels else None)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(clip.parameters(), 1.0)
        opt.step()
        state["step"] += 1
        state["seconds"] += time.time() - t0
        state["losses"].append(round(loss.item(), 5))
        if state["step"] % 50 == 0 or state["step"] == args.steps:
            print(f"step {state['step']} loss {sum(state['losses'][-50:]) / len(state['losses'][-50:]):.4f} "
                  f"({state['seconds']:.0f} s)", flush=True)
            torch.save({"clip": clip.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(), "state": state},
                       ckpt_path + ".tmp")
            os.replace(ckpt_path + ".tmp", ckpt_path)
    clip.eval()
    export_model(args.init, os.path.join(args.out, "model"), transformer, clip, prompt, pooled)
    with open(os.path.join(args.out, "log.json"), "w") as f:
        json.dump({"args": vars(args), "stage": "encoder", **state}, f)


if __name__ == "__main__":
    main()
