#!/bin/sh
# Builds a Java 17 runtime base image from Debian's own packages, for hosts that reach a Debian
# mirror but no image registry. The Dockerfile's default base (eclipse-temurin:17-jre) needs none
# of this; use it with:  podman build --build-arg BASE_IMAGE=localhost/tokengate-base:17-bookworm ...
#
#   deploy/container/make-local-base.sh [ROOTFS_DIR] [IMAGE]
#
# Needs root, debootstrap and podman (apt-get install debootstrap podman). The rootfs stays in
# ROOTFS_DIR (default /var/tmp/tokengate-base-rootfs), outside any git work tree; an existing one is
# re-imported, not rebuilt (delete it to rebuild).
set -eu

ROOTFS=${1:-/var/tmp/tokengate-base-rootfs}
IMAGE=${2:-localhost/tokengate-base:17-bookworm}
SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
PODMAN=${PODMAN:-podman}            # e.g. PODMAN="podman --runtime runc"
RUN_OPTS=${RUN_OPTS:-}              # e.g. RUN_OPTS="--ulimit nofile=16384:16384 --ulimit nproc=8192:8192"

if [ ! -x "$ROOTFS/usr/lib/jvm/java-17-openjdk-amd64/bin/java" ] && [ ! -e "$ROOTFS/usr/bin/java" ]; then
  rm -rf "$ROOTFS"
  # minbase: no init, no apt recommends; bash for the HEALTHCHECK, the JRE and CA certificates.
  debootstrap --variant=minbase --include=bash,ca-certificates,openjdk-17-jre-headless \
    "$SUITE" "$ROOTFS" "$MIRROR"
  chroot "$ROOTFS" apt-get clean
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin
fi

tar -C "$ROOTFS" --numeric-owner -c . | $PODMAN import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  - "$IMAGE"
# shellcheck disable=SC2086 # word lists
$PODMAN run --rm $RUN_OPTS "$IMAGE" java -version
