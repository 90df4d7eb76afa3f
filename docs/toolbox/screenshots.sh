#!/usr/bin/env bash
# Screenshots of the toolbox for the README: the real app in a virtual X display (Xvfb, Mesa
# llvmpipe), on docs/toolbox/spliced.jpg with the bundled model, one start per layout, each
# from a saved state (RON, fields left out take their defaults). Needs xvfb, x11-apps (xwd), xdotool
# and ImageMagick; run from the repository root after a release build.
set -euo pipefail
bin=${FORGELENS_BIN:-${CARGO_TARGET_DIR:-target}/release/forgelens}
out=docs/toolbox
convert=$(command -v convert-im6 || command -v convert)
display=:77
Xvfb $display -screen 0 1280x820x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb' EXIT
sleep 2

shot() { # name, State as RON
    local name=$1 state=$2 home
    home=$(mktemp -d)
    mkdir -p "$home/.local/share/forgelens"
    printf '{\n    "app": "%s",\n}\n' "${state//\"/\\\"}" >"$home/.local/share/forgelens/app.ron"
    HOME=$home DISPLAY=$display RUST_LOG=warn "$bin" "$out/spliced.jpg" --device cpu &
    local app=$!
    sleep "${WAIT_S:-40}"
    DISPLAY=$display xdotool mousemove 1279 40 # no tooltip in the picture
    sleep 1
    xwd -root -silent -display $display | "$convert" xwd:- -colors 256 "PNG8:$out/$name.png"
    kill $app
    wait $app 2>/dev/null || true
    rm -rf "$home"
    echo "$out/$name.png: $(stat -c %s "$out/$name.png") bytes"
}

panel='show_panel:true'
shot toolbox-ela "(toolbox:($panel,tool:ela),layout:Single(Tool((tool:ela,index:0))))"
shot toolbox-swipe "(toolbox:($panel,tool:ela,swipe_at:0.45),layout:Compare(left:Fused,right:Tool((tool:ela,index:0)),swipe:true))"
shot toolbox-noise-vs-ela "(toolbox:($panel,tool:noise,map:2),layout:Compare(left:Tool((tool:ela,index:0)),right:Tool((tool:noise,index:2)),swipe:false))"
shot toolbox-grid "(toolbox:($panel,tool:jpeg),layout:Grid)"
