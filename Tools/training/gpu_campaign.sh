#!/bin/bash
# Issue 21 on a lent GPU, as one bounded job: a wider `mini` base trained from scratch (grid loss, then the b'-cell
# loss), the three adapters of the paper's comparison on it at equal budgets, and the PyTorch evaluation of all of
# them on the held-out analogies; the model folders come back in $OUT as 15 MiB pieces (the device tool returns
# at most 8 files of 16 MiB). The minutes are wall-clock budgets (train.py --minutes, lr decayed to 0 within them).
#
# Prepared on the CPU machine (Tools/training/README.md, "On a lent GPU"): .gpu/data/*.npz (pack_data.py) and
# .gpu/whl/*.whl (diffusers and importlib_metadata, which the GPU image lacks), both ignored by git and carried.
#   Device:  bash Tools/training/gpu_campaign.sh [TOTAL_MINUTES=8] [HEADS=6] [DOUBLE=2] [SINGLE=5] [DEVICE=cuda]
# The default shape, width 192 with 2 double + 5 single blocks (about 6 M parameters, 24 MB in f32; 2.5× the
# shipped base's work per step), keeps the issue's limits: shipped weights ≤ 50 MB, the quickstart ≤ 3 s on 2 cores.
#   Back here: cat .../model-*.part | tar -x -C RUN   (then evaluate in Swift and ship.py as the README says)
# With DEVICE=cpu and TOTAL_MINUTES=1 it is the smoke test this script was checked with on the 2-core machine.
set -euo pipefail
total=${1:-8}; heads=${2:-6}; double=${3:-2}; single=${4:-5}; device=${5:-cuda}
here=$(cd "$(dirname "$0")" && pwd); root=$(cd "$here/../.." && pwd)
data=$root/.gpu/data; out=${OUT:-/tmp/lorweb-campaign-out}; run=${RUN:-/tmp/lorweb-campaign}
mkdir -p "$out" "$run"
if ! python3 -c "import diffusers" 2>/dev/null; then
    python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$root"/.gpu/whl/*.whl
    export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi
export PYTHONUNBUFFERED=1
cd "$here"
log=$out/campaign.log
# Budget split: base 70 % (a quarter of it on the whole-grid loss), each of three adapters 8 %, evaluation the rest.
base_grid=$(python3 -c "print(round($total * 0.70 * 0.25, 3))"); base_target=$(python3 -c "print(round($total * 0.70 * 0.75, 3))")
adapter=$(python3 -c "print(round($total * 0.08, 3))")
threads=$(nproc); batch=$([ "$device" = cpu ] && echo 8 || echo 256)
edits="--data $data/train_seen_s1.npz --data $data/extra_seen_s5.npz"
with_identity="$edits --data $data/ident_s1.npz"
{
    echo "campaign: width $((32 * heads)), $double double + $single single blocks, $total min on $device, batch $batch"
    python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'no CUDA')"
    [ -d "$run/init" ] || python3 new_base.py --like "$root/Sources/Pipeline/Resources/mini" --heads "$heads" \
        --double "$double" --single "$single" --out "$run/init"
    python3 train.py base $edits --init "$run/init" --out "$run/base-grid" --batch "$batch" --lr 1e-3 \
        --schedule linear-time --minutes "$base_grid" --loss grid --device "$device" --threads "$threads" --checkpoint-every 60
    python3 train.py base $with_identity --init "$run/base-grid/model" --out "$run/base" --batch "$batch" --lr 6e-4 \
        --schedule linear-time --minutes "$base_target" --loss target --device "$device" --threads "$threads" --checkpoint-every 60
    common="$with_identity --init $run/base/model --batch $batch --lr 1e-3 --schedule linear-time --minutes $adapter
            --loss target --train-clip 0 --device $device --threads $threads --checkpoint-every 60"
    python3 train.py basis --loras 8 --rank 4 --out "$run/basis8x4" $common
    python3 train.py lora --loras 1 --rank 32 --out "$run/lora1x32" $common
    python3 train.py basis --loras 4 --rank 8 --out "$run/basis4x8" $common --seed 1
    python3 evaluate.py --split seen="$data/eval_seen_s2.npz" --split unseen="$data/eval_unseen_s3.npz" \
        --split identity="$data/ident_eval_s2.npz" --device "$device" --threads "$threads" --json "$out/eval.json" \
        --method base="$run/base/model" --method lora1x32="$run/lora1x32/model" \
        --method basis8x4="$run/basis8x4/model" --method basis4x8="$run/basis4x8/model" --by-family
} 2>&1 | tee "$log"
# The base's model folder, each adapter and every run's log (no optimizer checkpoints), in pieces that the device
# tool brings back (at most 8 files: the log, eval.json and up to 6 pieces).
runs="base-grid base basis8x4 lora1x32 basis4x8"
tar -C "$run" -cf - base/model $(for r in basis8x4 lora1x32 basis4x8; do echo $r/model/adapter.safetensors; done) \
    $(for r in $runs; do echo $r/log.json; done) | split -b 15M -d - "$out/model-"
for p in "$out"/model-*; do mv "$p" "$p.part"; done
ls -la "$out"
