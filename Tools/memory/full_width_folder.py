#!/usr/bin/env python3
"""A FLUX.1-Kontext-dev pipeline folder at full width and reduced depth, for measuring memory per stage (issue 20).

Every component has the published configuration except its depth: the transformer keeps D = 3072, 24 heads and
the real embedders with DOUBLE double blocks and SINGLE single blocks (19 and 38 in the release); T5-XXL keeps
d_model 4096, d_ff 10240, 64 heads and the 32,128-token embedding with T5_LAYERS layers (24); CLIP-L text, the
VAE and the CLIP ViT-L/14 query encoder are whole. The basis has the release's shape per Linear (N = 32 LoRAs of
rank 4, key size 128, query 2304) on every adapted Linear of the reduced transformer. Weights are random (bf16
as the release stores them; the basis f16): memory and time do not depend on the values.

Writes OUT (default /tmp/lorweb-full-width; a few GB, never inside the clone):
  OUT/FLUX.1-Kontext-dev/   OUT/clip-vit-large-patch14/   OUT/lorweb/lorweb.safetensors + config.yaml
The tokenizers are the committed fixtures' (the real CLIP vocabulary; a small T5 unigram model whose ids fit).

Run: python3 Tools/memory/full_width_folder.py [OUT] [--double 1] [--single 1] [--t5-layers 1]
"""
import argparse
import json
import os
import shutil

import torch
from diffusers import AutoencoderKL, FluxTransformer2DModel
from safetensors.torch import save_file
from transformers import CLIPTextConfig, CLIPTextModel, CLIPVisionConfig, CLIPVisionModelWithProjection, T5Config, T5EncoderModel

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
MODELS = os.path.join(ROOT, "Tests", "ModelsTests", "Fixtures")
TINY = os.path.join(ROOT, "Tests", "PipelineTests", "Fixtures", "kontext_tiny")


def config(path):
    with open(path) as f:
        return {k: v for k, v in json.load(f).items() if not k.startswith("_") and k != "transformers_version"}


def adapted_linears(transformer):
    """Every Linear inside the blocks (LoRWeB adapts those; Docs/LORWEB.md §1)."""
    return [name for name, m in transformer.named_modules()
            if isinstance(m, torch.nn.Linear) and "transformer_blocks." in name]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default="/tmp/lorweb-full-width")
    ap.add_argument("--double", type=int, default=1)
    ap.add_argument("--single", type=int, default=1)
    ap.add_argument("--t5-layers", type=int, default=1)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_grad_enabled(False)
    pipe = os.path.join(args.out, "FLUX.1-Kontext-dev")
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    # The folder's skeleton (model_index.json, scheduler/, tokenizers) from the tiny fixture of the same layout.
    shutil.copytree(os.path.join(TINY, "FLUX.1-Kontext-tiny"), pipe,
                    ignore=shutil.ignore_patterns("transformer", "vae", "text_encoder", "text_encoder_2"))

    transformer = FluxTransformer2DModel(num_layers=args.double, num_single_layers=args.single,
                                         guidance_embeds=True).to(torch.bfloat16)
    transformer.save_pretrained(os.path.join(pipe, "transformer"), max_shard_size="2GB")
    vae = AutoencoderKL(**config(os.path.join(MODELS, "vae_flux1", "config.json"))).to(torch.bfloat16)
    vae.save_pretrained(os.path.join(pipe, "vae"))
    clip_text = CLIPTextModel(CLIPTextConfig(**config(os.path.join(MODELS, "text_encoders", "clip_text_large_config.json"))))
    clip_text.to(torch.float16).save_pretrained(os.path.join(pipe, "text_encoder"))
    t5 = config(os.path.join(MODELS, "text_encoders", "t5_xxl_encoder_config.json"))
    t5["num_layers"] = args.t5_layers
    T5EncoderModel(T5Config(**t5)).to(torch.bfloat16).save_pretrained(os.path.join(pipe, "text_encoder_2"),
                                                                      max_shard_size="2GB")
    clip = config(os.path.join(MODELS, "clip_vit_large_patch14_config.json"))   # the CLIPModel config: its vision part
    vision_config = {k: v for k, v in clip["vision_config"].items() if not k.startswith("_") and k != "transformers_version"}
    vision = CLIPVisionModelWithProjection(CLIPVisionConfig(**dict(vision_config, projection_dim=clip["projection_dim"])))
    vision.to(torch.float16).save_pretrained(os.path.join(args.out, "clip-vit-large-patch14"))
    with open(os.path.join(TINY, "clip-vision-tiny", "preprocessor_config.json")) as f:
        processor = json.load(f)
    processor["crop_size"] = {"height": 224, "width": 224}   # openai/clip-vit-large-patch14's
    processor["size"] = {"shortest_edge": 224}
    with open(os.path.join(args.out, "clip-vit-large-patch14", "preprocessor_config.json"), "w") as f:
        json.dump(processor, f, indent=2)

    N, r, K, Q = 32, 4, 128, 3 * vision.config.projection_dim
    ckpt = {}
    for p in adapted_linears(transformer):
        lin = transformer.get_submodule(p)
        ckpt[f"transformer.{p}.lora_A"] = (torch.randn(N, lin.in_features, r) / lin.in_features ** 0.5).half()
        ckpt[f"transformer.{p}.lora_B"] = (torch.randn(N, r, lin.out_features) * 0.01).half()
        ckpt[f"transformer.{p}.lora_keys"] = torch.randn(N, K).half()
        ckpt[f"transformer.{p}.att_lora_to_q.weight"] = (torch.randn(K, Q) / Q ** 0.5).half()
    os.makedirs(os.path.join(args.out, "lorweb"))
    save_file(ckpt, os.path.join(args.out, "lorweb", "lorweb.safetensors"), metadata={"format": "pt"})
    shutil.copy(os.path.join(TINY, "basis", "config.yaml"), os.path.join(args.out, "lorweb", "config.yaml"))
    sizes = {d: sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(os.path.join(args.out, d)) for f in fs)
             for d in os.listdir(args.out)}
    print(json.dumps({"out": args.out, "double": args.double, "single": args.single, "t5_layers": args.t5_layers,
                      "adapted_linears": len(adapted_linears(transformer)), "bytes": sizes}))


if __name__ == "__main__":
    main()
