#!/usr/bin/env bash
# Router benchmark, upstream style: the same environment variables as upstream's run_bench.sh,
# running `semantic-router bench run`. Extra arguments are passed through, e.g.
#   VLLM_MODELS="qwen3-8b deepseek-v31" bench/run_bench.sh --config config/config.yaml
# Writes <OUTPUT_DIR>/<run>/{detailed_results.csv,summary.json}, comparison.json and report.html.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUTER_ENDPOINT="${ROUTER_ENDPOINT:-http://127.0.0.1:8801/v1}"
VLLM_ENDPOINT="${VLLM_ENDPOINT:-http://127.0.0.1:8000/v1}"
ROUTER_MODELS="${ROUTER_MODELS:-auto}"
VLLM_MODELS="${VLLM_MODELS:-}"
VLLM_EXEC_MODES="${VLLM_EXEC_MODES:-NR,NR_REASONING}"
DATASET="${DATASET:-mmlu-pro}"
DATA="${DATA:-}"
CATEGORIES="${CATEGORIES:-}"
SAMPLES_PER_CATEGORY="${SAMPLES_PER_CATEGORY:-5}"
CONCURRENT_REQUESTS="${CONCURRENT_REQUESTS:-4}"
MAX_TOKENS="${MAX_TOKENS:-2048}"
TEMPERATURE="${TEMPERATURE:-0}"
SEED="${SEED:-42}"
OUTPUT_DIR="${OUTPUT_DIR:-results/reasonbench}"
BENCHMARK_ROUTER_ONLY="${BENCHMARK_ROUTER_ONLY:-false}"
CONFIG="${CONFIG:-}"

args=(bench run
  --dataset "$DATASET"
  --router-endpoint "$ROUTER_ENDPOINT" --router-models "$ROUTER_MODELS" --run-router
  --samples-per-category "$SAMPLES_PER_CATEGORY"
  --concurrent-requests "$CONCURRENT_REQUESTS"
  --max-tokens "$MAX_TOKENS" --temperature "$TEMPERATURE" --seed "$SEED"
  --output-dir "$OUTPUT_DIR")
[ -n "$DATA" ] && args+=(--data "$DATA")
[ -n "$CATEGORIES" ] && args+=(--categories "$CATEGORIES")
[ -n "$CONFIG" ] && args+=(--config "$CONFIG")
if [ "$BENCHMARK_ROUTER_ONLY" != "true" ] && [ -n "$VLLM_MODELS" ]; then
  args+=(--run-vllm --vllm-endpoint "$VLLM_ENDPOINT" --vllm-models "$VLLM_MODELS"
    --vllm-exec-modes "$VLLM_EXEC_MODES")
fi
# Keys come from the environment (ROUTER_API_KEY, VLLM_API_KEY), never from the command line.
exec node --import tsx src/main.ts "${args[@]}" "$@"
