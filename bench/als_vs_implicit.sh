# Implicit-feedback ALS, Aisle against the `implicit` library (0.7.x, conjugate-gradient
# solver), side by side in one run on Amazon Beauty: seconds per iteration and leave-one-out
# HR@10 / NDCG@10 (full ranking, training items excluded) for 64 and 128 factors on 1 and 2
# threads, 15 iterations each. Per setting three runs, alternated so a change in machine load
# hits all alike:
#   implicit        alpha/regularization tuned on the validation item (ALS_PEER_ALPHA, ALS_PEER_REG;
#                   at 128 factors implicit scored validation NDCG@10 0.0422 at alpha 80 / λ 30,
#                   0.0413 at 40 / 30, 0.0412 at 20 / 0.1, 0.0399 at 10 / 3; implicit's alpha is
#                   1 + ours, see bench/peers/implicit_als.py);
#   aisle same      the same model and settings (plain λ), for a like-for-like time and accuracy;
#   aisle default   Aisle's defaults (AlsConfig::default(): λ scaled by interaction counts),
#                   tuned on the same validation item.
# Goal: Aisle at most half of implicit's time per iteration, with equal or better NDCG@10.
# Run with: bash bench/als_vs_implicit.sh        (ALS_BENCH_ARGS="--validation" scores items[-2])
# Settings: ALS_FACTORS (64,128) ALS_THREADS (1,2) ALS_ITERATIONS (15) ALS_PEER_ALPHA (80)
# ALS_PEER_REG (30).
set -euo pipefail
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$bench_root/target}"
data_dir="${AISLE_DATA_DIR:-$bench_root/../shared/data}"
beauty="$data_dir/amazon-beauty-s3rec/Beauty.txt"
factors="${ALS_FACTORS:-64,128}"
threads="${ALS_THREADS:-1,2}"
iterations="${ALS_ITERATIONS:-15}"
peer="--iterations $iterations --alpha ${ALS_PEER_ALPHA:-80} --regularization ${ALS_PEER_REG:-30}"
extra="${ALS_BENCH_ARGS:-}"
source "$bench_root/bench/machine.sh"
echo "machine: $(machine)"

peer_venv
if ! "$venv/bin/python" -c "import implicit, threadpoolctl, scipy" 2>/dev/null; then
  "$venv/bin/pip" install -q "implicit>=0.7,<0.8" threadpoolctl numpy scipy
fi
# implicit asks for single-threaded BLAS (its own threads do the work).
export OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_NUM_THREADS=1

cargo build --release -q -p aisle-recommend --example als_speed --manifest-path "$bench_root/Cargo.toml"
aisle="$CARGO_TARGET_DIR/release/examples/als_speed"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $beauty; implicit and aisle same: $peer; aisle default: $("$aisle" --print-defaults) $extra"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
# Alternate the three per setting, so a change in machine load hits all alike.
for f in ${factors//,/ }; do
  for t in ${threads//,/ }; do
    # shellcheck disable=SC2086
    "$venv/bin/python" "$bench_root/bench/peers/implicit_als.py" --data "$beauty" \
      --factors "$f" --threads "$t" $peer $extra | tee -a "$results"
    # shellcheck disable=SC2086
    "$aisle" --data "$beauty" --json --factors "$f" --threads "$t" $peer \
      --scale-regularization false $extra | tee -a "$results"
    # shellcheck disable=SC2086
    "$aisle" --data "$beauty" --json --factors "$f" --threads "$t" --iterations "$iterations" \
      $extra | tee -a "$results"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$venv/bin/python" - "$results" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def pick(pred):
    return {(r["factors"], r["threads"]): r for r in rows if pred(r)}
peer = pick(lambda r: r["impl"].startswith("implicit"))
same = pick(lambda r: r["impl"] == "aisle" and not r["scale_regularization"])
default = pick(lambda r: r["impl"] == "aisle" and r["scale_regularization"])
print()
print(f"{'factors':>7} {'threads':>7} | {'implicit':>8} {'same':>7} {'ratio':>5} {'default':>7} {'ratio':>5} "
      f"| {'implicit HR/NDCG@10':>19} | {'same HR/NDCG@10':>15} | {'default HR/NDCG@10':>18}")
for key in sorted(peer):
    if key not in same or key not in default:
        continue
    p, s, d = peer[key], same[key], default[key]
    sp = p["seconds_per_iteration"]
    print(f"{key[0]:>7} {key[1]:>7} | {sp:>8.4f} {s['seconds_per_iteration']:>7.4f} "
          f"{s['seconds_per_iteration'] / sp:>5.2f} {d['seconds_per_iteration']:>7.4f} "
          f"{d['seconds_per_iteration'] / sp:>5.2f} | {p['hr10']:>9.4f} {p['ndcg10']:>9.4f} "
          f"| {s['hr10']:>7.4f} {s['ndcg10']:>7.4f} | {d['hr10']:>8.4f} {d['ndcg10']:>9.4f}")
print(f"(seconds per iteration, first iteration excluded; ratio = aisle / {next(iter(peer.values()))['impl']}, goal <= 0.50)")
PY
