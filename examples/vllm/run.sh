#!/usr/bin/env bash
# Serve a vision-language model with vLLM's OpenAI-compatible server and run the trust suites
# against it. See README.md next to this file. Usage:
#
#   examples/vllm/run.sh [extra pytest arguments…]
#
# Settings (environment variables):
#   MODEL        the Hugging Face id or local folder vLLM serves   (Qwen/Qwen2.5-VL-7B-Instruct)
#   SERVED_NAME  the name the server answers to                     (my-vlm)
#   PORT         the server's port on 127.0.0.1                     (8000)
#   SUITES       the suite files or folders to run                  (suites)
#   VLLM_API_KEY if set, the server requires it and litellm sends it
#   REPORTS      where the reports go                               (mmtrust-report)
#   SERVER_URL   use an already running server instead of starting one (e.g. http://gpu-box:8000/v1)
set -euo pipefail

MODEL="${MODEL:-Qwen/Qwen2.5-VL-7B-Instruct}"
SERVED_NAME="${SERVED_NAME:-my-vlm}"
PORT="${PORT:-8000}"
SUITES="${SUITES:-suites}"
REPORTS="${REPORTS:-mmtrust-report}"
SERVER_URL="${SERVER_URL:-}"

server_pid=""
curl_auth=()
if [ -n "${VLLM_API_KEY:-}" ]; then curl_auth=(-H "Authorization: Bearer $VLLM_API_KEY"); fi
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap stop_server EXIT

if [ -z "$SERVER_URL" ]; then
    SERVER_URL="http://127.0.0.1:${PORT}/v1"
    api_key_args=()
    if [ -n "${VLLM_API_KEY:-}" ]; then api_key_args=(--api-key "$VLLM_API_KEY"); fi
    # Two images per prompt: some tasks (position swapping) send a pair. Greedy decoding is
    # what the suites ask for (temperature 0, a fixed seed), so reruns repeat.
    vllm serve "$MODEL" \
        --served-model-name "$SERVED_NAME" \
        --host 127.0.0.1 --port "$PORT" \
        --max-model-len 8192 \
        --limit-mm-per-prompt '{"image": 2}' \
        "${api_key_args[@]}" \
        > vllm-server.log 2>&1 &
    server_pid=$!
    echo "vllm: starting $MODEL as $SERVED_NAME on $SERVER_URL (log: vllm-server.log)"
    for _ in $(seq 1 600); do
        if curl -sf "${curl_auth[@]}" "$SERVER_URL/models" >/dev/null; then
            break
        fi
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "vllm: the server exited; last lines of vllm-server.log:" >&2
            tail -n 30 vllm-server.log >&2
            exit 1
        fi
        sleep 1
    done
    curl -sf "${curl_auth[@]}" "$SERVER_URL/models" >/dev/null \
        || { echo "vllm: no answer from $SERVER_URL after 10 minutes" >&2; exit 1; }
fi

# litellm's hosted_vllm route reads the key from HOSTED_VLLM_API_KEY.
export HOSTED_VLLM_API_KEY="${VLLM_API_KEY:-}"

# vLLM batches concurrent requests on the GPU: many in flight keeps it busy. A straggler at the
# end of the run gets a second copy on an idle slot (auto: a server whose model has no price).
pytest "$SUITES" \
    --mmtrust-model "hosted_vllm/$SERVED_NAME" \
    --mmtrust-api-base "$SERVER_URL" \
    --mmtrust-concurrency 64 \
    --mmtrust-hedge auto \
    --mmtrust-timeout 300 \
    --mmtrust-md "$REPORTS/summary.md" \
    --mmtrust-html "$REPORTS/report.html" \
    --mmtrust-json "$REPORTS/report.json" \
    "$@"
