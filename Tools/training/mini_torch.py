"""PyTorch twin of the Swift `mini` model (Sources/Pipeline/Mini/MiniFamily.swift) for training.

Same computation as the Swift pipeline (AnalogyPipeline.swift, LatentCodec.swift):
- cells 32 px, grid [[a, a'], [b, b]] 64 px, pixels u8 -> [-1, 1] (v / 127.5 - 1);
- 4-px RGB patches packed FLUX-style: token n = r*cols + q, channel k = c*16 + dy*4 + dx;
- Kontext layout: noise tokens first (ids [0,r,c]), context tokens after (ids [1,r,c]), text ids zero;
- timestep = sigma (the pipeline passes t/1000), guidance 2.5, output sliced to the noise tokens;
- AttLoRA written from Docs/LORWEB.md §2.4-2.5 (softmax over the basis, one head, scale 1).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from safetensors.torch import load_file, save_file
from diffusers import FluxTransformer2DModel
from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

CELL, PATCH, GRID = 32, 4, 64
ROWS = COLS = GRID // PATCH
OPENAI_MEAN = torch.tensor([0.48145466, 0.4578275, 0.40821073]).view(1, 3, 1, 1)
OPENAI_STD = torch.tensor([0.26862954, 0.26130258, 0.27577711]).view(1, 3, 1, 1)


# ---------------------------------------------------------------------------------------------- data
def load_split(folder):
    """manifest.json + PNGs from `lorweb analogies` -> uint8 tensor [N, 4, 3, 32, 32] (a, a', b, b') and families.
    A `.npz` that pack_data.py wrote from such a folder loads the same tensor (for a machine without the PNGs)."""
    if folder.endswith(".npz"):
        packed = np.load(folder)
        return torch.from_numpy(packed["cells"]), [str(f) for f in packed["families"]]
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    cells, families = [], []
    for s in manifest["samples"]:
        quad = [np.asarray(Image.open(os.path.join(folder, s["files"][k])).convert("RGB"))
                for k in ("a", "aPrime", "b", "bPrime")]
        cells.append(np.stack(quad).transpose(0, 3, 1, 2))
        families.append(s["family"])
    return torch.from_numpy(np.stack(cells)), families


def load_cells(folders):
    """Several `lorweb analogies` folders -> (uint8 tensor [N, 4, 3, 32, 32], family names), in folder order."""
    splits = [load_split(folder) for folder in folders]
    return torch.cat([cells for cells, _ in splits]), [f for _, families in splits for f in families]


def signed(u8):
    """PixelConversion.signedFloat: (u / 255) * 2 - 1 in f32."""
    return (u8.float() / 255.0) * 2.0 - 1.0


def to_u8(x):
    """PixelConversion.u8(signed:): clamp(x * 0.5 + 0.5, 0, 1) * 255, round half to even."""
    return torch.round(torch.clamp(x * 0.5 + 0.5, 0.0, 1.0) * 255.0).to(torch.uint8)


def grid(tl, tr, bl, br):
    """Four [B,3,32,32] cells -> [B,3,64,64]."""
    return torch.cat([torch.cat([tl, tr], dim=3), torch.cat([bl, br], dim=3)], dim=2)


def pack(planes):
    """[B,3,H,W] -> [B,(H/4)(W/4),48] (LatentCodec.pack)."""
    b, c, h, w = planes.shape
    x = planes.view(b, c, h // PATCH, PATCH, w // PATCH, PATCH).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(b, (h // PATCH) * (w // PATCH), c * PATCH * PATCH)


def unpack(tokens, rows=ROWS, cols=COLS):
    b = tokens.shape[0]
    x = tokens.view(b, rows, cols, 3, PATCH, PATCH).permute(0, 3, 1, 4, 2, 5)
    return x.reshape(b, 3, rows * PATCH, cols * PATCH)


def position_ids(first):
    ids = torch.zeros(ROWS * COLS, 3)
    ids[:, 0] = first
    ids[:, 1] = torch.arange(ROWS).repeat_interleave(COLS).float()
    ids[:, 2] = torch.arange(COLS).repeat(ROWS).float()
    return ids


# Tokens of the bottom-right (b') cell in the packed grid: rows and columns ROWS/2 .. ROWS-1.
TARGET_TOKENS = torch.tensor([r * COLS + c for r in range(ROWS // 2, ROWS) for c in range(COLS // 2, COLS)])

IMG_IDS = torch.cat([position_ids(0.0), position_ids(1.0)], dim=0)


# ---------------------------------------------------------------------------------------------- model
def load_bundle(folder):
    """The model folder (ModelBundle layout) -> (transformer, clip, prompt_embeds [8,64], pooled [64])."""
    with open(os.path.join(folder, "transformer", "config.json")) as f:
        tcfg = json.load(f)
    transformer = FluxTransformer2DModel(**tcfg)
    transformer.load_state_dict(load_file(os.path.join(folder, "transformer", "diffusion_pytorch_model.safetensors")))
    with open(os.path.join(folder, "image_encoder", "config.json")) as f:
        ccfg = json.load(f)
    clip = CLIPVisionModelWithProjection(CLIPVisionConfig(**ccfg))
    missing, unexpected = clip.load_state_dict(load_file(os.path.join(folder, "image_encoder", "model.safetensors")),
                                               strict=False)
    assert not unexpected and all("position_ids" in m for m in missing), (missing, unexpected)
    prompt = load_file(os.path.join(folder, "null_prompt.safetensors"))
    return transformer.float(), clip.float(), prompt["prompt_embeds"].float(), prompt["pooled_prompt_embeds"].float()


def image_embeds(clip, cells_u8):
    """[B,3,32,32] u8 -> [B,D] projected embeddings (/255, OpenAI mean/std; resize and crop are no-ops at 32 px)."""
    mean, std = OPENAI_MEAN.to(cells_u8.device), OPENAI_STD.to(cells_u8.device)
    return clip(pixel_values=(cells_u8.float() / 255.0 - mean) / std).image_embeds


def clip_query(clip, a, ap, b):
    """cat-aa'b query [B, 96]: the image_embeds of a, a' and b side by side."""
    e = image_embeds(clip, torch.cat([a, ap, b], dim=0))
    n = a.shape[0]
    return torch.cat([e[:n], e[n:2 * n], e[2 * n:]], dim=1)


def adapted_linear_paths(model):
    """Every nn.Linear inside the blocks (Docs/LORWEB.md §1.3): 52 for mini."""
    return [n for n, m in model.named_modules() if isinstance(m, nn.Linear) and "transformer_blocks" in n]


class BasisLinear(nn.Module):
    """y = base(x) + einsum('bsi,nir,bn,nro->bso', x, A, c, B), c = softmax_n(W_q e . K_n / sqrt(K)) (Docs/LORWEB.md §2.4-2.5).
    With n_loras = 1 and no query it is one plain LoRA (c = 1): the single-LoRA baseline."""

    def __init__(self, base, n_loras, rank, key_dim, query_dim, gen):
        super().__init__()
        self.base = base
        fin, fout = base.in_features, base.out_features
        self.lora_A = nn.Parameter(torch.randn(n_loras, fin, rank, generator=gen) / math.sqrt(fin))
        self.lora_B = nn.Parameter(torch.zeros(n_loras, rank, fout))  # ai-toolkit: lora_up starts at zero
        self.use_query = query_dim > 0
        if self.use_query:
            self.lora_keys = nn.Parameter(torch.randn(n_loras, key_dim, generator=gen))
            self.att_lora_to_q = nn.Linear(query_dim, key_dim, bias=False)
            with torch.no_grad():
                self.att_lora_to_q.weight.copy_(torch.randn(key_dim, query_dim, generator=gen) / math.sqrt(query_dim))
        self.query = None  # [B, Q], set per batch by `set_query`

    def coefficients(self):
        q = self.att_lora_to_q(self.query)                                   # [B, K]
        s = q @ self.lora_keys.t() / math.sqrt(self.lora_keys.shape[1])      # [B, N]
        return torch.softmax(s, dim=-1)

    def forward(self, x):
        y = self.base(x)
        n, _, r = self.lora_A.shape
        if self.use_query:
            c = self.coefficients()                                          # [B, N]
        else:
            c = torch.ones(x.shape[0], n, dtype=x.dtype, device=x.device)
        xa = torch.einsum("...i,nir->...nr", x, self.lora_A)                 # [B,(S),N,r]
        cshape = (x.shape[0],) + (1,) * (x.dim() - 2) + (n, 1)
        xa = (xa * c.view(cshape)).flatten(-2)                               # [B,(S),N*r]
        return y + xa @ self.lora_B.reshape(n * r, -1)


def attach_adapters(transformer, n_loras, rank, key_dim=32, query_dim=96, seed=0):
    gen = torch.Generator().manual_seed(seed)
    layers = {}
    for path in adapted_linear_paths(transformer):
        parent_path, _, leaf = path.rpartition(".")
        parent = transformer.get_submodule(parent_path)
        layer = BasisLinear(getattr(parent, leaf), n_loras, rank, key_dim, query_dim, gen)
        setattr(parent, leaf, layer)
        layers[path] = layer
    return layers


def set_query(layers, query):
    for layer in layers.values():
        layer.query = query


def host(t):
    """A tensor as safetensors stores it: detached, f32, contiguous, in host memory."""
    return t.detach().float().cpu().contiguous()


def adapter_state(layers):
    """Official LoRWeB key format (Docs/LORWEB.md §1.2)."""
    out = {}
    for path, l in layers.items():
        out[f"transformer.{path}.lora_A"] = host(l.lora_A)
        out[f"transformer.{path}.lora_B"] = host(l.lora_B)
        if l.use_query:
            out[f"transformer.{path}.lora_keys"] = host(l.lora_keys)
            out[f"transformer.{path}.att_lora_to_q.weight"] = host(l.att_lora_to_q.weight)
    return out


def load_adapter_state(layers, state):
    with torch.no_grad():
        for path, l in layers.items():
            l.lora_A.copy_(state[f"transformer.{path}.lora_A"])
            l.lora_B.copy_(state[f"transformer.{path}.lora_B"])
            if l.use_query:
                l.lora_keys.copy_(state[f"transformer.{path}.lora_keys"])
                l.att_lora_to_q.weight.copy_(state[f"transformer.{path}.att_lora_to_q.weight"])


def base_state(transformer):
    """Transformer weights in diffusers keys, adapters (if attached) stripped."""
    sd = {}
    for k, v in transformer.state_dict().items():
        if ".lora_" in k or "att_lora_to_q" in k:
            continue
        sd[k.replace(".base.", ".")] = host(v)
    return sd


# ---------------------------------------------------------------------------------------------- flow matching
MU = 0.5  # FLUX dynamic shift for 256 image tokens: base_shift 0.5 at base_image_seq_len 256


def shift(sigma, mu=MU):
    return math.exp(mu) / (math.exp(mu) + (1.0 / sigma - 1.0))


def train_sigmas(batch, gen):
    """FLUX training: logit-normal sigma, then the same exponential time shift as sampling."""
    s = torch.sigmoid(torch.randn(batch, generator=gen))
    e = math.exp(MU)
    return e / (e + (1.0 / s - 1.0))


def velocity(transformer, prompt, pooled, latents, context, sigma, guidance=2.5):
    b = latents.shape[0]
    n = latents.shape[1]
    out = transformer(hidden_states=torch.cat([latents, context], dim=1),
                      encoder_hidden_states=prompt.expand(b, -1, -1), pooled_projections=pooled.expand(b, -1),
                      timestep=sigma.to(latents.device), img_ids=IMG_IDS.to(latents.device),
                      txt_ids=torch.zeros(prompt.shape[-2], 3, device=latents.device),
                      guidance=torch.full((b,), guidance, device=latents.device), return_dict=False)[0]
    return out[:, :n]


def sample_sigmas(steps=20):
    s = np.linspace(1.0, 1.0 / steps, steps)
    s = [shift(float(x)) for x in s]
    return s + [0.0]


@torch.no_grad()
def sample(transformer, prompt, pooled, noise, context, steps=20, guidance=2.5):
    """Euler loop in latent mode, as AnalogyPipeline.denoise."""
    sig = sample_sigmas(steps)
    x = noise
    for i in range(steps):
        v = velocity(transformer, prompt, pooled, x, context, torch.full((x.shape[0],), sig[i]), guidance)
        x = x + (sig[i + 1] - sig[i]) * v
    return x


def ssim(pred_u8, true_u8):
    """Per-image SSIM as ImageMetrics.ssim: Gaussian window 11, sigma 1.5, K1 0.01, K2 0.03, L 255, population
    covariances, valid positions only, mean over positions, then over R, G, B (float64)."""
    x, y = pred_u8.double(), true_u8.double()
    t = torch.arange(-5, 6, dtype=torch.float64)
    g = torch.exp(-t * t / 4.5)
    g = g / g.sum()
    def blur(z):
        c = z.shape[1]
        z = torch.nn.functional.conv2d(z, g.view(1, 1, 1, 11).repeat(c, 1, 1, 1), groups=c)
        return torch.nn.functional.conv2d(z, g.view(1, 1, 11, 1).repeat(c, 1, 1, 1), groups=c)
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    m = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return m.mean(dim=(2, 3)).mean(dim=1)


def psnr(pred_u8, true_u8):
    mse = ((pred_u8.float() - true_u8.float()) ** 2).flatten(1).mean(1)
    return 10 * torch.log10(255.0 ** 2 / mse.clamp(min=1e-10))
