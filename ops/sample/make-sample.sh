#!/usr/bin/env bash
# Generates the sample dataset: text, image and video jobs, with media made by ffmpeg (nothing is
# downloaded). Usage: ops/sample/make-sample.sh [OUT_DIR]   (default: ~/.cache/interns1/sample)
#   OUT_DIR/media/{chart.png,bars.jpg,clip.mp4}   media, referenced by "path" relative to the media root
#   OUT_DIR/sample.jsonl                          14 jobs: native lines and OpenAI Batch lines
# Point the worker's media root at OUT_DIR/media, then: interns1 submit OUT_DIR/sample.jsonl --dataset sample
set -euo pipefail
OUT=${1:-${INTERNS1_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/interns1}/sample}
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed (ops/services.sh up installs it)" >&2; exit 1; }
mkdir -p "$OUT/media"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
ff -f lavfi -i "testsrc2=size=448x448:rate=1" -frames:v 1 "$OUT/media/chart.png"
ff -f lavfi -i "smptebars=size=640x480:rate=1" -frames:v 1 -q:v 3 "$OUT/media/bars.jpg"
ff -f lavfi -i "testsrc=duration=2:size=320x240:rate=8" -c:v libx264 -pix_fmt yuv420p "$OUT/media/clip.mp4"
ff -f lavfi -i "color=c=0x3366cc:size=32x32:rate=1" -frames:v 1 "$OUT/media/inline.png"
INLINE=$(base64 -w0 "$OUT/media/inline.png")

text() { # custom_id, prompt
  printf '{"custom_id":"%s","messages":[{"role":"user","content":"%s"}],"sampling":{"max_new_tokens":64,"seed":1}}\n' "$1" "$2"
}
image() { # custom_id, path, prompt
  printf '{"custom_id":"%s","messages":[{"role":"user","content":[{"type":"image","path":"%s"},{"type":"text","text":"%s"}]}],"sampling":{"max_new_tokens":64,"seed":2}}\n' "$1" "$2" "$3"
}
video() { # custom_id, path, prompt
  printf '{"custom_id":"%s","messages":[{"role":"user","content":[{"type":"video","path":"%s","num_frames":8},{"type":"text","text":"%s"}]}],"sampling":{"max_new_tokens":64,"seed":3}}\n' "$1" "$2" "$3"
}
{
  text text-01 "What is the chemical formula of caffeine?"
  text text-02 "Explain in one sentence why the sky is blue."
  text text-03 "Give the SMILES string of aspirin."
  text text-04 "What does a p-value measure?"
  printf '{"custom_id":"text-05","messages":[{"role":"system","content":"You answer briefly."},{"role":"user","content":"Name three noble gases."}],"enable_thinking":false}\n'
  printf '{"custom_id":"text-06","messages":[{"role":"user","content":"Balance: H2 + O2 -> H2O"}],"sampling":{"temperature":0.0,"max_new_tokens":32,"stop":["\\n\\n"]}}\n'
  image image-01 chart.png "Describe this test pattern."
  image image-02 bars.jpg "How many colour bars are there?"
  image image-03 chart.png "Which colours dominate the image?"
  printf '{"custom_id":"image-04","messages":[{"role":"user","content":[{"type":"image","base64":"%s"},{"type":"text","text":"What colour is this square?"}]}]}\n' "$INLINE"
  video video-01 clip.mp4 "What moves in this video?"
  video video-02 clip.mp4 "Summarise the video in one sentence."
  printf '{"custom_id":"batch-01","method":"POST","url":"/v1/chat/completions","body":{"model":"internlm/Intern-S1","messages":[{"role":"user","content":"What is the speed of light in vacuum?"}],"max_completion_tokens":64}}\n'
  printf '{"custom_id":"batch-02","method":"POST","url":"/v1/chat/completions","body":{"model":"internlm/Intern-S1","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,%s"}},{"type":"text","text":"Describe the image."}]}],"chat_template_kwargs":{"enable_thinking":false}}}\n' "$INLINE"
} > "$OUT/sample.jsonl"
rm -f "$OUT/media/inline.png"
echo "$OUT"
